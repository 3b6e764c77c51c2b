// CI job tokens (a Packyard extension; GitLab mints CI_JOB_TOKEN inside its own CI): a pipeline runner
// asks for a token that acts as the calling user, inside this project only, until it expires.
// POST /api/v4/projects/:id/job_tokens {pipeline_id?, ref?, sha?, expires_in?} → {token, …}
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { createJobToken } from "../core/accounts";
import { parseBody } from "./validate";
import { requireUser } from "./current-actor";

const createSchema = z.object({
  pipeline_id: z.coerce.number().int().positive().optional(),
  ref: z.string().max(255).default(""),
  sha: z.string().regex(/^[0-9a-f]{0,64}$/i).default(""),
  expires_in: z.coerce.number().int().min(60).max(86400).default(3600),
});

export const jobTokenRoutes = new Hono<AppEnv>();

jobTokenRoutes.post("/projects/:id/job_tokens", async (c) => {
  const me = requireUser(c, true);
  const project = await c.var.registry.authorize(c.req.param("id"), "create_package");
  const body = await parseBody(c, createSchema);
  const pipelineId = body.pipeline_id ?? Math.floor(Date.now() / 1000);
  const expiresAt = new Date(Date.now() + body.expires_in * 1000);
  const { token } = await createJobToken(c.var.registry.db, { projectId: project.project.id, userId: me.id, pipelineId, ref: body.ref, sha: body.sha, expiresAt });
  return c.json({ token, project_id: project.project.id, pipeline_id: pipelineId, ref: body.ref, sha: body.sha, user_id: me.id, expires_at: expiresAt.toISOString() }, 201);
});
