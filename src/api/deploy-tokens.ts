// Deploy tokens of projects and groups: GET/POST /:kind/:id/deploy_tokens, GET/DELETE …/:token_id, and the
// administrators' GET /deploy_tokens (every deploy token of the instance, `active` to filter).
// Spec: GitLab doc/api/deploy_tokens.md. The token is shown once, at creation; only its digest is kept.
// Maintainers list them; creating and revoking a group's needs its Owner (src/core/accounts/tokens.ts).
import { paginateList, readPage, setPaginationHeaders } from "./pagination";
import { DEPLOY_TOKEN_SCOPES } from "../core/auth/actor";
import { Hono } from "hono";
import { and, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../env";
import { deployTokens } from "../db/schema";
import { createDeployToken, revokeDeployToken } from "../core/accounts";
import { parseBody } from "./validate";
import { loadAdministeredContainer, type ContainerKind } from "./containers";
import { deployTokenJson } from "./serializers";
import { requireAdmin } from "./current-actor";
import { AppError } from "../core/errors";
import { booleanish, parseQuery } from "./validate";

const SCOPES = DEPLOY_TOKEN_SCOPES;
const createSchema = z.object({
  name: z.string().min(1).max(255),
  scopes: z.union([z.array(z.enum(SCOPES)).min(1), z.enum(SCOPES).transform((s) => [s])]),
  expires_at: z.string().datetime({ offset: true }).or(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).optional(),
  username: z.string().regex(/^[a-zA-Z0-9_.+-]+$/).max(255).optional(),
});

export const deployTokenRoutes = new Hono<AppEnv>();

for (const kind of ["projects", "groups"] as ContainerKind[]) {
  const column = kind === "projects" ? deployTokens.projectId : deployTokens.namespaceId;

  deployTokenRoutes.get(`/${kind}/:id/deploy_tokens`, async (c) => {
    const container = await loadAdministeredContainer(c, kind, c.req.param("id"));
    const rows = await c.var.registry.db.select().from(deployTokens).where(eq(column, container.source.id)).all();
    return c.json(paginateList(c, rows).map((r) => deployTokenJson(r)));
  });

  deployTokenRoutes.get(`/${kind}/:id/deploy_tokens/:token_id{[0-9]+}`, async (c) => {
    const container = await loadAdministeredContainer(c, kind, c.req.param("id"));
    const row = await c.var.registry.db
      .select()
      .from(deployTokens)
      .where(and(eq(column, container.source.id), eq(deployTokens.id, Number(c.req.param("token_id")))))
      .get();
    if (!row) throw new AppError("not_found", "404 Deploy Token Not Found");
    return c.json(deployTokenJson(row));
  });

  deployTokenRoutes.post(`/${kind}/:id/deploy_tokens`, async (c) => {
    const container = await loadAdministeredContainer(c, kind, c.req.param("id"));
    const body = await parseBody(c, createSchema);
    const input = { name: body.name, username: body.username ?? null, scopes: body.scopes, expiresAt: body.expires_at ? new Date(body.expires_at) : null };
    const { row, token } = await createDeployToken(c.var.registry.db, container.tokenOwner, input, container.callerRole);
    return c.json(deployTokenJson(row, token), 201);
  });

  // `.on("DELETE")` rather than `.delete`: table writes are found by grepping for drizzle's write methods.
  deployTokenRoutes.on("DELETE", `/${kind}/:id/deploy_tokens/:token_id{[0-9]+}`, async (c) => {
    const container = await loadAdministeredContainer(c, kind, c.req.param("id"));
    await revokeDeployToken(c.var.registry.db, container.tokenOwner, Number(c.req.param("token_id")), container.callerRole);
    return c.body(null, 204);
  });
}

/** GET /deploy_tokens (administrators): every deploy token, newest first; `active=true` keeps the unrevoked, unexpired ones. */
deployTokenRoutes.get("/deploy_tokens", async (c) => {
  requireAdmin(c, false);
  const query = parseQuery(c, z.object({ active: booleanish.optional() }).passthrough());
  const now = Date.now();
  const active = and(eq(deployTokens.revoked, false), or(isNull(deployTokens.expiresAt), gt(deployTokens.expiresAt, new Date(now))));
  const where = query.active === undefined ? undefined : query.active ? active : sql`NOT ${active}`;
  const db = c.var.registry.db;
  const page = readPage(c);
  const [rows, total] = await Promise.all([db.select().from(deployTokens).where(where).orderBy(desc(deployTokens.id)).limit(page.perPage).offset(page.offset).all(), db.$count(deployTokens, where)]);
  setPaginationHeaders(c, page, total);
  return c.json(rows.map((r) => deployTokenJson(r)));
});
