// Credentials: personal access tokens, deploy tokens, CI job tokens and web sessions; only digests are stored.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { namespaces, projects, users } from "./accounts";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`);

export const personalAccessTokens = sqliteTable(
  "personal_access_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id").notNull().references(() => users.id),
    name: text("name").notNull(),
    description: text("description"),
    tokenDigest: text("token_digest").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    /** ISO date (YYYY-MM-DD) after which the token stops working; null = never. */
    expiresAt: text("expires_at"),
    revoked: integer("revoked", { mode: "boolean" }).notNull().default(false),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("pat_digest").on(t.tokenDigest), index("pat_user").on(t.userId)],
);

export const deployTokens = sqliteTable(
  "deploy_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: integer("project_id").references(() => projects.id),
    namespaceId: integer("namespace_id").references(() => namespaces.id),
    name: text("name").notNull(),
    username: text("username").notNull(),
    tokenDigest: text("token_digest").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    revoked: integer("revoked", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("deploy_tokens_digest").on(t.tokenDigest),
    index("deploy_tokens_project").on(t.projectId),
    index("deploy_tokens_namespace").on(t.namespaceId),
  ],
);

/**
 * A CI job's token: acts as the user who runs the pipeline, only inside the job's project (and the projects
 * whose allowlist lets it in); or, minted by the OIDC exchange for a trusted publisher, as that publisher
 * (no user: read and publish in the project, within the publisher's package types and names).
 */
export const jobTokens = sqliteTable(
  "job_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: integer("project_id").notNull().references(() => projects.id),
    userId: integer("user_id").references(() => users.id),
    tokenDigest: text("token_digest").notNull(),
    pipelineId: integer("pipeline_id").notNull(),
    ref: text("ref").notNull().default(""),
    sha: text("sha").notNull().default(""),
    /** Set for tokens of the OIDC exchange (src/core/ci/exchange.ts). */
    trustedPublisherId: integer("trusted_publisher_id"),
    /** The publisher's limits, copied when the token is minted (null: a user's token). */
    packageTypes: text("package_types", { mode: "json" }).$type<string[]>(),
    namePatterns: text("name_patterns", { mode: "json" }).$type<string[]>(),
    pipelineUrl: text("pipeline_url"),
    workflow: text("workflow"),
    /** Who the CI identity was (`repo:owner/name:ref:…`, the ID token's `sub`). */
    identity: text("identity"),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("job_tokens_digest").on(t.tokenDigest)],
);

export const webSessions = sqliteTable("web_sessions", {
  /** Digest of the session cookie value. */
  id: text("id").primaryKey(),
  userId: integer("user_id").notNull().references(() => users.id),
  csrfToken: text("csrf_token").notNull(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  createdAt: createdAt(),
});
