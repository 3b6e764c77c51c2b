// Tenancy reads: projects and groups by id or full path, an actor's inherited role, and the
// projects of a group an actor may read. Authorisation itself is src/core/auth/policy.ts.
import { and, eq, getTableColumns, inArray, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { inIds, type Db } from "../db/client";
import { compiledFamily, slot } from "../db/compiled";
import { members, namespaces, projects } from "../db/schema";
import { userOf, type Actor } from "./auth/actor";
import { decide, type PackageAction, type ProjectSubject } from "./auth/policy";
import { AppError } from "./errors";

export type ProjectRow = typeof projects.$inferSelect;
export type NamespaceRow = typeof namespaces.$inferSelect;

export interface ProjectContext {
  project: ProjectRow;
  namespace: NamespaceRow;
  subject: ProjectSubject;
  accessLevel: number;
}

export function parseTraversal(traversalIds: string): number[] {
  return traversalIds ? traversalIds.split("/").map(Number) : [];
}

export type ProjectWithNamespace = { project: ProjectRow; namespace: NamespaceRow };

/** `:id` in GitLab URLs: a number or a (URL-decoded) full path. */
export function projectRefCondition(ref: string): SQL {
  return projectRefConditionOf(refKindOf(ref), refValueOf(ref));
}

/** Whether a `:id` is an id or a full path. */
export const refKindOf = (ref: string): "id" | "path" => (/^\d+$/.test(ref) ? "id" : "path");

/** The bound value of a `:id` of that kind. */
export const refValueOf = (ref: string): number | string => (refKindOf(ref) === "id" ? Number(ref) : ref);

/** `projectRefCondition` for a `:id` of a known kind, bound as given (`refValueOf`, or a placeholder: src/db/compiled.ts). */
export function projectRefConditionOf(kind: "id" | "path", ref: number | string | SQLWrapper): SQL {
  return kind === "id" ? sql`${projects.id} = ${ref}` : sql`lower(${projects.fullPath}) = lower(${ref})`;
}

export function projectByRefQuery(db: Db, ref: string) {
  return db.select({ project: projects, namespace: namespaces }).from(projects).innerJoin(namespaces, eq(namespaces.id, projects.namespaceId)).where(projectRefCondition(ref));
}

export async function getProjectByRef(db: Db, ref: string): Promise<ProjectWithNamespace | null> {
  return (await projectByRefQuery(db, ref).get()) ?? null;
}

function namespaceRefCondition(ref: string, kind?: "group" | "user"): SQL {
  return namespaceRefConditionOf(refKindOf(ref), refValueOf(ref), kind);
}

/** `namespaceRefCondition` for a ref of a known kind, whose value may be a placeholder (src/db/compiled.ts). */
function namespaceRefConditionOf(refKind: "id" | "path", ref: number | string | SQLWrapper, kind?: "group" | "user"): SQL {
  const where = refKind === "id" ? sql`${namespaces.id} = ${ref}` : sql`lower(${namespaces.fullPath}) = lower(${ref})`;
  return kind ? and(where, eq(namespaces.kind, kind))! : where;
}

/** The id of the namespace `ref` names, as a subquery (for reads batched before the namespace is known). */
export function namespaceIdByRef(db: Db, ref: string, kind?: "group" | "user") {
  return db.select({ id: namespaces.id }).from(namespaces).where(namespaceRefCondition(ref, kind));
}

export function namespaceByRefQuery(db: Db, ref: string, kind?: "group" | "user") {
  return namespaceByRefQueryOf(db, refKindOf(ref), refValueOf(ref), kind);
}

/** `namespaceByRefQuery` for a ref of a known kind, whose value may be a placeholder. */
export function namespaceByRefQueryOf(db: Db, refKind: "id" | "path", ref: number | string | SQLWrapper, kind?: "group" | "user") {
  return db.select().from(namespaces).where(namespaceRefConditionOf(refKind, ref, kind));
}

export async function getNamespaceByRef(db: Db, ref: string, kind?: "group" | "user"): Promise<NamespaceRow | null> {
  return (await namespaceByRefQuery(db, ref, kind).get()) ?? null;
}

/**
 * Which projects lie under the namespace `ref` names (or in it only, without subgroups), as a condition on
 * a projects ⋈ namespaces query that finds the namespace by reference rather than id, so the lookup can
 * share a batch with the namespace's own. `refKind` says whether `ref` is an id or a path; `ref` may be a
 * placeholder (src/db/compiled.ts).
 */
export function underNamespaceRefOf(refKind: "id" | "path", ref: number | string | SQLWrapper, kind: "group" | "user" | undefined, includeSubgroups: boolean): SQL {
  const top = alias(namespaces, "top");
  const byRef = refKind === "id" ? sql`${top.id} = ${ref}` : sql`lower(${top.fullPath}) = lower(${ref})`;
  const where = kind ? and(byRef, eq(top.kind, kind)) : byRef;
  if (!includeSubgroups) return sql`${namespaces.id} = (SELECT ${top.id} FROM ${namespaces} AS "top" WHERE ${where})`;
  const prefix = sql`(SELECT ${top.traversalIds} || '/' FROM ${namespaces} AS "top" WHERE ${where})`;
  return sql`substr(${namespaces.traversalIds} || '/', 1, length(${prefix})) = ${prefix}`;
}

/** The namespace ids of a traversal path (SQL yielding `1/4/7`), as a subquery for `IN`: one bound value however deep. */
export const idsInTraversal = (traversalIds: SQL) => sql`(SELECT value FROM json_each('[' || replace(${traversalIds}, '/', ',') || ']'))`;

/** The namespaces above a project (its own included), as a subquery for `IN`; `projectId` may itself be a subquery. */
export const namespacesAboveProject = (projectId: number | SQL) =>
  idsInTraversal(sql`(SELECT n.traversal_ids FROM projects pr JOIN namespaces n ON n.id = pr.namespace_id WHERE pr.id = ${projectId})`);

export function projectsWhereQuery(db: Db, where: SQL) {
  return db.select({ project: projects, namespace: namespaces }).from(projects).innerJoin(namespaces, eq(namespaces.id, projects.namespaceId)).where(where);
}

/**
 * For a batch: the projects `where` selects and their namespaces as two join-free row sets (D1 returns batch
 * rows as objects, where the columns both tables share would collide); `joinProjectRows` pairs them.
 */
export function projectRowQueries(db: Db, where: SQL) {
  const namespaceIds = db.select({ id: projects.namespaceId }).from(projects).innerJoin(namespaces, eq(namespaces.id, projects.namespaceId)).where(where);
  return [
    db.select(getTableColumns(projects)).from(projects).innerJoin(namespaces, eq(namespaces.id, projects.namespaceId)).where(where),
    db.select().from(namespaces).where(inArray(namespaces.id, namespaceIds)),
  ] as const;
}

export function joinProjectRows(projectRows: ProjectRow[], namespaceRows: NamespaceRow[]): ProjectWithNamespace[] {
  const byId = new Map(namespaceRows.map((n) => [n.id, n]));
  return projectRows.flatMap((project) => {
    const namespace = byId.get(project.namespaceId);
    return namespace ? [{ project, namespace }] : [];
  });
}

/** The ids of the projects `where` selects, as a subquery (package reads in the same batch use it). */
export function projectIdsWhere(db: Db, where: SQL) {
  return db.select({ id: projects.id }).from(projects).innerJoin(namespaces, eq(namespaces.id, projects.namespaceId)).where(where);
}

/** Projects by full path, case-insensitive, with one bound parameter however many paths. */
export const projectPathsCondition = (paths: string[]): SQL => inIds(sql`lower(${projects.fullPath})`, paths.map((p) => p.toLowerCase()));

export function subjectOf(project: ProjectRow, namespace: NamespaceRow): ProjectSubject {
  return {
    id: project.id,
    visibility: project.visibility,
    registryAccessLevel: project.packageRegistryAccessLevel,
    namespaceIds: parseTraversal(namespace.traversalIds),
    jobTokenScopeEnabled: project.ciJobTokenScopeEnabled,
  };
}

/** The actor's memberships, loaded at most once per request (the registry context memoises them). */
export type RolesLoader = () => Promise<Map<string, number>>;

/** An actor's memberships, loaded once per request: "Project:1" / "Namespace:4" → access level. */
export async function loadRoles(db: Db, actor: Actor): Promise<Map<string, number>> {
  const user = userOf(actor);
  if (!user) return new Map();
  const [rows, owned] = await db.batch(userRoleQueries(db, user.id));
  return rolesFromRows(user.id, rows, owned);
}

const userRoleFamily = compiledFamily((db) => roleQueries(db, sql`(${slot("userId")})`));

/** `roleQueries` of one known user (built once per isolate). */
export const userRoleQueries = (db: Db, userId: number) => userRoleFamily(db, "user", { userId });

/** Memberships and owned personal namespaces of the user(s) `userIds` (SQL) names: two statements for one batch. */
export function roleQueries(db: Db, userIds: SQL) {
  return [
    db.select().from(members).where(sql`${members.userId} IN ${userIds}`),
    db.select({ id: namespaces.id, ownerId: namespaces.ownerId }).from(namespaces).where(and(eq(namespaces.kind, "user"), sql`${namespaces.ownerId} IN ${userIds}`)),
  ] as const;
}

type MemberRow = typeof members.$inferSelect;

/** The role map of one user from the rows of `roleQueries` (expired memberships dropped). */
export function rolesFromRows(userId: number, rows: MemberRow[], owned: { id: number; ownerId: number | null }[]): Map<string, number> {
  const roles = new Map<string, number>();
  const today = new Date().toISOString().slice(0, 10);
  for (const m of rows) if (m.userId === userId && (!m.expiresAt || m.expiresAt > today)) roles.set(`${m.sourceType}:${m.sourceId}`, m.accessLevel);
  for (const ns of owned) if (ns.ownerId === userId) roles.set(`Namespace:${ns.id}`, 50);
  return roles;
}

/** Highest role over the project and every namespace above it (GitLab's inherited membership). */
export function roleOn(roles: Map<string, number>, subject: ProjectSubject): number {
  let level = roles.get(`Project:${subject.id}`) ?? 0;
  for (const id of subject.namespaceIds) level = Math.max(level, roles.get(`Namespace:${id}`) ?? 0);
  return level;
}

export function roleOnNamespace(roles: Map<string, number>, namespace: NamespaceRow): number {
  let level = 0;
  for (const id of parseTraversal(namespace.traversalIds)) level = Math.max(level, roles.get(`Namespace:${id}`) ?? 0);
  return level;
}

export function throwFor(decision: Exclude<ReturnType<typeof decide>, "allow">): never {
  if (decision === "unauthorized") throw new AppError("unauthorized");
  if (decision === "not_found") throw new AppError("not_found", "404 Project Not Found");
  if (decision === "registry_disabled") throw new AppError("registry_disabled");
  throw new AppError("forbidden");
}

/**
 * Load a project by `:id` and check that the actor may do `action` on it. Unknown projects answer
 * like private ones (401 for anonymous callers, 404 otherwise) so that existence does not leak.
 */
export async function authorizeProject(db: Db, actor: Actor, ref: string, action: PackageAction, roles: RolesLoader = () => loadRoles(db, actor)): Promise<ProjectContext> {
  const [found, roleMap] = await Promise.all([getProjectByRef(db, ref), roles()]);
  return authorizeFound(actor, found, roleMap, action);
}

/** The rule of `authorizeProject` on a project already read (null: unknown). */
export function authorizeFound(actor: Actor, found: ProjectWithNamespace | null | undefined, roles: Map<string, number>, action: PackageAction): ProjectContext {
  if (!found) throwFor(actor.kind === "anonymous" ? "unauthorized" : "not_found");
  const subject = subjectOf(found.project, found.namespace);
  const accessLevel = roleOn(roles, subject);
  const decision = decide(actor, accessLevel, action, subject);
  if (decision !== "allow") throwFor(decision);
  return { ...found, subject, accessLevel };
}

/** Whether the actor may do `action`, without throwing (pages use it to show or hide controls). */
export function allows(actor: Actor, ctx: Pick<ProjectContext, "subject" | "accessLevel">, action: PackageAction): boolean {
  return decide(actor, ctx.accessLevel, action, ctx.subject) === "allow";
}

/** Every project in a group and (unless excluded) its subgroups. */
export async function listProjectsInGroup(db: Db, group: NamespaceRow, includeSubgroups = true) {
  const prefix = group.traversalIds;
  const inTree = includeSubgroups
    ? or(eq(namespaces.traversalIds, prefix), sql`substr(${namespaces.traversalIds}, 1, ${prefix.length + 1}) = ${`${prefix}/`}`)
    : eq(namespaces.id, group.id);
  return db.select({ project: projects, namespace: namespaces }).from(projects).innerJoin(namespaces, eq(namespaces.id, projects.namespaceId)).where(inTree).all();
}

/** Every project of the instance whose packages the actor may read (the home page's scope). */
export async function readableProjects(db: Db, actor: Actor, roles: RolesLoader = () => loadRoles(db, actor)): Promise<ProjectContext[]> {
  const all = db.select({ project: projects, namespace: namespaces }).from(projects).innerJoin(namespaces, eq(namespaces.id, projects.namespaceId)).all();
  return keepReadable(actor, ...(await Promise.all([all, roles()])));
}

/** The rows whose packages the actor may read, with the actor's role on each (group and instance scopes use it). */
export function keepReadable(actor: Actor, rows: { project: ProjectRow; namespace: NamespaceRow }[], roles: Map<string, number>): ProjectContext[] {
  const out: ProjectContext[] = [];
  for (const row of rows) {
    const subject = subjectOf(row.project, row.namespace);
    const accessLevel = roleOn(roles, subject);
    if (decide(actor, accessLevel, "read_package", subject) === "allow") out.push({ ...row, subject, accessLevel });
  }
  return out;
}

/**
 * Whether the actor may see a group (public: anyone; internal: signed in; private: members, admins, its deploy
 * tokens, and members of any project in it or its subgroups: GitLab's GroupPolicy `has_projects` → read_group).
 */
export async function canReadGroup(db: Db, actor: Actor, group: NamespaceRow, roles: RolesLoader = () => loadRoles(db, actor)): Promise<boolean> {
  return (await groupReadTest(db, actor, await roles(), [group]))(group);
}

/**
 * A test of which of `groups` the actor may see. GitLab's `has_projects` rule is read in one query for the whole
 * list, and only when one of the groups is not already readable by visibility or membership.
 */
export async function groupReadTest(db: Db, actor: Actor, roles: Map<string, number>, groups: NamespaceRow[]): Promise<(group: NamespaceRow) => boolean> {
  const direct = (group: NamespaceRow) => mayReadGroup(actor, group, roles);
  if (groups.every(direct)) return direct;
  const aboveMemberProjects = await groupsAboveMemberProjects(db, actor, roles);
  return (group) => direct(group) || (group.kind === "group" && aboveMemberProjects.has(group.id));
}

/**
 * Every group above a project the actor belongs to (by project membership, or by a group membership with a
 * project somewhere below it): the groups `has_projects` opens. One query whatever the number of groups asked
 * about, so list endpoints call it once; none for anonymous callers, deploy tokens or users without memberships.
 */
async function groupsAboveMemberProjects(db: Db, actor: Actor, roles: Map<string, number>): Promise<Set<number>> {
  if (actor.kind === "anonymous" || actor.kind === "deploy_token" || roles.size === 0) return new Set();
  const projectIds = [...roles.keys()].filter((k) => k.startsWith("Project:")).map((k) => Number(k.slice("Project:".length)));
  const namespaceIds = [...roles.keys()].filter((k) => k.startsWith("Namespace:")).map((k) => k.slice("Namespace:".length));
  const inMemberNamespace = sql`EXISTS (SELECT 1 FROM json_each(${JSON.stringify(namespaceIds)}) AS m WHERE '/' || ${namespaces.traversalIds} || '/' LIKE '%/' || m.value || '/%')`;
  const rows = await db
    .selectDistinct({ traversalIds: namespaces.traversalIds })
    .from(projects)
    .innerJoin(namespaces, eq(namespaces.id, projects.namespaceId))
    .where(or(inIds(projects.id, projectIds), inMemberNamespace))
    .all();
  return new Set(rows.flatMap((row) => parseTraversal(row.traversalIds)));
}

/** The pure form for rows already read (a group read scope): a member of any of these projects may read the group. */
export function memberOfAnyProject(actor: Actor, rows: ProjectWithNamespace[], roles: Map<string, number>): boolean {
  if (actor.kind === "anonymous" || actor.kind === "deploy_token") return false;
  return rows.some((row) => roleOn(roles, subjectOf(row.project, row.namespace)) > 0);
}

export function mayReadGroup(actor: Actor, group: NamespaceRow, roles: Map<string, number>): boolean {
  if (group.visibility === "public") return true;
  if (actor.kind === "user" && actor.user.isAdmin) return true;
  if (actor.kind === "deploy_token") return actor.token.namespaceId !== null && parseTraversal(group.traversalIds).includes(actor.token.namespaceId);
  if (actor.kind === "anonymous") return false;
  if (group.visibility === "internal") return true;
  return roleOnNamespace(roles, group) > 0;
}

/** Load a group by `:id` for reading: 401 for anonymous callers of a private group, 404 otherwise. */
export async function authorizeGroupRead(db: Db, actor: Actor, ref: string, roles: RolesLoader = () => loadRoles(db, actor)): Promise<NamespaceRow> {
  const group = await getNamespaceByRef(db, ref, "group");
  if (!group || !(await canReadGroup(db, actor, group, roles))) throwFor(actor.kind === "anonymous" ? "unauthorized" : "not_found");
  return group;
}

/** The projects with these ids together with their namespaces. */
export async function getProjectsByIds(db: Db, ids: number[]) {
  if (ids.length === 0) return [];
  return db.select({ project: projects, namespace: namespaces }).from(projects).innerJoin(namespaces, eq(namespaces.id, projects.namespaceId)).where(inIds(projects.id, ids)).all();
}

/** The projects with these full paths (case-insensitive), in one query. */
export async function getProjectsByPaths(db: Db, paths: string[]) {
  if (paths.length === 0) return [];
  return projectsWhereQuery(db, projectPathsCondition(paths)).all();
}
