// The CI pipelines behind packages and their files, as the Packages API shows them: what a job token
// recorded (id, ref, sha, user, when), never an invented status or source, and GitLab's keyset-paginated
// GET /projects/:id/packages/:package_id/pipelines (`cursor`, per_page 1–20, newest first, a `Link: rel="next"`).
// Spec: GitLab doc/api/packages.md "List package pipelines", lib/api/project_packages.rb,
// lib/gitlab/pagination/keyset/header_builder.rb.
import type { Context } from "hono";
import { and, desc, eq, lt } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../env";
import { inIds, type Db } from "../db/client";
import { packageBuildInfos, users } from "../db/schema";
import { AppError } from "../core/errors";

type BuildRow = { info: typeof packageBuildInfos.$inferSelect; user: typeof users.$inferSelect | null };
export type PipelineJson = ReturnType<typeof pipelineJson>;

export function pipelineJson(projectId: number, info: typeof packageBuildInfos.$inferSelect, user: typeof users.$inferSelect | null) {
  return {
    id: info.pipelineId,
    iid: info.pipelineId,
    project_id: projectId,
    sha: info.sha,
    ref: info.ref,
    // A job token records which pipeline published, not how that pipeline ended or what started it.
    status: null,
    source: null,
    created_at: info.createdAt.toISOString(),
    updated_at: info.createdAt.toISOString(),
    // The CI run's page when the job token came from the OIDC exchange (built from the issuer and the run's claims).
    web_url: info.pipelineUrl,
    user: user ? { id: user.id, username: user.username, name: user.name, state: user.state } : null,
    // Packyard extensions: the workflow file and the CI identity (the ID token's `sub`) of an OIDC job token.
    workflow: info.workflow,
    identity: info.identity,
  };
}

/** The newest build records (pipelines) of each package, `limit` each. */
export async function latestPipelines(db: Db, projectOf: (packageId: number) => number, packageIds: number[], limit = 5): Promise<Map<number, PipelineJson[]>> {
  const out = new Map<number, PipelineJson[]>();
  if (packageIds.length === 0) return out;
  const rows = await buildRows(db, inIds(packageBuildInfos.packageId, packageIds));
  for (const row of rows) {
    const list = out.get(row.info.packageId) ?? [];
    if (list.length < limit) list.push(pipelineJson(projectOf(row.info.packageId), row.info, row.user));
    out.set(row.info.packageId, list);
  }
  return out;
}

/** Each file's pipeline: the package's build record of the pipeline that uploaded the file (`package_files.pipeline_id`). */
export async function filePipelines(db: Db, projectId: number, packageId: number, files: { id: number; pipelineId: number | null }[]): Promise<Map<number, PipelineJson[]>> {
  const out = new Map<number, PipelineJson[]>();
  if (!files.some((f) => f.pipelineId !== null)) return out;
  const byPipeline = new Map<number, PipelineJson>();
  for (const row of await buildRows(db, eq(packageBuildInfos.packageId, packageId))) {
    if (!byPipeline.has(row.info.pipelineId)) byPipeline.set(row.info.pipelineId, pipelineJson(projectId, row.info, row.user));
  }
  for (const file of files) {
    const pipeline = file.pipelineId === null ? undefined : byPipeline.get(file.pipelineId);
    if (pipeline) out.set(file.id, [pipeline]);
  }
  return out;
}

const pageSchema = z.object({
  per_page: z.coerce.number().int().min(1).max(20).default(20),
  cursor: z.string().max(200).optional(),
});

/** GET …/packages/:package_id/pipelines: keyset pages of the package's build records, newest first. */
export async function pipelinesPage(c: Context<AppEnv>, db: Db, projectId: number, packageId: number): Promise<PipelineJson[]> {
  const parsed = pageSchema.safeParse({ per_page: c.req.query("per_page") || undefined, cursor: c.req.query("cursor") || undefined });
  if (!parsed.success) throw new AppError("bad_request", "400 Bad request - per_page does not have a valid value");
  const after = parsed.data.cursor === undefined ? null : decodeCursor(parsed.data.cursor);
  const rows = await buildRows(db, and(eq(packageBuildInfos.packageId, packageId), after === null ? undefined : lt(packageBuildInfos.id, after)), parsed.data.per_page + 1);
  const page = rows.slice(0, parsed.data.per_page);
  if (rows.length > page.length) {
    const next = new URL(c.req.url);
    next.searchParams.set("cursor", encodeCursor(page[page.length - 1]!.info.id));
    next.searchParams.set("per_page", String(parsed.data.per_page));
    c.header("Link", `<${next.toString()}>; rel="next"`);
  }
  return page.map((r) => pipelineJson(projectId, r.info, r.user));
}

function buildRows(db: Db, where: ReturnType<typeof and>, limit?: number): Promise<BuildRow[]> {
  const query = db.select({ info: packageBuildInfos, user: users }).from(packageBuildInfos).leftJoin(users, eq(users.id, packageBuildInfos.userId)).where(where).orderBy(desc(packageBuildInfos.id));
  return (limit === undefined ? query : query.limit(limit)).all();
}

/** Opaque to clients, as GitLab's keyset cursors are: the last record's id, base64url JSON. */
function encodeCursor(id: number): string {
  return btoa(JSON.stringify({ id: String(id) })).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeCursor(cursor: string): number {
  try {
    const value = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/"))) as { id?: unknown };
    const id = Number(value.id);
    if (Number.isSafeInteger(id) && id > 0) return id;
  } catch {}
  throw new AppError("bad_request", "400 Bad request - cursor is invalid");
}
