// POST /api/v4/ci/oidc/token {id_token, project_id?, expires_in?} → 201 {token, token_type, expires_in,
// expires_at, project_id, project_path, trusted_publisher_id, pipeline_id}: a CI job's OIDC ID token (audience:
// this registry's origin) for a short-lived job token of the project whose trusted publisher it satisfies
// (src/core/ci/exchange.ts, docs/ci-publishing.md). No credential needed: the ID token is the credential.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { DEFAULT_TOKEN_TTL_S, exchangeIdToken, MAX_TOKEN_TTL_S } from "../core/ci/exchange";
import { JwksCache } from "../core/ci/jwks";
import { parseBody } from "./validate";

/** The issuers' keys, kept per isolate (src/core/ci/jwks.ts). */
const keys = new JwksCache();

const schema = z
  .object({
    id_token: z.string().min(1).max(16 * 1024).optional(),
    /** PyPI's and npm's name for the same field. */
    token: z.string().min(1).max(16 * 1024).optional(),
    project_id: z.union([z.string().min(1).max(255), z.number().int().positive()]).optional(),
    expires_in: z.coerce.number().int().min(60).max(MAX_TOKEN_TTL_S).default(DEFAULT_TOKEN_TTL_S),
  })
  .refine((b) => b.id_token ?? b.token, { message: "id_token is missing", path: ["id_token"] });

export const ciOidcRoutes = new Hono<AppEnv>();

ciOidcRoutes.post("/ci/oidc/token", async (c) => {
  const body = await parseBody(c, schema);
  const result = await exchangeIdToken(c.var.registry.db, keys, {
    idToken: (body.id_token ?? body.token)!,
    audience: new URL(c.req.url).origin,
    project: body.project_id === undefined ? null : String(body.project_id),
    ttlSeconds: body.expires_in,
  });
  c.header("Cache-Control", "no-store");
  return c.json(
    {
      token: result.token,
      token_type: "job_token",
      expires_in: body.expires_in,
      expires_at: result.expiresAt.toISOString(),
      project_id: result.projectId,
      project_path: result.projectPath,
      trusted_publisher_id: result.publisherId,
      pipeline_id: result.pipelineId,
    },
    201,
  );
});
