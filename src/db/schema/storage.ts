// Storage management (docs/storage.md): cleanup policies per project, storage settings (quota, immutable
// versions) per project or group, the quota guard of publish commits, and tombstones of deleted versions.
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { namespaces, projects } from "./accounts";

/** One Packyard cleanup rule of a package type (src/core/storage/cleanup-rules.ts); stored as the API spells it. */
export interface StoredCleanupRule {
  package_type: string;
  keep_n_latest: number | null;
  older_than_days: number | null;
  name_regex: string | null;
  name_regex_keep: string | null;
  version_regex: string | null;
  version_regex_keep: string | null;
}

/**
 * GitLab's packages_cleanup_policies (one row per project, absent = the defaults): `keep_n_duplicated_package_files`
 * ("all" = off, or "1", "10" … "50") and `next_run_at`, plus Packyard's version rules per package type.
 */
export const packagesCleanupPolicies = sqliteTable(
  "packages_cleanup_policies",
  {
    projectId: integer("project_id")
      .primaryKey()
      .references(() => projects.id),
    keepNDuplicatedPackageFiles: text("keep_n_duplicated_package_files").notNull().default("all"),
    rules: text("rules", { mode: "json" }).$type<StoredCleanupRule[]>().notNull().default([]),
    /** Null while the policy does nothing; else when the scheduled run takes it next. */
    nextRunAt: integer("next_run_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
  },
  (t) => [index("packages_cleanup_policies_next_run").on(t.nextRunAt)],
);

/**
 * A project's or a group's storage settings (one row each, absent = none): the packages quota an administrator sets
 * (bytes, counted per blob as `statistics.packages_size`; null = no quota) and immutable versions.
 */
export const storageSettings = sqliteTable(
  "storage_settings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: integer("project_id").references(() => projects.id),
    namespaceId: integer("namespace_id").references(() => namespaces.id),
    packagesSizeLimit: integer("packages_size_limit"),
    immutableVersions: integer("immutable_versions", { mode: "boolean" }).notNull().default(false),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
  },
  (t) => [
    uniqueIndex("storage_settings_project").on(t.projectId),
    uniqueIndex("storage_settings_namespace").on(t.namespaceId),
    check("storage_settings_owner", sql`(${t.projectId} IS NULL) <> (${t.namespaceId} IS NULL)`),
  ],
);

/**
 * Never holds a row: a publish commit's last statement inserts into it when the commit took a project or one of its
 * groups past its quota, and the CHECK fails, which undoes the whole batch (src/core/storage/quota.ts).
 */
export const storageQuotaGuard = sqliteTable("storage_quota_guard", { projectId: integer("project_id").notNull() }, (t) => [check("storage_quota_exceeded", sql`${t.projectId} IS NULL`)]);

/**
 * What a file deleted under immutable versions was (src/core/storage/immutable.ts): the same name and version may be
 * published again only with the same bytes. `file_key` is the file name, with Conan's revision path before it.
 */
export const packageFileTombstones = sqliteTable(
  "package_file_tombstones",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Not a foreign key: deleting a project drops its tombstones without an ordering rule. */
    projectId: integer("project_id").notNull(),
    packageType: text("package_type").notNull(),
    normalizedName: text("normalized_name").notNull(),
    version: text("version").notNull(),
    fileKey: text("file_key").notNull(),
    sha256: text("sha256").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
  },
  (t) => [uniqueIndex("package_file_tombstones_identity").on(t.projectId, t.packageType, t.normalizedName, t.version, t.fileKey)],
);
