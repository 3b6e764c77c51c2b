// Small guards for management routes: who is calling and whether they are a signed-in user or an admin.
import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { UserRecord } from "../core/auth/actor";
import { AppError } from "../core/errors";

/**
 * The signed-in user behind a personal token, session or the admin token; writes need the `api` scope, reads
 * `api` or `read_api`, or one of `alsoWith` where GitLab admits more (`read_user` on the user endpoints,
 * `self_rotate` for a token rotating itself).
 */
export function requireUser(c: Context<AppEnv>, write = false, alsoWith: readonly string[] = []): UserRecord {
  const actor = c.var.registry.actor;
  if (actor.kind === "anonymous") throw new AppError("unauthorized");
  if (actor.kind !== "user") throw new AppError("forbidden", "403 Forbidden - this endpoint needs a personal access token");
  const allowed = [...(write ? ["api"] : ["api", "read_api"]), ...alsoWith];
  if (!actor.scopes.some((s) => allowed.includes(s))) throw new AppError("forbidden", `403 Forbidden - insufficient_scope: one of ${allowed.join(", ")} is needed`);
  return actor.user;
}

export function requireAdmin(c: Context<AppEnv>, write = true): UserRecord {
  const user = requireUser(c, write);
  if (!user.isAdmin) throw new AppError("forbidden", "403 Forbidden - administrators only");
  return user;
}

export const originOf = (c: Context<AppEnv>) => new URL(c.req.url).origin;
