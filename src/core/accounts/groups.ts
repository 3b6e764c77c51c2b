// Group writes: creation (the group, its traversal ids and its creator as Owner in one atomic batch) and
// settings (name, description, visibility, duplicate package settings). Spec: GitLab doc/api/groups.md.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { members, namespaces, type NamespacePackageSettings, type Visibility } from "../../db/schema";
import { ACCESS_LEVELS } from "../auth/actor";
import { AppError } from "../errors";
import type { NamespaceRow } from "../tenancy";
import { unlessTaken } from "./unique";

export interface NewGroup {
  name: string;
  path: string;
  /** null: a top-level group. The caller checked the creator may create subgroups there. */
  parent: NamespaceRow | null;
  visibility: Visibility;
  description: string;
}

export interface GroupChanges {
  name?: string;
  description?: string;
  visibility?: Visibility;
  /** Merged into the saved settings; patterns were validated at the boundary (RE2, src/core/publish/duplicates.ts). */
  packageSettings?: NamespacePackageSettings;
}

/** One round trip; a full path already taken (by a group or a user) fails the batch on its unique index. */
export async function createGroup(db: Db, input: NewGroup, creatorId: number): Promise<NamespaceRow> {
  const fullPath = input.parent ? `${input.parent.fullPath}/${input.path}` : input.path;
  const byPath = sql`lower(${namespaces.fullPath}) = lower(${fullPath})`;
  const traversalIds = input.parent ? sql`${input.parent.traversalIds} || '/' || ${namespaces.id}` : sql`CAST(${namespaces.id} AS TEXT)`;
  const [, [group]] = await unlessTaken(
    db.batch([
      db.insert(namespaces).values({ kind: "group", name: input.name, path: input.path, fullPath, parentId: input.parent?.id ?? null, visibility: input.visibility, description: input.description }),
      db.update(namespaces).set({ traversalIds }).where(byPath).returning(),
      db.insert(members).values({ sourceType: "Namespace", sourceId: sql`(SELECT id FROM namespaces WHERE lower(full_path) = lower(${fullPath}))`, userId: creatorId, accessLevel: ACCESS_LEVELS.owner }),
    ]),
    () => new AppError("bad_request", '400 Bad request - Failed to save group {:path=>["has already been taken"]}'),
  );
  return group!;
}

/**
 * Change a group's settings as a caller with `callerRole` on it (src/core/accounts/roles.ts).
 * Duplicate package settings are the Owner's since GitLab 17.0; the rest, visibility included, needs Maintainer.
 */
export async function updateGroup(db: Db, group: NamespaceRow, input: GroupChanges, callerRole: number): Promise<NamespaceRow> {
  const needed = input.packageSettings ? ACCESS_LEVELS.owner : ACCESS_LEVELS.maintainer;
  if (callerRole < needed) throw new AppError("forbidden");
  const changes: Partial<typeof namespaces.$inferInsert> = {};
  if (input.name !== undefined) changes.name = input.name;
  if (input.description !== undefined) changes.description = input.description;
  if (input.visibility !== undefined) changes.visibility = input.visibility;
  if (input.packageSettings) changes.packageSettings = { ...group.packageSettings, ...input.packageSettings };
  if (!Object.keys(changes).length) return group;
  const [row] = await db.update(namespaces).set(changes).where(eq(namespaces.id, group.id)).returning();
  return row ?? group;
}
