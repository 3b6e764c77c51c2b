// Storage management (docs/storage.md): cleanup policies per project.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { projects } from "./accounts";

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
