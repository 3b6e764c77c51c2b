// Deploy tokens of projects and groups: GET/POST /:kind/:id/deploy_tokens, DELETE …/:token_id.
// Spec: GitLab doc/api/deploy_tokens.md. The token is shown once, at creation; only its digest is kept.
import { Hono } from "hono";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../env";
import { createDb } from "../db/client";
import { deployTokens } from "../db/schema";
import { generateToken, tokenDigest } from "../core/auth/secrets";
import { AppError } from "../core/errors";
import { parseBody } from "./validate";
import { loadAdministeredContainer, type ContainerKind } from "./containers";
import { deployTokenJson } from "./serializers";

const SCOPES = ["read_package_registry", "write_package_registry", "read_repository", "read_registry", "write_registry"] as const;
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
    const rows = await createDb(c.env.DB).select().from(deployTokens).where(eq(column, container.id)).all();
    return c.json(rows.map((r) => deployTokenJson(r)));
  });

  deployTokenRoutes.post(`/${kind}/:id/deploy_tokens`, async (c) => {
    const container = await loadAdministeredContainer(c, kind, c.req.param("id"));
    const body = await parseBody(c, createSchema);
    const db = createDb(c.env.DB);
    const token = generateToken("gldt-");
    const [row] = await db
      .insert(deployTokens)
      .values({
        projectId: kind === "projects" ? container.id : null,
        namespaceId: kind === "groups" ? container.id : null,
        name: body.name,
        username: body.username ?? "pending",
        scopes: body.scopes,
        expiresAt: body.expires_at ? new Date(body.expires_at) : null,
        tokenDigest: await tokenDigest(token),
      })
      .returning();
    const username = body.username ?? `gitlab+deploy-token-${row.id}`;
    if (!body.username) await db.update(deployTokens).set({ username }).where(eq(deployTokens.id, row.id)).run();
    return c.json(deployTokenJson({ ...row, username }, token), 201);
  });

  deployTokenRoutes.delete(`/${kind}/:id/deploy_tokens/:token_id{[0-9]+}`, async (c) => {
    const container = await loadAdministeredContainer(c, kind, c.req.param("id"));
    const [row] = await createDb(c.env.DB)
      .update(deployTokens)
      .set({ revoked: true })
      .where(and(eq(column, container.id), eq(deployTokens.id, Number(c.req.param("token_id")))))
      .returning();
    if (!row) throw new AppError("not_found", "404 Deploy Token Not Found");
    return c.body(null, 204);
  });
}
