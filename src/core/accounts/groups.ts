// Group writes: creation (the group, its traversal ids and its creator as Owner in one atomic batch) and
// settings (name, description, visibility, duplicate package settings). Spec: GitLab doc/api/groups.md.
// Visibility follows the hierarchy (./visibility.ts), checked inside each write so no race slips past.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { members, namespaces, projects, type NamespacePackageSettings, type Visibility } from "../../db/schema";
import { ACCESS_LEVELS } from "../auth/actor";
import { AppError } from "../errors";
import type { NamespaceRow } from "../tenancy";
import { isNotNullViolation, unlessTaken } from "./unique";
import { groupCreationRefusal, groupVisibilityProblems, subgroupVisibilityProblem, visibilityRank, visibilityRefusal } from "./visibility";

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

/**
 * One round trip; a full path already taken (by a group or a user) fails the batch on its unique index. A
 * subgroup more visible than its parent is refused with GitLab's 400 (Group#visibility_level_allowed_by_parent):
 * first against the parent as loaded, then inside the insert, whose visibility turns NULL (and so fails the
 * batch on NOT NULL) if the parent became less visible meanwhile.
 */
export async function createGroup(db: Db, input: NewGroup, creatorId: number): Promise<NamespaceRow> {
  const problem = subgroupVisibilityProblem(input.visibility, input.parent);
  if (problem) throw groupCreationRefusal([problem]);
  const fullPath = input.parent ? `${input.parent.fullPath}/${input.path}` : input.path;
  const byPath = sql`lower(${namespaces.fullPath}) = lower(${fullPath})`;
  const traversalIds = input.parent ? sql`${input.parent.traversalIds} || '/' || ${namespaces.id}` : sql`CAST(${namespaces.id} AS TEXT)`;
  const visibility = input.parent
    ? sql`CASE WHEN ${visibilityRank(sql`(SELECT visibility FROM namespaces WHERE id = ${input.parent.id})`)} >= ${visibilityRank(input.visibility)} THEN ${input.visibility} END`
    : input.visibility;
  try {
    const [, [group]] = await unlessTaken(
      db.batch([
        db.insert(namespaces).values({ kind: "group", name: input.name, path: input.path, fullPath, parentId: input.parent?.id ?? null, visibility, description: input.description }),
        db.update(namespaces).set({ traversalIds }).where(byPath).returning(),
        db.insert(members).values({ sourceType: "Namespace", sourceId: sql`(SELECT id FROM namespaces WHERE lower(full_path) = lower(${fullPath}))`, userId: creatorId, accessLevel: ACCESS_LEVELS.owner }),
      ]),
      () => new AppError("bad_request", '400 Bad request - Failed to save group {:path=>["has already been taken"]}'),
    );
    return group!;
  } catch (error) {
    if (!input.parent || !isNotNullViolation(error)) throw error;
    const parent = await db.select().from(namespaces).where(eq(namespaces.id, input.parent.id)).get();
    throw groupCreationRefusal([subgroupVisibilityProblem(input.visibility, parent ?? null) ?? `${input.visibility} is not allowed`]);
  }
}

/**
 * Change a group's settings as a caller with `callerRole` on it (src/core/accounts/roles.ts). Visibility
 * (GroupPolicy `change_visibility_level`) and the duplicate package settings (since GitLab 17.0) are the
 * Owner's; name and description stay with Maintainers. A visibility above the parent's or below a child's
 * is refused with GitLab's 400, checked inside the UPDATE itself.
 */
export async function updateGroup(db: Db, group: NamespaceRow, input: GroupChanges, callerRole: number): Promise<NamespaceRow> {
  const needed = input.packageSettings || input.visibility !== undefined ? ACCESS_LEVELS.owner : ACCESS_LEVELS.maintainer;
  if (callerRole < needed) throw new AppError("forbidden");
  const changes: Partial<typeof namespaces.$inferInsert> = {};
  if (input.name !== undefined) changes.name = input.name;
  if (input.description !== undefined) changes.description = input.description;
  if (input.visibility !== undefined) changes.visibility = input.visibility;
  if (input.packageSettings) changes.packageSettings = { ...group.packageSettings, ...input.packageSettings };
  if (!Object.keys(changes).length) return group;
  const allowed = input.visibility === undefined ? sql`1` : allowedFor(group, input.visibility);
  const [row] = await db.update(namespaces).set(changes).where(and(eq(namespaces.id, group.id), allowed)).returning();
  if (row) return row;
  if (input.visibility === undefined) throw new AppError("not_found", "404 Group Not Found");
  throw visibilityRefusal(await visibilityProblemsOf(db, group, input.visibility));
}

/** The hierarchy in SQL, for the group being updated: parent at least as visible, no child more visible. */
function allowedFor(group: NamespaceRow, visibility: Visibility) {
  const rank = visibilityRank(visibility);
  const parentAllows = sql`(${namespaces.parentId} IS NULL OR (SELECT ${visibilityRank(sql`p.visibility`)} >= ${rank} FROM namespaces p WHERE p.id = ${namespaces.parentId}))`;
  const noProject = sql`NOT EXISTS (SELECT 1 FROM projects c WHERE c.namespace_id = ${group.id} AND ${visibilityRank(sql`c.visibility`)} > ${rank})`;
  const noSubgroup = sql`NOT EXISTS (SELECT 1 FROM namespaces c WHERE c.parent_id = ${group.id} AND c.kind = 'group' AND ${visibilityRank(sql`c.visibility`)} > ${rank})`;
  return sql`(${parentAllows} AND ${noProject} AND ${noSubgroup})`;
}

/** Why `visibility` was refused, read in one round trip. */
async function visibilityProblemsOf(db: Db, group: NamespaceRow, visibility: Visibility): Promise<string[]> {
  const rank = visibilityRank(visibility);
  const [parent, project, subgroup] = await db.batch([
    db.select({ visibility: namespaces.visibility }).from(namespaces).where(eq(namespaces.id, group.parentId ?? -1)),
    db.select({ id: projects.id }).from(projects).where(and(eq(projects.namespaceId, group.id), sql`${visibilityRank(projects.visibility)} > ${rank}`)).limit(1),
    db.select({ id: namespaces.id }).from(namespaces).where(and(eq(namespaces.parentId, group.id), eq(namespaces.kind, "group"), sql`${visibilityRank(namespaces.visibility)} > ${rank}`)).limit(1),
  ]);
  const problems = groupVisibilityProblems(visibility, { parent: parent[0] ?? null, moreVisibleProjects: project.length > 0, moreVisibleSubgroups: subgroup.length > 0 });
  return problems.length ? problems : [`${visibility} is not allowed`];
}
