// The access an npm request needs, applied before its handler runs: a read scope at the request's level,
// or a project the caller may write to. Handlers then start from projectOf(c) / scopeOf(c).
// Spec: ../shared/reference/gitlab-spec.md §1 "Route prefixes", "Naming rules"; §15 (who may do what).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import type { Actor } from "../../core/auth/actor";
import type { PackageAction } from "../../core/auth/policy";
import { AppError } from "../../core/errors";
import { resolveReadScope } from "../../http/access";
import { missIn, type PackageReads, type ProjectContext, type ScopeLevel } from "../../core/registry";
import { getNamedPackage, newestRow, PACKAGE_TYPE } from "./package";
import { versionFromFileName } from "./read-handlers";
import { scopeOf as scopeOfName, type NpmEndpoint } from "./parse";

/** Where the request came in: `/projects/:id/…`, `/groups/:id/-/…` or `/packages/npm/…` (instance). */
export type Level = { kind: "project"; ref: string } | { kind: "group"; ref: string } | { kind: "instance" };

export interface NpmRequest<E extends NpmEndpoint = NpmEndpoint> {
  level: Level;
  endpoint: E;
  /** `…/packages/npm` as the client called it: tarball URLs reuse it, so clients stay on one level. */
  prefix: string;
}

export type NpmAccess =
  /**
   * The read scope of the level. At instance level that is the top-level namespace named by the package's
   * `@scope` (search: by an `@scope` word); without one a named endpoint is 404, and search and audit
   * (`unscopedInstance: "open"`) need no scope.
   */
  | { kind: "read"; unscopedInstance: "not_found" | "open" }
  /**
   * A project the caller may do `action` on: the project of a project-level request; at group and instance
   * level the project holding the newest version of the name, with `elsewhere` (a miss answers as a read would).
   */
  | { kind: "write"; action: PackageAction; elsewhere: PackageAction; deployTokens?: PackageAction };

export const read: NpmAccess = { kind: "read", unscopedInstance: "not_found" };
export const readOpenAtInstance: NpmAccess = { kind: "read", unscopedInstance: "open" };
export const write = (action: PackageAction, elsewhere: PackageAction = action, deployTokens?: PackageAction): NpmAccess => ({ kind: "write", action, elsewhere, deployTokens });

/**
 * GitLab's ProjectPolicy gives a `write_package_registry` deploy token `destroy_package`, which npm's deprecate
 * and dist-tag rm ask for; Packyard's policy keeps deletes from deploy tokens, so these two npm writes ask a
 * deploy token for what its scope grants here (`create_package`) instead. Protection rules still hold: the
 * coordinator refuses a deploy token's write to a protected package.
 */
export const DEPLOY_TOKEN_MAINTENANCE: PackageAction = "create_package";

/** Whether the caller may deprecate versions on a project already authorised (Maintainers, and write deploy tokens as in GitLab). */
export function mayDeprecate(c: Context<AppEnv>, project: ProjectContext): boolean {
  const registry = c.var.registry;
  return registry.allows(project, registry.actor.kind === "deploy_token" ? DEPLOY_TOKEN_MAINTENANCE : "destroy_package");
}

const UNSCOPED_AT_INSTANCE = "404 Not Found - the instance endpoint serves only @scope/name packages whose scope is a top-level group or user";

/**
 * Resolve what `access` asks for and put it on the context (`scope`, `project`), or throw 401/403/404. An
 * anonymous read may instead be answered by the edge cache without D1: that response is returned.
 */
export async function applyAccess(c: Context<AppEnv>, request: NpmRequest, access: NpmAccess): Promise<Response | null> {
  const registry = c.var.registry;
  const { level, endpoint } = request;
  // The two writes a deploy token is asked something else for (decided once the batch knows the caller).
  const asked = (action: PackageAction) => (actor: Actor) => (access.kind === "write" && access.deployTokens && actor.kind === "deploy_token" ? access.deployTokens : action);
  if (access.kind === "write" && level.kind === "project") {
    c.set("project", await registry.authorize(level.ref, asked(access.action)));
    return null;
  }
  const scopeLevel = scopeLevelOf(c, request, access.kind === "read" ? access.unscopedInstance : "not_found");
  if (!scopeLevel) return null;
  if (access.kind === "read") return resolveReadScope(c, scopeLevel, readsOf(endpoint));
  const scope = await registry.readScope(scopeLevel, readsOf(endpoint, true));
  c.set("scope", scope);
  const name = "name" in endpoint ? endpoint.name : "";
  const holder = newestRow(await getNamedPackage(registry, scope, name));
  if (!holder) throw missIn(scope);
  c.set("project", await registry.authorize(String(holder.projectId), asked(access.elsewhere)));
  return null;
}

/** The rows an endpoint's handler reads, fetched with the access check in one round trip. */
function readsOf(endpoint: NpmEndpoint, forWrite = false): PackageReads | undefined {
  // Search: every name with its tags, so its cost does not grow with the names it looks at.
  if (endpoint.kind === "search") return { packageType: PACKAGE_TYPE, tags: true };
  if (!("name" in endpoint)) return undefined;
  if (endpoint.kind === "tarball" && !forWrite) {
    const version = versionFromFileName(endpoint.name, endpoint.fileName);
    return version ? { packageType: PACKAGE_TYPE, name: endpoint.name, version } : undefined;
  }
  return { packageType: PACKAGE_TYPE, name: endpoint.name, tags: true };
}

function scopeLevelOf(c: Context<AppEnv>, { level, endpoint }: NpmRequest, unscoped: "not_found" | "open"): ScopeLevel | null {
  if (level.kind !== "instance") return level;
  const namespace = instanceNamespaceOf(c, endpoint);
  if (namespace) return { kind: "root_namespace", path: namespace };
  if (unscoped === "open" && !("name" in endpoint)) return null;
  throw new AppError("not_found", UNSCOPED_AT_INSTANCE);
}

/** The top-level namespace an instance-level request names: the `@scope` of the package, or of an `@scope` word in a search. */
function instanceNamespaceOf(c: Context<AppEnv>, endpoint: NpmEndpoint): string | null {
  if ("name" in endpoint) return scopeOfName(endpoint.name);
  if (endpoint.kind !== "search") return null;
  const word = (c.req.query("text") ?? "").split(/\s+/).find((w) => w.startsWith("@"));
  return word ? word.slice(1).split("/")[0] || null : null;
}
