// Package data a group owns rather than one of its projects (Debian's group distributions): authorising an
// action on a group, and its records of one package type. Every write is one statement, so concurrent
// requests cannot interleave inside one: create is INSERT … ON CONFLICT DO NOTHING (a taken name returns no
// row; no check-then-insert), update a JSON merge patch (RFC 7396, json_patch), remove a DELETE.
import { and, asc, eq, inArray, sql, type SQLWrapper } from "drizzle-orm";
import type { Db } from "../db/client";
import { groupPackageRecords } from "../db/schema";
import type { Actor } from "./auth/actor";
import { decide, type PackageAction, type ProjectSubject } from "./auth/policy";
import { AppError } from "./errors";
import { authorizeGroupRead, parseTraversal, roleOnNamespace, throwFor, type NamespaceRow, type RolesLoader } from "./tenancy";

export type GroupRecordRow = typeof groupPackageRecords.$inferSelect;

/**
 * A group by `:id` on which the actor may do `action`, decided by the project policy with the group in the
 * project's place (its visibility, the actor's role on it, tokens reaching it): reading needs Reporter on a
 * private group, writing Developer, destroying Maintainer. A CI job token acts with its user's role on the
 * group (GitLab accepts Job-Token on the group distributions API and its GroupPolicy judges the job's user).
 */
export async function authorizeGroup(db: Db, actor: Actor, ref: string, action: PackageAction, roles: RolesLoader): Promise<NamespaceRow> {
  const group = await authorizeGroupRead(db, actor, ref, roles);
  const subject: ProjectSubject = { id: -group.id, visibility: group.visibility, registryAccessLevel: "enabled", namespaceIds: parseTraversal(group.traversalIds), group: true };
  const decision = decide(actor, roleOnNamespace(await roles(), group), action, subject);
  if (decision !== "allow") throwFor(decision);
  return group;
}

export interface GroupRecords {
  list(): Promise<GroupRecordRow[]>;
  get(name: string): Promise<GroupRecordRow | null>;
  /** The new row, or null when the name is taken. */
  create(name: string, metadata: Record<string, unknown>): Promise<GroupRecordRow | null>;
  /** Merges `patch` into the metadata (RFC 7396: nested objects merge, null removes a key); false when absent. */
  update(name: string, patch: Record<string, unknown>): Promise<boolean>;
  remove(name: string): Promise<boolean>;
}

/** One record by name of the group a subquery selects (read in the batch that resolves the group). */
export function groupRecordQuery(db: Db, namespaceId: SQLWrapper, packageType: string, name: string) {
  const t = groupPackageRecords;
  return db.select().from(t).where(and(inArray(t.namespaceId, namespaceId), eq(t.packageType, packageType), eq(t.name, name)));
}

export function groupRecords(db: Db, group: Pick<NamespaceRow, "id">, packageType: string): GroupRecords {
  const t = groupPackageRecords;
  const mine = and(eq(t.namespaceId, group.id), eq(t.packageType, packageType));
  const named = (name: string) => and(mine, eq(t.name, name));
  return {
    list: () => db.select().from(t).where(mine).orderBy(asc(t.id)).all(),
    get: async (name) => (await db.select().from(t).where(named(name)).get()) ?? null,
    async create(name, metadata) {
      const rows = await db.insert(t).values({ namespaceId: group.id, packageType, name, metadata }).onConflictDoNothing().returning().all();
      return rows[0] ?? null;
    },
    async update(name, patch) {
      if (JSON.stringify(patch).length > 256 * 1024) throw new AppError("bad_request", "400 Bad request - record too large");
      const rows = await db
        .update(t)
        .set({ metadata: sql`json_patch(${t.metadata}, ${JSON.stringify(patch)})`, revision: sql`${t.revision} + 1`, updatedAt: new Date() })
        .where(named(name))
        .returning({ id: t.id })
        .all();
      return rows.length > 0;
    },
    async remove(name) {
      const rows = await db.delete(t).where(named(name)).returning({ id: t.id }).all();
      return rows.length > 0;
    },
  };
}
