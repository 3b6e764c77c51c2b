// Members, deploy tokens and job tokens hang off a project or a group: load either, and check that the
// caller has at least `minimum` there (Maintainer by default). What each role may then change is the
// core's decision (src/core/accounts: checkMemberChange, checkDeployTokenChange).
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ACCESS_LEVELS } from "../core/auth/actor";
import { callerRoleOf, type DeployTokenOwner, type MemberCaller, type MemberSource } from "../core/accounts";
import { AppError } from "../core/errors";
import { authorizeGroupRead, roleOnNamespace, type NamespaceRow, type ProjectContext } from "../core/tenancy";

export type ContainerKind = "projects" | "groups";

interface Administered {
  /** Where memberships and deploy tokens of this container are written (src/core/accounts). */
  source: MemberSource;
  tokenOwner: DeployTokenOwner;
  /** The caller's role here, administrators counting as Owners (src/core/accounts/roles.ts). */
  callerRole: number;
  /** The same with the caller's user id, for member changes. */
  caller: MemberCaller;
}

export type Container = Administered & ({ kind: "projects"; project: ProjectContext } | { kind: "groups"; group: NamespaceRow });

/** A read (listing members) takes a `read_api` token too; every change needs `api`, as GitLab. */
export async function loadAdministeredContainer(c: Context<AppEnv>, kind: ContainerKind, ref: string, minimum: number = ACCESS_LEVELS.maintainer, access: "read" | "write" = "write"): Promise<Container> {
  const registry = c.var.registry;
  const actor = registry.actor;
  const isAdmin = actor.kind === "user" && actor.user.isAdmin;
  const scoped = actor.kind === "user" && (actor.scopes.includes("api") || (access === "read" && actor.scopes.includes("read_api")));
  if (kind === "projects") {
    const project = await registry.authorize(ref, "read_project");
    if (!scoped || actor.kind !== "user" || (!isAdmin && project.accessLevel < minimum)) throw new AppError("forbidden");
    const id = project.project.id;
    const callerRole = callerRoleOf(actor, project.accessLevel);
    return { kind, project, source: { sourceType: "Project", id }, tokenOwner: { projectId: id }, callerRole, caller: { userId: actor.user.id, role: callerRole } };
  }
  const group = await authorizeGroupRead(registry.db, actor, ref, registry.roles);
  if (!scoped || actor.kind !== "user") throw new AppError("forbidden");
  const role = roleOnNamespace(await registry.roles(), group);
  if (!isAdmin && role < minimum) throw new AppError("forbidden");
  const callerRole = callerRoleOf(actor, role);
  return { kind, group, source: { sourceType: "Namespace", id: group.id }, tokenOwner: { namespaceId: group.id }, callerRole, caller: { userId: actor.user.id, role: callerRole } };
}
