// Trusted publishers of a project (Maintainers and Owners; a Packyard extension in GitLab's URL space, as
// PyPI's and npm's trusted publishing): the CI identities whose OIDC ID tokens POST /api/v4/ci/oidc/token
// exchanges for a job token of this project. docs/ci-publishing.md.
// GET    /api/v4/projects/:id/trusted_publishers                 → 200 [publisher]
// POST   /api/v4/projects/:id/trusted_publishers {provider, issuer?, jwks_url?, repository, workflow?, ref?,
//        environment?, claims?, package_types?, name_patterns?}   → 201 publisher
// GET    /api/v4/projects/:id/trusted_publishers/:publisher_id   → 200 publisher
// GET    /api/v4/projects/:id/trusted_publishers/exchanges       → 200 [exchange] (the audit log, newest first, paginated)
// DELETE /api/v4/projects/:id/trusted_publishers/:publisher_id   → 204 (its job tokens expire)
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { TRUSTED_PUBLISHER_PROVIDERS } from "../db/schema";
import { createTrustedPublisher, getTrustedPublisher, listTrustedPublishers, removeTrustedPublisher, type TrustedPublisherRow } from "../core/accounts";
import { FORMATS } from "../formats";
import { parseBody } from "./validate";
import { loadAdministeredContainer } from "./containers";
import { ACCESS_LEVELS } from "../core/auth/actor";
import { count, desc, eq } from "drizzle-orm";
import { oidcExchanges } from "../db/schema";
import { readPage, setPaginationHeaders } from "./pagination";

const PACKAGE_TYPES = FORMATS.map((f) => f.packageType);
const text = (max: number) => z.string().trim().min(1).max(max);
const optional = (max: number) => z.preprocess((v) => (v === "" ? null : v), text(max).nullish());
const list = <T extends z.ZodTypeAny>(item: T) => z.preprocess((v) => (typeof v === "string" ? v.split(",").map((s) => s.trim()).filter(Boolean) : v), z.array(item).max(20).default([]));

const createSchema = z.object({
  provider: z.enum(TRUSTED_PUBLISHER_PROVIDERS),
  issuer: optional(500),
  jwks_url: optional(500),
  repository: text(255),
  workflow: optional(255),
  ref: optional(255),
  environment: optional(255),
  claims: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_:.-]{0,63}$/), z.string().max(255))
    .refine((claims) => Object.keys(claims).length <= 20, "at most 20 claims")
    .default({}),
  package_types: list(z.string().refine((t) => PACKAGE_TYPES.includes(t), "is not a package type")),
  name_patterns: list(text(255)),
});

export function trustedPublisherJson(row: TrustedPublisherRow) {
  return {
    id: row.id,
    project_id: row.projectId,
    provider: row.provider,
    issuer: row.issuer,
    jwks_url: row.jwksUrl,
    repository: row.repository,
    workflow: row.workflow,
    ref: row.ref,
    environment: row.environment,
    claims: row.claims,
    package_types: row.packageTypes,
    name_patterns: row.namePatterns,
    creator_id: row.creatorId,
    created_at: row.createdAt.toISOString(),
  };
}

export const trustedPublisherRoutes = new Hono<AppEnv>();

trustedPublisherRoutes.get("/projects/:id/trusted_publishers", async (c) => {
  const container = await loadAdministeredContainer(c, "projects", c.req.param("id"), ACCESS_LEVELS.maintainer, "read");
  return c.json((await listTrustedPublishers(c.var.registry.db, container.source.id)).map(trustedPublisherJson));
});

trustedPublisherRoutes.post("/projects/:id/trusted_publishers", async (c) => {
  const container = await loadAdministeredContainer(c, "projects", c.req.param("id"));
  const body = await parseBody(c, createSchema);
  const row = await createTrustedPublisher(c.var.registry.db, container.source.id, container.caller.userId, {
    provider: body.provider,
    issuer: body.issuer,
    jwksUrl: body.jwks_url,
    repository: body.repository,
    workflow: body.workflow,
    ref: body.ref,
    environment: body.environment,
    claims: body.claims,
    packageTypes: body.package_types,
    namePatterns: body.name_patterns,
  });
  return c.json(trustedPublisherJson(row), 201);
});

trustedPublisherRoutes.get("/projects/:id/trusted_publishers/exchanges", async (c) => {
  const container = await loadAdministeredContainer(c, "projects", c.req.param("id"), ACCESS_LEVELS.maintainer, "read");
  const page = readPage(c);
  const db = c.var.registry.db;
  const ofProject = eq(oidcExchanges.projectId, container.source.id);
  const [rows, [total]] = await db.batch([
    db.select().from(oidcExchanges).where(ofProject).orderBy(desc(oidcExchanges.id)).limit(page.perPage).offset(page.offset),
    db.select({ n: count() }).from(oidcExchanges).where(ofProject),
  ]);
  setPaginationHeaders(c, page, total?.n ?? 0);
  return c.json(
    rows.map((r) => ({
      id: r.id,
      outcome: r.outcome,
      reason: r.reason,
      issuer: r.issuer,
      subject: r.subject,
      jti: r.jti,
      claims: r.claims,
      project_id: r.projectId,
      trusted_publisher_id: r.publisherId,
      job_token_id: r.jobTokenId,
      created_at: r.createdAt.toISOString(),
    })),
  );
});

trustedPublisherRoutes.get("/projects/:id/trusted_publishers/:publisher_id{[0-9]+}", async (c) => {
  const container = await loadAdministeredContainer(c, "projects", c.req.param("id"), ACCESS_LEVELS.maintainer, "read");
  return c.json(trustedPublisherJson(await getTrustedPublisher(c.var.registry.db, container.source.id, Number(c.req.param("publisher_id")))));
});

// `.on("DELETE")` rather than `.delete`: table writes are found by grepping for drizzle's write methods.
trustedPublisherRoutes.on("DELETE", "/projects/:id/trusted_publishers/:publisher_id{[0-9]+}", async (c) => {
  const container = await loadAdministeredContainer(c, "projects", c.req.param("id"));
  await removeTrustedPublisher(c.var.registry.db, container.source.id, Number(c.req.param("publisher_id")));
  return c.body(null, 204);
});
