// Tenancy tables: users, namespaces (groups and users' personal namespaces), projects, memberships.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export type Visibility = "public" | "internal" | "private";
export type RegistryAccessLevel = "disabled" | "private" | "enabled" | "public";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`);

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    username: text("username").notNull(),
    name: text("name").notNull(),
    email: text("email"),
    isAdmin: integer("is_admin", { mode: "boolean" }).notNull().default(false),
    state: text("state", { enum: ["active", "blocked"] }).notNull().default("active"),
    /** PBKDF2 hash for web sign-in; null = no password sign-in. */
    passwordHash: text("password_hash"),
    /** `project_bot`: the bot user behind a project or group access token (GitLab's user_type). */
    userType: text("user_type", { enum: ["human", "project_bot"] }).notNull().default("human"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_username_lower").on(sql`lower(${t.username})`)],
);

/**
 * GitLab's `namespace_package_settings` row of a namespace, stored as one JSON object on the namespace
 * (absent keys take GitLab's column defaults: src/core/settings/package-settings.ts). Duplicate rules per
 * format, request forwarding per format with its lock (cascading as GitLab's CascadingNamespaceSettingAttribute),
 * and Packyard's forwarding allow/deny patterns.
 */
export type NamespacePackageSettings = Partial<{
  maven_duplicates_allowed: boolean;
  maven_duplicate_exception_regex: string;
  generic_duplicates_allowed: boolean;
  generic_duplicate_exception_regex: string;
  nuget_duplicates_allowed: boolean;
  nuget_duplicate_exception_regex: string;
  nuget_symbol_server_enabled: boolean;
  terraform_module_duplicates_allowed: boolean;
  terraform_module_duplicate_exception_regex: string;
  /** null: inherit from the nearest ancestor that sets it, else the instance setting. */
  maven_package_requests_forwarding: boolean | null;
  lock_maven_package_requests_forwarding: boolean;
  npm_package_requests_forwarding: boolean | null;
  lock_npm_package_requests_forwarding: boolean;
  pypi_package_requests_forwarding: boolean | null;
  lock_pypi_package_requests_forwarding: boolean;
  /** Packyard: only names matching this pattern (anchored, RE2) are forwarded ("" = any). */
  package_requests_forwarding_allow_regex: string;
  /** Packyard: names matching this pattern (anchored, RE2) are never forwarded ("" = none). */
  package_requests_forwarding_deny_regex: string;
}>;

export const namespaces = sqliteTable(
  "namespaces",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", { enum: ["group", "user"] }).notNull(),
    name: text("name").notNull(),
    path: text("path").notNull(),
    fullPath: text("full_path").notNull(),
    parentId: integer("parent_id"),
    /** Ancestor ids from the root down to this namespace, joined by "/" (e.g. "1/5/9"). */
    traversalIds: text("traversal_ids").notNull().default(""),
    ownerId: integer("owner_id").references(() => users.id),
    visibility: text("visibility", { enum: ["public", "internal", "private"] }).notNull().default("private"),
    description: text("description").notNull().default(""),
    packageSettings: text("package_settings", { mode: "json" }).$type<NamespacePackageSettings>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("namespaces_full_path_lower").on(sql`lower(${t.fullPath})`),
    index("namespaces_parent").on(t.parentId),
  ],
);

export const projects = sqliteTable(
  "projects",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    namespaceId: integer("namespace_id").notNull().references(() => namespaces.id),
    name: text("name").notNull(),
    path: text("path").notNull(),
    fullPath: text("full_path").notNull(),
    description: text("description").notNull().default(""),
    visibility: text("visibility", { enum: ["public", "internal", "private"] }).notNull().default("private"),
    packageRegistryAccessLevel: text("package_registry_access_level", {
      enum: ["disabled", "private", "enabled", "public"],
    })
      .notNull()
      .default("enabled"),
    /** Bumped by every package write and every access change: part of every cache key. */
    packagesRevision: integer("packages_revision").notNull().default(1),
    creatorId: integer("creator_id").references(() => users.id),
    /** GitLab's job token scope `inbound_enabled`: other projects' job tokens need this project's allowlist. */
    ciJobTokenScopeEnabled: integer("ci_job_token_scope_enabled", { mode: "boolean" }).notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("projects_full_path_lower").on(sql`lower(${t.fullPath})`),
    index("projects_namespace").on(t.namespaceId),
  ],
);

export const members = sqliteTable(
  "members",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sourceType: text("source_type", { enum: ["Namespace", "Project"] }).notNull(),
    sourceId: integer("source_id").notNull(),
    userId: integer("user_id").notNull().references(() => users.id),
    accessLevel: integer("access_level").notNull(),
    expiresAt: text("expires_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("members_source_user").on(t.sourceType, t.sourceId, t.userId),
    index("members_user").on(t.userId),
  ],
);
