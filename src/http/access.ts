// Access declared with the route (as Gitea's reqPackageAccess or Verdaccio's can('publish')): a route
// lists the middleware that resolves what it works on, and its handler starts with a resolved,
// authorised project (`projectOf(c)`) or read scope (`scopeOf(c)`).
//
//   routes.put("/projects/:id/packages/maven/*", projectAccess("create_package"), handler)
//   routes.get("/groups/:id/-/packages/pypi/simple/:name", readAccess(groupLevel), handler)
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import type { PackageAction } from "../core/auth/policy";
import { AppError } from "../core/errors";
import type { ProjectContext, ReadScope, ScopeLevel } from "../core/registry";

/** The project named by `:id`, on which the caller may do `action`; 401/403/404 otherwise. */
export function projectAccess(action: PackageAction): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set("project", await c.var.registry.authorize(c.req.param("id") ?? "", action));
    await next();
  };
}

/** A read scope at the level `levelOf` derives from the request; 401/404 when the caller may not read there. */
export function readAccess(levelOf: (c: Context<AppEnv>) => ScopeLevel): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set("scope", await c.var.registry.readScope(levelOf(c)));
    await next();
  };
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
