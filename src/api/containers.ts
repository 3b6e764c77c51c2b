// Members and deploy tokens hang off a project or a group: load either, and check that the caller
// administers it (Maintainer, as GitLab requires for members and deploy tokens).
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { createDb } from "../db/client";
import { ACCESS_LEVELS } from "../core/auth/actor";
import { AppError } from "../core/errors";
import { authorizeGroupRead, authorizeProject, loadRoles, roleOnNamespace, type NamespaceRow, type ProjectContext } from "../core/tenancy";

export type ContainerKind = "projects" | "groups";

export type Container =
  | { kind: "projects"; sourceType: "Project"; id: number; project: ProjectContext }
  | { kind: "groups"; sourceType: "Namespace"; id: number; group: NamespaceRow };

export async function loadAdministeredContainer(c: Context<AppEnv>, kind: ContainerKind, ref: string, minimum: number = ACCESS_LEVELS.maintainer): Promise<Container> {
  const db = createDb(c.env.DB);
  const actor = c.get("actor");
  if (kind === "projects") {
    const project = await authorizeProject(db, actor, ref, "read_project");
    const isAdmin = actor.kind === "user" && actor.user.isAdmin;
    if (!(actor.kind === "user" && actor.scopes.includes("api")) || (!isAdmin && project.accessLevel < minimum)) throw new AppError("forbidden");
    return { kind, sourceType: "Project", id: project.project.id, project };
  }
  const group = await authorizeGroupRead(db, actor, ref);
  const isAdmin = actor.kind === "user" && actor.user.isAdmin;
  if (!(actor.kind === "user" && actor.scopes.includes("api"))) throw new AppError("forbidden");
  if (!isAdmin && roleOnNamespace(await loadRoles(db, actor), group) < minimum) throw new AppError("forbidden");
  return { kind, sourceType: "Namespace", id: group.id, group };
}
