// Project writes: creation and settings (name, description, visibility, package_registry_access_level).
// Spec: GitLab doc/api/projects.md; `public` access level = "Allow anyone to pull".
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { projects, type RegistryAccessLevel, type Visibility } from "../../db/schema";
import { ACCESS_LEVELS } from "../auth/actor";
import { AppError } from "../errors";
import type { NamespaceRow, ProjectRow } from "../tenancy";
import { unlessTaken } from "./unique";

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

/** A project in `namespace` (the caller checked the creator may create projects there). */
export async function createProject(db: Db, namespace: NamespaceRow, input: NewProject, creatorId: number): Promise<ProjectRow> {
  const [project] = await unlessTaken(
    db
      .insert(projects)
      .values({
        namespaceId: namespace.id,
        name: input.name,
        path: input.path,
        fullPath: `${namespace.fullPath}/${input.path}`,
        visibility: input.visibility,
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
 * Change a project's settings as a caller with `callerRole` on it (src/core/accounts/roles.ts): the
 * Maintainer's, visibility included. Every change bumps the packages revision that every cache key
 * carries, since visibility and access level decide who may read cached responses.
 */
export async function updateProject(db: Db, project: ProjectRow, input: ProjectChanges, callerRole: number): Promise<ProjectRow> {
  if (callerRole < ACCESS_LEVELS.maintainer) throw new AppError("forbidden");
  const changes: Partial<typeof projects.$inferInsert> = {};
  if (input.name !== undefined) changes.name = input.name;
  if (input.description !== undefined) changes.description = input.description;
  if (input.visibility !== undefined) changes.visibility = input.visibility;
  if (input.registryAccessLevel !== undefined) changes.packageRegistryAccessLevel = input.registryAccessLevel;
  if (!Object.keys(changes).length) return project;
  const [row] = await db
    .update(projects)
    .set({ ...changes, packagesRevision: sql`${projects.packagesRevision} + 1` })
    .where(eq(projects.id, project.id))
    .returning();
  return row ?? project;
}
