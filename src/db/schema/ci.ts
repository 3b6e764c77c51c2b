// Publishing from CI (docs/ci-publishing.md): trusted publishers (which OIDC identities may exchange an ID
// token for a project's job token), the exchanges' audit log, the ID tokens already used (replay), and
// GitLab's job token scope (which other projects' job tokens may read a project's packages).
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { namespaces, projects, users } from "./accounts";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`);

export const TRUSTED_PUBLISHER_PROVIDERS = ["github", "gitlab", "forgejo", "oidc"] as const;
export type TrustedPublisherProvider = (typeof TRUSTED_PUBLISHER_PROVIDERS)[number];

/** An OIDC identity (issuer + claims) allowed to publish into a project through the token exchange. */
export const trustedPublishers = sqliteTable(
  "trusted_publishers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: integer("project_id").notNull().references(() => projects.id),
    provider: text("provider", { enum: TRUSTED_PUBLISHER_PROVIDERS }).notNull(),
    /** The ID token's `iss`, exactly. */
    issuer: text("issuer").notNull(),
    /** Where the signing keys are; null = the issuer's discovery document's `jwks_uri`. */
    jwksUrl: text("jwks_url"),
    /** GitHub/Forgejo `repository`, GitLab `project_path` (exact, case-insensitive). */
    repository: text("repository").notNull(),
    /** The workflow file (GitHub/Forgejo: `.github/workflows/<this>`; GitLab: the CI config path); null = any. */
    workflow: text("workflow"),
    /** Git ref pattern (`refs/heads/main`, `refs/tags/v*`); null = any. */
    ref: text("ref"),
    /** The deployment environment; null = any. */
    environment: text("environment"),
    /** Further claims that must equal these values (name → pattern). */
    claims: text("claims", { mode: "json" }).$type<Record<string, string>>().notNull().default({}),
    /** Package types it may publish; empty = every type. */
    packageTypes: text("package_types", { mode: "json" }).$type<string[]>().notNull().default([]),
    /** Package name patterns (`*` wildcard) it may publish; empty = every name. */
    namePatterns: text("name_patterns", { mode: "json" }).$type<string[]>().notNull().default([]),
    creatorId: integer("creator_id").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("trusted_publishers_project").on(t.projectId), index("trusted_publishers_issuer").on(t.issuer)],
);

/** ID tokens already exchanged, kept until they expire: a second exchange of the same `jti` is refused. */
export const oidcUsedTokens = sqliteTable(
  "oidc_used_tokens",
  {
    issuer: text("issuer").notNull(),
    jti: text("jti").notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("oidc_used_tokens_jti").on(t.issuer, t.jti), index("oidc_used_tokens_expiry").on(t.expiresAt)],
);

/** The audit log: every exchange attempt whose token could be read, with its claims and the outcome. */
export const oidcExchanges = sqliteTable(
  "oidc_exchanges",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    issuer: text("issuer").notNull().default(""),
    subject: text("subject").notNull().default(""),
    jti: text("jti"),
    /** The claims as presented (signature verified or not: `outcome` says). */
    claims: text("claims", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
    outcome: text("outcome", { enum: ["issued", "refused"] }).notNull(),
    reason: text("reason").notNull().default(""),
    projectId: integer("project_id"),
    publisherId: integer("publisher_id"),
    jobTokenId: integer("job_token_id"),
    createdAt: createdAt(),
  },
  (t) => [index("oidc_exchanges_project").on(t.projectId, t.id)],
);

/**
 * A project's job token allowlist (GitLab's ci_job_token_project_scope_links / group_scope_links, named as
 * its API names them): job tokens of `targetProjectId`, or of any project under `targetNamespaceId`, may read
 * the packages of `sourceProjectId`, the project whose allowlist this is.
 */
export const jobTokenScopeLinks = sqliteTable(
  "job_token_scope_links",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sourceProjectId: integer("source_project_id").notNull().references(() => projects.id),
    targetProjectId: integer("target_project_id").references(() => projects.id),
    targetNamespaceId: integer("target_namespace_id").references(() => namespaces.id),
    creatorId: integer("creator_id").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("job_token_scope_links_project").on(t.sourceProjectId, t.targetProjectId),
    uniqueIndex("job_token_scope_links_namespace").on(t.sourceProjectId, t.targetNamespaceId),
    index("job_token_scope_links_target_project").on(t.targetProjectId),
    index("job_token_scope_links_target_namespace").on(t.targetNamespaceId),
  ],
);
