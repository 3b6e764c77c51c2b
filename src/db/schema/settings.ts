// Instance settings (GitLab's `application_settings`, one row) and what request forwarding keeps:
// cached copies of upstream files and metadata, and the names a project reserved against forwarding.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { blobs } from "./blobs";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`);

/** The instance's settings: one row, id 1 (absent until an administrator first saves; defaults in src/core/settings). */
export const applicationSettings = sqliteTable("application_settings", {
  id: integer("id").primaryKey(),
  npmPackageRequestsForwarding: integer("npm_package_requests_forwarding", { mode: "boolean" }).notNull().default(false),
  lockNpmPackageRequestsForwarding: integer("lock_npm_package_requests_forwarding", { mode: "boolean" }).notNull().default(false),
  pypiPackageRequestsForwarding: integer("pypi_package_requests_forwarding", { mode: "boolean" }).notNull().default(false),
  lockPypiPackageRequestsForwarding: integer("lock_pypi_package_requests_forwarding", { mode: "boolean" }).notNull().default(false),
  mavenPackageRequestsForwarding: integer("maven_package_requests_forwarding", { mode: "boolean" }).notNull().default(false),
  lockMavenPackageRequestsForwarding: integer("lock_maven_package_requests_forwarding", { mode: "boolean" }).notNull().default(false),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
});

/**
 * A file or metadata document fetched from an upstream registry and kept (the pull-through cache). Never a
 * package: no project owns it and no package list shows it. `file_name` "" is the name's metadata document
 * (npm packument, PyPI project page); Maven keys every file by its path under the repository root.
 */
export const cachedFiles = sqliteTable(
  "cached_files",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    packageType: text("package_type").notNull(),
    normalizedName: text("normalized_name").notNull(),
    fileName: text("file_name").notNull(),
    blobId: text("blob_id").notNull().references(() => blobs.id),
    size: integer("size").notNull(),
    md5: text("md5").notNull(),
    sha1: text("sha1").notNull(),
    sha256: text("sha256").notNull(),
    sha512: text("sha512").notNull(),
    /** Where the bytes came from. */
    upstreamUrl: text("upstream_url").notNull(),
    fetchedAt: integer("fetched_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("cached_files_identity").on(t.packageType, t.normalizedName, t.fileName), index("cached_files_sha256").on(t.packageType, t.sha256), index("cached_files_blob").on(t.blobId)],
);

/**
 * A name a project once published in a format that forwards (npm, PyPI, Maven): while the row exists the
 * name is never forwarded from this project's levels, even after its last version is deleted, until a
 * Maintainer releases it (GitLab's documented dependency-confusion risk of deleting with forwarding on).
 */
export const packageNameReservations = sqliteTable(
  "package_name_reservations",
  {
    /** Not a foreign key: deleting a project drops its reservations without an ordering rule. */
    projectId: integer("project_id").notNull(),
    packageType: text("package_type").notNull(),
    normalizedName: text("normalized_name").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("package_name_reservations_identity").on(t.projectId, t.packageType, t.normalizedName), index("package_name_reservations_name").on(t.packageType, t.normalizedName)],
);
