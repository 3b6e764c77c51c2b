// Project writes: creation and settings (name, description, visibility, package_registry_access_level).
// Spec: GitLab doc/api/projects.md; `public` access level = "Allow anyone to pull". Visibility follows the
// hierarchy (./visibility.ts) and only Owners change it (GitLab's change_visibility_level, HackerOne 1536559).
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { namespaces, projects, type RegistryAccessLevel, type Visibility } from "../../db/schema";
import { ACCESS_LEVELS } from "../auth/actor";
import { AppError } from "../errors";
import type { NamespaceRow, ProjectRow } from "../tenancy";
import { unlessTaken } from "./unique";
import { projectVisibilityProblem, visibilityRank, visibilityRefusal } from "./visibility";

export interface NewProject {
  name: string;
  path: string;
  visibility: Visibility;
  description: string;
  registryAccessLevel: RegistryAccessLevel;
}

export interface ProjectChanges {
  name?: string;
  description?: string;
  visibility?: Visibility;
  registryAccessLevel?: RegistryAccessLevel;
}

/**
 * A project in `namespace` (the caller checked the creator may create projects there). As GitLab's
 * Projects::CreateService does, a visibility above the group's is lowered to the group's (not refused);
 * the group's visibility is read inside the insert, so a concurrent change of the group cannot slip past.
 */
export async function createProject(db: Db, namespace: NamespaceRow, input: NewProject, creatorId: number): Promise<ProjectRow> {
  const group = sql`(SELECT visibility FROM namespaces WHERE id = ${namespace.id} AND kind = 'group')`;
  const visibility = sql`CASE WHEN ${visibilityRank(group)} < ${visibilityRank(input.visibility)} AND ${group} IS NOT NULL THEN ${group} ELSE ${input.visibility} END`;
  const [project] = await unlessTaken(
    db
      .insert(projects)
      .values({
        namespaceId: namespace.id,
        name: input.name,
        path: input.path,
        fullPath: `${namespace.fullPath}/${input.path}`,
        visibility,
        description: input.description,
        packageRegistryAccessLevel: input.registryAccessLevel,
        creatorId,
      })
      .returning(),
    () => new AppError("bad_request", '400 Bad request - {"path":["has already been taken"]}'),
  );
  return project!;
}

/**
 * Change a project's settings as a caller with `callerRole` on it (src/core/accounts/roles.ts): Maintainers
 * change the settings, Owners also the visibility (GitLab's PUT /projects/:id authorizes
 * `change_visibility_level` whenever `visibility` is sent; ProjectPolicy gives it to Owners and admins).
 * A visibility above the group's is refused with GitLab's 400, checked inside the UPDATE itself. Every
 * change bumps the packages revision that every cache key carries, since visibility and access level
 * decide who may read cached responses.
 */
export async function updateProject(db: Db, project: ProjectRow, input: ProjectChanges, callerRole: number): Promise<ProjectRow> {
  if (callerRole < ACCESS_LEVELS.maintainer) throw new AppError("forbidden");
  if (input.visibility !== undefined && callerRole < ACCESS_LEVELS.owner) throw new AppError("forbidden");
  const changes: Partial<typeof projects.$inferInsert> = {};
  if (input.name !== undefined) changes.name = input.name;
  if (input.description !== undefined) changes.description = input.description;
  if (input.visibility !== undefined) changes.visibility = input.visibility;
  if (input.registryAccessLevel !== undefined) changes.packageRegistryAccessLevel = input.registryAccessLevel;
  if (!Object.keys(changes).length) return project;
  const withinGroup = input.visibility === undefined ? sql`1` : sql`(SELECT kind = 'user' OR ${visibilityRank(namespaces.visibility)} >= ${visibilityRank(input.visibility)} FROM ${namespaces} WHERE ${namespaces.id} = ${projects.namespaceId})`;
  const [row] = await db
    .update(projects)
    .set({ ...changes, packagesRevision: sql`${projects.packagesRevision} + 1` })
    .where(and(eq(projects.id, project.id), withinGroup))
    .returning();
  if (row) return row;
  const namespace = await db.select().from(namespaces).where(eq(namespaces.id, project.namespaceId)).get();
  const problem = input.visibility && namespace ? projectVisibilityProblem(input.visibility, namespace) : null;
  throw problem ? visibilityRefusal([problem]) : new AppError("not_found", "404 Project Not Found");
}
