// Small guards for management routes: who is calling and whether they are a signed-in user or an admin.
import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { UserRecord } from "../core/auth/actor";
import { AppError } from "../core/errors";

/** The signed-in user behind a personal token, session or the admin token; writes need the `api` scope. */
export function requireUser(c: Context<AppEnv>, write = false): UserRecord {
  const actor = c.var.registry.actor;
  if (actor.kind === "anonymous") throw new AppError("unauthorized");
  if (actor.kind !== "user") throw new AppError("forbidden", "403 Forbidden - this endpoint needs a personal access token");
  if (write && !actor.scopes.includes("api")) throw new AppError("forbidden", "403 Forbidden - insufficient_scope: the api scope is needed");
  if (!write && !actor.scopes.some((s) => s === "api" || s === "read_api")) throw new AppError("forbidden", "403 Forbidden - insufficient_scope");
  return actor.user;
}

export function requireAdmin(c: Context<AppEnv>, write = true): UserRecord {
  const user = requireUser(c, write);
  if (!user.isAdmin) throw new AppError("forbidden", "403 Forbidden - administrators only");
  return user;
}

export const originOf = (c: Context<AppEnv>) => new URL(c.req.url).origin;
