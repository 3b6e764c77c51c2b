// Project and group access tokens: GET/POST /:kind/:id/access_tokens, GET/DELETE …/:token_id,
// POST …/:token_id/rotate. Spec: GitLab doc/api/project_access_tokens.md, doc/api/group_access_tokens.md,
// lib/api/resource_access_tokens.rb — its answers too: reading without the right is a 401, creating or
// revoking without it a 400, and each token is a bot user's personal access token (src/core/accounts).
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { RESOURCE_TOKEN_SCOPES } from "../core/auth/actor";
import { checkResourceTokenManager, createResourceToken, getResourceToken, listResourceTokens, revokeResourceToken, rotateResourceToken, type ResourceToken } from "../core/accounts";
import { AppError } from "../core/errors";
import { loadAdministeredContainer, type ContainerKind } from "./containers";
import { paginateList } from "./pagination";
import { personalTokenJson } from "./serializers";
import { parseBody } from "./validate";

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD");
const createSchema = z.object({
  name: z.string().min(1).max(255),
  description: z.string().max(255).optional(),
  scopes: z.union([z.array(z.enum(RESOURCE_TOKEN_SCOPES as [string, ...string[]])).min(1), z.enum(RESOURCE_TOKEN_SCOPES as [string, ...string[]]).transform((s) => [s])]),
  expires_at: date.optional(),
  access_level: z.coerce.number().refine((n) => [10, 20, 30, 40, 50].includes(n), "does not have a valid value").default(40),
});
const rotateSchema = z.object({ expires_at: date.optional() });
/** GitLab's default lifetime of a new resource token (PersonalAccessToken::MAX_PERSONAL_ACCESS_TOKEN_LIFETIME_IN_DAYS). */
const DEFAULT_LIFETIME_DAYS = 365;

export const accessTokenRoutes = new Hono<AppEnv>();

for (const kind of ["projects", "groups"] as ContainerKind[]) {
  const base = `/${kind}/:id/access_tokens`;
  const one = `${base}/:token_id{[0-9]+}`;

  accessTokenRoutes.get(base, async (c) => {
    const container = await readableContainer(c, kind);
    const state = c.req.query("state");
    if (state !== undefined && state !== "active" && state !== "inactive") throw new AppError("bad_request", "400 Bad request - state does not have a valid value");
    const rows = await listResourceTokens(c.var.registry.db, container.source, state);
    return c.json(paginateList(c, rows).map((r) => tokenJson(r)));
  });

  accessTokenRoutes.get(one, async (c) => {
    const container = await readableContainer(c, kind);
    const row = await getResourceToken(c.var.registry.db, container.source, Number(c.req.param("token_id")));
    if (!row) throw new AppError("not_found", `404 Could not find ${singular(kind)} access token with token_id: ${c.req.param("token_id")}`);
    return c.json(tokenJson(row));
  });

  accessTokenRoutes.post(base, async (c) => {
    const container = await writableContainer(c, kind);
    const body = await parseBody(c, createSchema);
    const expiresAt = body.expires_at ?? new Date(Date.now() + DEFAULT_LIFETIME_DAYS * 86_400_000).toISOString().slice(0, 10);
    const input = { name: body.name, description: body.description ?? null, scopes: body.scopes, expiresAt, accessLevel: body.access_level };
    const { row, token } = await createResourceToken(c.var.registry.db, container.source, input, container.callerRole, new URL(c.req.url).hostname);
    return c.json(tokenJson(row, token), 201);
  });

  // `.on("DELETE")`: table writes are found by grepping for drizzle's write methods.
  accessTokenRoutes.on("DELETE", one, async (c) => {
    const container = await writableContainer(c, kind);
    await revokeResourceToken(c.var.registry.db, container.source, Number(c.req.param("token_id")), container.callerRole);
    return c.body(null, 204);
  });

  accessTokenRoutes.post(`${one}/rotate`, async (c) => {
    const container = await writableContainer(c, kind);
    const tokenId = Number(c.req.param("token_id"));
    const found = checkResourceTokenManager(container.source, container.callerRole) ? await getResourceToken(c.var.registry.db, container.source, tokenId) : null;
    // Only administrators learn that a token does not exist; everyone else is told they may not.
    if (!found) throw isAdmin(c) ? new AppError("not_found", "404 Not Found") : new AppError("unauthorized");
    const body = await parseBody(c, rotateSchema);
    const { row, token } = await rotateResourceToken(c.var.registry.db, container.source, tokenId, body.expires_at ?? null);
    return c.json(tokenJson(row, token), 200);
  });
}

/** 401 without credentials (GitLab's authenticate!), then the container with the caller's role; changes need `api`. */
function writableContainer(c: Context<AppEnv>, kind: ContainerKind) {
  if (c.var.registry.actor.kind === "anonymous") throw new AppError("unauthorized");
  return loadAdministeredContainer(c, kind, c.req.param("id") ?? "", 0, "write");
}

/** 401 without credentials, 404 for a project or group the caller cannot see, 401 (as GitLab) without the right to read its tokens. */
async function readableContainer(c: Context<AppEnv>, kind: ContainerKind) {
  if (c.var.registry.actor.kind === "anonymous") throw new AppError("unauthorized");
  const container = await loadAdministeredContainer(c, kind, c.req.param("id") ?? "", 0, "read");
  if (!checkResourceTokenManager(container.source, container.callerRole)) throw new AppError("unauthorized");
  return container;
}

const isAdmin = (c: Context<AppEnv>) => c.var.registry.actor.kind === "user" && c.var.registry.actor.user.isAdmin;
const singular = (kind: ContainerKind) => (kind === "projects" ? "project" : "group");

function tokenJson(row: ResourceToken, token?: string) {
  return { ...personalTokenJson(row.token, token), access_level: row.accessLevel };
}
