// Package model: packages (one row per name + version), their files, tags and CI build records.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { namespaces, projects, users } from "./accounts";
import { blobs } from "./blobs";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`);

export const PACKAGE_STATUSES = [
  "default",
  "hidden",
  "processing",
  "error",
  "pending_destruction",
  "deprecated",
] as const;
export type PackageStatus = (typeof PACKAGE_STATUSES)[number];

export const packages = sqliteTable(
  "packages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: integer("project_id").notNull().references(() => projects.id),
    packageType: text("package_type").notNull(),
    name: text("name").notNull(),
    normalizedName: text("normalized_name").notNull(),
    /** "" for versionless packages (e.g. Maven artifact-level metadata). */
    version: text("version").notNull().default(""),
    status: text("status", { enum: PACKAGE_STATUSES }).notNull().default("default"),
    /** Format-specific metadata (npm manifest, PyPI summary, …), parsed by the format. */
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
    creatorId: integer("creator_id").references(() => users.id),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
    /** Written at most once an hour per package, off the response path (src/core/last-downloaded.ts). */
    lastDownloadedAt: integer("last_downloaded_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("packages_identity").on(t.projectId, t.packageType, t.normalizedName, t.version),
    index("packages_project_created").on(t.projectId, t.createdAt),
    index("packages_type_name").on(t.packageType, t.normalizedName),
  ],
);

export const packageFiles = sqliteTable(
  "package_files",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    packageId: integer("package_id").notNull().references(() => packages.id),
    blobId: text("blob_id").notNull().references(() => blobs.id),
    fileName: text("file_name").notNull(),
    size: integer("size").notNull(),
    /** Only the digests the file's format serves are kept (src/core/digests.ts); sha256 always. */
    md5: text("md5"),
    sha1: text("sha1"),
    sha256: text("sha256").notNull(),
    sha512: text("sha512"),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
    /** The CI pipeline that uploaded this file (a job token's), matching a package_build_infos row of the package. */
    pipelineId: integer("pipeline_id"),
    createdAt: createdAt(),
  },
  (t) => [
    index("package_files_package_name").on(t.packageId, t.fileName),
    index("package_files_sha256").on(t.sha256),
    index("package_files_blob").on(t.blobId),
  ],
);

/** Named pointers to a version, such as npm dist-tags. */
export const packageTags = sqliteTable(
  "package_tags",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: integer("project_id").notNull().references(() => projects.id),
    packageType: text("package_type").notNull(),
    normalizedName: text("normalized_name").notNull(),
    tag: text("tag").notNull(),
    packageId: integer("package_id").notNull().references(() => packages.id),
    /** Null only for tags written before the column existed (the migration copies updated_at into it). */
    createdAt: integer("created_at", { mode: "timestamp_ms" }).$defaultFn(() => new Date()),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
  },
  (t) => [uniqueIndex("package_tags_identity").on(t.projectId, t.packageType, t.normalizedName, t.tag)],
);

/** The CI pipeline behind a publish; the UI shows the last five per package. */
export const packageBuildInfos = sqliteTable(
  "package_build_infos",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    packageId: integer("package_id").notNull().references(() => packages.id),
    pipelineId: integer("pipeline_id").notNull(),
    ref: text("ref").notNull().default(""),
    sha: text("sha").notNull().default(""),
    userId: integer("user_id").references(() => users.id),
    pipelineUrl: text("pipeline_url"),
    workflow: text("workflow"),
    /** The CI identity of an OIDC job token (its `sub`). */
    identity: text("identity"),
    createdAt: createdAt(),
  },
  (t) => [index("package_build_infos_package").on(t.packageId)],
);

/**
 * Package data a group owns rather than one of its projects (Debian's group distributions and their signing
 * keys): one row per group, package type and name, its `metadata` JSON the format's. Written by single
 * statements (insert-if-absent, JSON merge patch, delete) in src/core/group-records.ts.
 */
export const groupPackageRecords = sqliteTable(
  "group_package_records",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    namespaceId: integer("namespace_id")
      .notNull()
      .references(() => namespaces.id),
    packageType: text("package_type").notNull(),
    name: text("name").notNull(),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
    /** Bumped by every update: derived documents (Debian's group indexes) key their caches on it. */
    revision: integer("revision").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
  },
  (t) => [uniqueIndex("group_package_records_name").on(t.namespaceId, t.packageType, t.name)],
);

/**
 * GitLab's protected packages (Packages::Protection::Rule): a project's rule names a package type and a
 * name pattern (`*` = any run of characters, case-insensitive) and the least access level that may push
 * and/or delete matching packages (40 Maintainer, 50 Owner, 60 instance administrator; null = no limit).
 */
export const packageProtectionRules = sqliteTable(
  "package_protection_rules",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: integer("project_id").notNull().references(() => projects.id),
    packageType: text("package_type").notNull(),
    packageNamePattern: text("package_name_pattern").notNull(),
    minimumAccessLevelForPush: integer("minimum_access_level_for_push"),
    minimumAccessLevelForDelete: integer("minimum_access_level_for_delete"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
  },
  (t) => [uniqueIndex("package_protection_rules_identity").on(t.projectId, t.packageType, t.packageNamePattern)],
);
