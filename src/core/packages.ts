// Package reads shared by every format: versions of a name, their files and tags, across one or many
// projects, in few queries (never one per version).
import { and, desc, eq, inArray, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { inIds, type Db } from "../db/client";
import { packageFiles, packages, packageTags, projects, type PackageStatus } from "../db/schema";

export type { PackageStatus };
export type PackageRow = typeof packages.$inferSelect;
export type PackageFileRow = typeof packageFiles.$inferSelect;
export type PackageWithFiles = PackageRow & { files: PackageFileRow[] };

/** The one place that says which statuses each kind of read sees (the values: PACKAGE_STATUSES in the schema). */
/** A client may install these (hidden packages are not listed; processing and error ones are not served). */
export const INSTALLABLE_STATUSES: PackageStatus[] = ["default", "deprecated"];
/** Lists (the Packages API without ?status, the pages) show these, as GitLab's `displayable` scope does. */
export const LISTED_STATUSES: PackageStatus[] = ["default", "deprecated", "error"];
/** A file addressed by its URL downloads from these (GitLab serves hidden Generic packages by URL). */
export const DOWNLOADABLE_STATUSES: PackageStatus[] = ["default", "hidden", "deprecated"];

export interface VersionQuery {
  projectIds: number[];
  packageType: string;
  /** One name; every name of the type when absent. */
  normalizedName?: string;
  statuses?: PackageStatus[];
  version?: string;
}

/** Which projects a package read looks in: their ids, or a subquery selecting them (a batched read). */
export type ProjectIdSource = number[] | SQLWrapper;

export interface PackageQuery {
  packageType: string;
  normalizedName?: string;
  version?: string;
  /** Every status when absent. */
  statuses?: PackageStatus[];
}

function packageConditions(projects: ProjectIdSource, query: PackageQuery): SQL {
  const conditions = [Array.isArray(projects) ? inIds(packages.projectId, projects) : inArray(packages.projectId, projects), eq(packages.packageType, query.packageType)];
  if (query.normalizedName !== undefined) conditions.push(eq(packages.normalizedName, query.normalizedName));
  if (query.statuses) conditions.push(inArray(packages.status, query.statuses));
  if (query.version !== undefined) conditions.push(eq(packages.version, query.version));
  return and(...conditions)!;
}

/** The two statements of a versions read (packages, then their files), for one batch: one round trip. */
export function versionQueries(db: Db, projects: ProjectIdSource, query: PackageQuery) {
  const where = packageConditions(projects, query);
  return [
    db.select().from(packages).where(where).orderBy(desc(packages.createdAt), desc(packages.id)),
    db
      .select()
      .from(packageFiles)
      .where(inArray(packageFiles.packageId, db.select({ id: packages.id }).from(packages).where(where)))
      .orderBy(desc(packageFiles.createdAt), desc(packageFiles.id)),
  ] as const;
}

/** Package rows with their files attached (newest file first), from the rows of `versionQueries`. */
export function withFiles(rows: PackageRow[], files: PackageFileRow[]): PackageWithFiles[] {
  const byPackage = new Map<number, PackageFileRow[]>();
  for (const row of files) {
    const list = byPackage.get(row.packageId) ?? [];
    list.push(row);
    byPackage.set(row.packageId, list);
  }
  return rows.map((row) => ({ ...row, files: byPackage.get(row.id) ?? [] }));
}

/** Every version of a name (or of every name of the type) in these projects with their files, newest package first: one round trip. */
export async function getPackageVersions(db: Db, query: VersionQuery): Promise<PackageWithFiles[]> {
  if (query.projectIds.length === 0) return [];
  const [rows, files] = await db.batch(versionQueries(db, query.projectIds, { ...query, statuses: query.statuses ?? INSTALLABLE_STATUSES }));
  return withFiles(rows, files);
}

/** The newest file of that name in a package (duplicates: the most recent upload is served). */
export function newestFile(files: PackageFileRow[], fileName: string): PackageFileRow | undefined {
  return files.find((f) => f.fileName === fileName);
}

/** When several projects hold the same version, the most recently published one wins. */
export function newestPerVersion<T extends PackageRow>(rows: T[]): T[] {
  const seen = new Map<string, T>();
  for (const row of rows) {
    const current = seen.get(row.version);
    if (!current || row.createdAt > current.createdAt || (row.createdAt.getTime() === current.createdAt.getTime() && row.id > current.id)) {
      seen.set(row.version, row);
    }
  }
  return [...seen.values()];
}

export interface TagRow {
  projectId: number;
  tag: string;
  packageId: number;
}

/** Tags of a name in these projects, in one query. */
export async function getTags(db: Db, projectIds: number[], packageType: string, normalizedName: string): Promise<TagRow[]> {
  if (projectIds.length === 0) return [];
  return tagsQuery(db, projectIds, packageType, normalizedName).all();
}

export function tagsQuery(db: Db, projects: ProjectIdSource, packageType: string, normalizedName: string) {
  return db
    .select({ projectId: packageTags.projectId, tag: packageTags.tag, packageId: packageTags.packageId })
    .from(packageTags)
    .where(
      and(
        Array.isArray(projects) ? inIds(packageTags.projectId, projects) : inArray(packageTags.projectId, projects),
        eq(packageTags.packageType, packageType),
        eq(packageTags.normalizedName, normalizedName),
      ),
    );
}

/** A file by its sha256 among these projects' installable packages (PyPI downloads are addressed so). */
export async function getFileBySha256(db: Db, projectIds: number[], packageType: string, sha256: string, fileName?: string) {
  if (projectIds.length === 0) return null;
  const conditions = [
    eq(packageFiles.sha256, sha256.toLowerCase()),
    inIds(packages.projectId, projectIds),
    eq(packages.packageType, packageType),
    inArray(packages.status, INSTALLABLE_STATUSES),
  ];
  if (fileName) conditions.push(eq(packageFiles.fileName, fileName));
  const row = await db
    .select({ file: packageFiles, pkg: packages })
    .from(packageFiles)
    .innerJoin(packages, eq(packages.id, packageFiles.packageId))
    .where(and(...conditions))
    .orderBy(desc(packageFiles.createdAt))
    .get();
  return row ?? null;
}

/** Distinct package names of a type in these projects (index pages such as PyPI's /simple/). */
export async function listPackageNames(db: Db, projectIds: number[], packageType: string) {
  if (projectIds.length === 0) return [];
  return db
    .selectDistinct({ name: packages.name, normalizedName: packages.normalizedName })
    .from(packages)
    .where(and(inIds(packages.projectId, projectIds), eq(packages.packageType, packageType), inArray(packages.status, INSTALLABLE_STATUSES)))
    .orderBy(packages.normalizedName)
    .all();
}

export type FileWithPackage = PackageFileRow & { projectId: number; packageName: string; packageVersion: string };

/**
 * Files of installable packages of a type in these projects whose metadata has `key` equal to `value`, with
 * their package's name and version, newest first, in one query (Debian: every file of a distribution, from
 * which its indexes are built).
 */
export async function getFilesByMetadata(db: Db, projectIds: number[], packageType: string, key: string, value: string): Promise<FileWithPackage[]> {
  if (projectIds.length === 0) return [];
  if (!/^[a-z_]+$/.test(key)) throw new Error(`invalid metadata key ${key}`);
  const rows = await db
    .select({ file: packageFiles, projectId: packages.projectId, packageName: packages.name, packageVersion: packages.version })
    .from(packageFiles)
    .innerJoin(packages, eq(packages.id, packageFiles.packageId))
    .where(
      and(
        inIds(packages.projectId, projectIds),
        eq(packages.packageType, packageType),
        inArray(packages.status, INSTALLABLE_STATUSES),
        sql`json_extract(${packageFiles.metadata}, ${`$.${key}`}) = ${value}`,
      ),
    )
    .orderBy(desc(packageFiles.createdAt), desc(packageFiles.id))
    .all();
  return rows.map((r) => ({ ...r.file, projectId: r.projectId, packageName: r.packageName, packageVersion: r.packageVersion }));
}

/** The columns behind GitLab's `order_by` values for package lists (the Packages API and the pages). */
export const PACKAGE_ORDER_COLUMNS = {
  created_at: packages.createdAt,
  name: packages.name,
  version: packages.version,
  type: packages.packageType,
  project_path: projects.fullPath,
} as const;

/** A package file by id, only if its package belongs to one of these projects. */
export async function getPackageFileById(db: Db, projectIds: number[], fileId: number): Promise<PackageFileRow | null> {
  if (projectIds.length === 0) return null;
  const row = await db
    .select({ file: packageFiles })
    .from(packageFiles)
    .innerJoin(packages, eq(packages.id, packageFiles.packageId))
    .where(and(eq(packageFiles.id, fileId), inIds(packages.projectId, projectIds)))
    .get();
  return row?.file ?? null;
}
