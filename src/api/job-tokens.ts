// CI job tokens (a Packyard extension; GitLab mints CI_JOB_TOKEN inside its own CI): a pipeline runner
// asks for a token that acts as the calling user, inside this project only, until it expires. The
// project's Maintainers and Owners list them (never the token itself: only its digest is stored) and revoke
// them, which takes effect on the next request.
// POST   /api/v4/projects/:id/job_tokens {pipeline_id?, ref?, sha?, expires_in?} → 201 {token, …}
// GET    /api/v4/projects/:id/job_tokens → 200 [{id, project_id, user_id, pipeline_id, ref, sha, created_at, expires_at, active}]
// DELETE /api/v4/projects/:id/job_tokens/:token_id → 204
import { Hono } from "hono";
import { count, desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../env";
import { jobTokens } from "../db/schema";
import { createJobToken, revokeJobToken } from "../core/accounts";
import { parseBody } from "./validate";
import { requireUser } from "./current-actor";
import { loadAdministeredContainer } from "./containers";
import { jobTokenJson } from "./serializers";
import { readPage, setPaginationHeaders } from "./pagination";

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

// One token per pipeline adds up: the page is cut in SQL, with the total counted in the same round trip.
jobTokenRoutes.get("/projects/:id/job_tokens", async (c) => {
  const container = await loadAdministeredContainer(c, "projects", c.req.param("id"));
  const page = readPage(c);
  const db = c.var.registry.db;
  const ofProject = eq(jobTokens.projectId, container.source.id);
  const [rows, [total]] = await db.batch([
    db.select().from(jobTokens).where(ofProject).orderBy(desc(jobTokens.id)).limit(page.perPage).offset(page.offset),
    db.select({ n: count() }).from(jobTokens).where(ofProject),
  ]);
  setPaginationHeaders(c, page, total?.n ?? 0);
  return c.json(rows.map((row) => jobTokenJson(row)));
});

// `.on("DELETE")` rather than `.delete`: table writes are found by grepping for drizzle's write methods.
jobTokenRoutes.on("DELETE", "/projects/:id/job_tokens/:token_id{[0-9]+}", async (c) => {
  const container = await loadAdministeredContainer(c, "projects", c.req.param("id"));
  await revokeJobToken(c.var.registry.db, container.source.id, Number(c.req.param("token_id")), container.callerRole);
  return c.body(null, 204);
});
