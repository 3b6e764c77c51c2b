// Storage settings (a row per project or group) and the quota guard of publish commits.
//
//   a publish commit with files ends its batch with guardStatement(project):
//     INSERT INTO storage_quota_guard SELECT project WHERE
//       the project's quota  < its packages_size            (after this batch's own inserts)
//       or a group above it (any ancestor) with a quota < the group tree's packages_size
//   the guard table's CHECK refuses every row, so a commit past a quota fails as a whole → 413
// D1 runs a batch as one transaction, one at a time over the database: of two publishes at the edge (in any two
// coordinators), the second's guard sees the first's files and refuses, so both cannot pass.
import { and, eq, sql } from "drizzle-orm";
import { namespacesAboveProject } from "../tenancy";
import type { Db } from "../../db/client";
import { projects, storageQuotaGuard, storageSettings } from "../../db/schema";
import { groupSizeSql, projectSizeSql } from "./statistics";

export type StorageSettingsRow = typeof storageSettings.$inferSelect;

/** The constraint whose failure means "past a quota" (in D1's error message). */
export const QUOTA_CONSTRAINT = "storage_quota_exceeded";

/** The batch's last statement for a publish that adds files to `projectId`. */
export function quotaGuardStatement(db: Db, projectId: number) {
  const ancestors = namespacesAboveProject(projectId);
  const exceeded = sql`EXISTS (
    SELECT 1 FROM storage_settings s WHERE s.project_id = ${projectId} AND s.packages_size_limit IS NOT NULL AND ${projectSizeSql(projectId)} > s.packages_size_limit
    UNION ALL
    SELECT 1 FROM storage_settings s JOIN namespaces g ON g.id = s.namespace_id
      WHERE s.namespace_id IN ${ancestors} AND s.packages_size_limit IS NOT NULL AND ${groupSizeSql(sql`g.traversal_ids`)} > s.packages_size_limit
  )`;
  return db.insert(storageQuotaGuard).select(db.select({ projectId: sql<number>`${projectId}`.as("project_id") }).from(projects).where(and(eq(projects.id, projectId), exceeded)));
}

export function isQuotaRefusal(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? "")}` : String(error);
  return text.includes(QUOTA_CONSTRAINT);
}

export type StorageOwner = { projectId: number } | { namespaceId: number };

const ownerWhere = (owner: StorageOwner) => ("projectId" in owner ? eq(storageSettings.projectId, owner.projectId) : eq(storageSettings.namespaceId, owner.namespaceId));

export function storageSettingsQuery(db: Db, owner: StorageOwner) {
  return db.select().from(storageSettings).where(ownerWhere(owner));
}

/** Change a project's or group's settings (fields left undefined keep their value). */
export async function saveStorageSettings(db: Db, owner: StorageOwner, changes: { packagesSizeLimit?: number | null; immutableVersions?: boolean }): Promise<StorageSettingsRow> {
  const set = { ...changes, updatedAt: new Date() };
  const values = { ...("projectId" in owner ? { projectId: owner.projectId } : { namespaceId: owner.namespaceId }), ...set };
  const [row] = await db
    .insert(storageSettings)
    .values(values)
    .onConflictDoUpdate({ target: "projectId" in owner ? storageSettings.projectId : storageSettings.namespaceId, set })
    .returning();
  return row!;
}

/** Rows of the settings that bear on a project: its own and its groups' (every ancestor), for the storage view. */
export function settingsAboveQuery(db: Db, projectId: number) {
  const ancestors = namespacesAboveProject(projectId);
  return db.select().from(storageSettings).where(sql`${storageSettings.projectId} = ${projectId} OR ${storageSettings.namespaceId} IN ${ancestors}`);
}

