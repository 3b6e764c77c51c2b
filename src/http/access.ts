// Access declared with the route (as Gitea's reqPackageAccess or Verdaccio's can('publish')): a route
// lists the middleware that resolves what it works on, and its handler starts with a resolved,
// authorised project (`projectOf(c)`) or read scope (`scopeOf(c)`).
//
//   routes.put("/projects/:id/packages/maven/*", projectAccess("create_package"), handler)
//   routes.get("/groups/:id/-/packages/pypi/simple/:name", readAccess(groupLevel, simpleReads), handler)
//
// `reads` declares the package rows the handler will read (`registry.versions`, `allVersions`, `tags`), so
// they arrive in the same D1 round trip as the credential, the roles and the project: one round trip for
// an authenticated metadata read or download.
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import type { PackageAction } from "../core/auth/policy";
import { AppError } from "../core/errors";
import { accessTtl, readAccessRecord, writeAccessRecord, type PackageReads, type ProjectContext, type ReadScope, type ScopeLevel } from "../core/registry";
import { edgeCacheable, edgeCacheHit } from "./edge-cache";

/** The package rows a route reads, from its request (undefined: none known in advance). */
export type ReadsOf = (c: Context<AppEnv>) => PackageReads | undefined;

/** The project named by `:id`, on which the caller may do `action`; 401/403/404 otherwise. */
export function projectAccess(action: PackageAction, reads?: ReadsOf): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set("project", await c.var.registry.authorize(c.req.param("id") ?? "", action, reads?.(c)));
    await next();
  };
}

/** A read scope at the level `levelOf` derives from the request; 401/404 when the caller may not read there. */
export function readAccess(levelOf: (c: Context<AppEnv>) => ScopeLevel, reads?: ReadsOf): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const hit = await resolveReadScope(c, levelOf(c), reads?.(c));
    if (hit) return hit;
    await next();
  };
}

/**
 * Put the read scope of `level` on the context, or return the edge cache's answer when an anonymous GET can be
 * served without D1: this data centre knows the level's revisions (src/core/registry/edge-access.ts) and holds
 * the response for them.
 */
export async function resolveReadScope(c: Context<AppEnv>, level: ScopeLevel, reads?: PackageReads): Promise<Response | null> {
  const registry = c.var.registry;
  const ttl = accessTtl(c.env.EDGE_ACCESS_TTL_SECONDS);
  const anonymousGet = registry.isAnonymous && edgeCacheable(c.req.raw) && ttl > 0;
  const known = anonymousGet ? await readAccessRecord(level) : null;
  if (known) {
    const hit = await edgeCacheHit(c.req.raw, known);
    if (hit) return hit;
  }
  const scope = await registry.readScope(level, reads);
  c.set("scope", scope);
  if (anonymousGet && !known) c.executionCtx.waitUntil(writeAccessRecord(level, scope, ttl).catch(() => undefined));
  return null;
}

/** `/projects/:id/…` and `/groups/:id/-/…` as levels. */
export const projectLevel = (c: Context<AppEnv>): ScopeLevel => ({ kind: "project", ref: c.req.param("id") ?? "" });
export const groupLevel = (c: Context<AppEnv>): ScopeLevel => ({ kind: "group", ref: c.req.param("id") ?? "" });

export function projectOf(c: Context<AppEnv>): ProjectContext {
  const project = c.get("project");
  if (!project) throw new AppError("internal", "route has no projectAccess middleware");
  return project;
}

export function scopeOf(c: Context<AppEnv>): ReadScope {
  const scope = c.get("scope");
  if (!scope) throw new AppError("internal", "route has no readAccess middleware");
  return scope;
}
