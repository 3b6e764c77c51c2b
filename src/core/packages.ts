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

/** A value in a package read: bound as given, or a placeholder in a compiled statement (src/db/compiled.ts). */
type Bindable = string | SQLWrapper;

export interface PackageQuery {
  packageType: Bindable;
  normalizedName?: Bindable;
  /** Several names (bound as one parameter: their JSON text, for a placeholder). */
  normalizedNames?: readonly string[] | SQLWrapper;
  version?: Bindable;
  /** Every status when absent. */
  statuses?: PackageStatus[];
}

function packageConditions(projects: ProjectIdSource, query: PackageQuery): SQL {
  const conditions = [projectsCondition(projects), eq(packages.packageType, query.packageType)];
  if (query.normalizedName !== undefined) conditions.push(eq(packages.normalizedName, query.normalizedName));
  if (query.normalizedNames !== undefined) conditions.push(inIds(packages.normalizedName, query.normalizedNames));
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
  normalizedName: string;
}

/** Tags of a name in these projects, in one query. */
export async function getTags(db: Db, projectIds: number[], packageType: string, normalizedName: string): Promise<TagRow[]> {
  if (projectIds.length === 0) return [];
  return tagsQuery(db, projectIds, packageType, normalizedName).all();
}

/** Tags of a name (of every name of the type when `normalizedName` is absent) in these projects. */
export function tagsQuery(db: Db, projects: ProjectIdSource, packageType: Bindable, normalizedName?: Bindable) {
  return db
    .select({ projectId: packageTags.projectId, tag: packageTags.tag, packageId: packageTags.packageId, normalizedName: packageTags.normalizedName })
    .from(packageTags)
    .where(
      and(
        Array.isArray(projects) ? inIds(packageTags.projectId, projects) : inArray(packageTags.projectId, projects),
        eq(packageTags.packageType, packageType),
        normalizedName === undefined ? undefined : eq(packageTags.normalizedName, normalizedName),
      ),
    );
}

const projectsCondition = (projects: ProjectIdSource) => (Array.isArray(projects) ? inIds(packages.projectId, projects) : inArray(packages.projectId, projects as SQLWrapper));

export type FileAndPackage = { file: PackageFileRow; pkg: PackageRow };

/**
 * Files with this sha256 (and name) among these projects' installable packages, and their packages: two
 * statements for one batch (a joined select would mix up the columns both tables name alike in a D1 batch).
 */
export function fileBySha256Queries(db: Db, projects: ProjectIdSource, packageType: Bindable, sha256: Bindable, fileName?: Bindable) {
  const fileConditions = [eq(packageFiles.sha256, typeof sha256 === "string" ? sha256.toLowerCase() : sha256)];
  if (fileName) fileConditions.push(eq(packageFiles.fileName, fileName));
  const fileWhere = and(...fileConditions)!;
  const packageWhere = and(projectsCondition(projects), eq(packages.packageType, packageType), inArray(packages.status, INSTALLABLE_STATUSES))!;
  return [
    db
      .select()
      .from(packages)
      .where(and(packageWhere, inArray(packages.id, db.select({ id: packageFiles.packageId }).from(packageFiles).where(fileWhere)))),
    db
      .select()
      .from(packageFiles)
      .where(and(fileWhere, inArray(packageFiles.packageId, db.select({ id: packages.id }).from(packages).where(packageWhere)))),
  ] as const;
}

/** The rows of `fileBySha256Queries` as files with their package, newest file first. */
export function filesAndPackages(rows: PackageRow[], files: PackageFileRow[]): FileAndPackage[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return files
    .flatMap((file) => {
      const pkg = byId.get(file.packageId);
      return pkg ? [{ file, pkg }] : [];
    })
    .sort((a, b) => b.file.createdAt.getTime() - a.file.createdAt.getTime() || b.file.id - a.file.id);
}

/** A file by its sha256 among these projects' installable packages (PyPI downloads are addressed so). */
export async function getFileBySha256(db: Db, projectIds: number[], packageType: string, sha256: string, fileName?: string): Promise<FileAndPackage | null> {
  if (projectIds.length === 0) return null;
  const [rows, files] = await db.batch(fileBySha256Queries(db, projectIds, packageType, sha256, fileName));
  return filesAndPackages(rows, files)[0] ?? null;
}

export interface PackageName {
  name: string;
  normalizedName: string;
}

/** Distinct names of a type per project (installable packages), by normalized name. */
export function packageNamesQuery(db: Db, projects: ProjectIdSource, packageType: string) {
  return db
    .selectDistinct({ projectId: packages.projectId, name: packages.name, normalizedName: packages.normalizedName })
    .from(packages)
    .where(and(projectsCondition(projects), eq(packages.packageType, packageType), inArray(packages.status, INSTALLABLE_STATUSES)))
    .orderBy(packages.normalizedName, packages.name);
}

/** The names of `packageNamesQuery` rows in these projects, each once, by normalized name. */
export function distinctNames(rows: (PackageName & { projectId: number })[], projectIds?: ReadonlySet<number>): PackageName[] {
  const seen = new Set<string>();
  const names: PackageName[] = [];
  for (const row of rows) {
    if (projectIds && !projectIds.has(row.projectId)) continue;
    const key = `${row.normalizedName}\u0000${row.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    names.push({ name: row.name, normalizedName: row.normalizedName });
  }
  return names.sort((a, b) => compare(a.normalizedName, b.normalizedName) || compare(a.name, b.name));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Distinct package names of a type in these projects (index pages such as PyPI's /simple/). */
export async function listPackageNames(db: Db, projectIds: number[], packageType: string): Promise<PackageName[]> {
  if (projectIds.length === 0) return [];
  return distinctNames(await packageNamesQuery(db, projectIds, packageType).all());
}

export type FileWithPackage = PackageFileRow & { projectId: number; packageName: string; packageVersion: string };

/** Files of installable packages of a type whose file metadata has `key` = `value`, with their package's name and version, newest first. */
export function filesByMetadataQuery(db: Db, projects: ProjectIdSource, packageType: string, key: string, value: string) {
  if (!/^[a-z_]+$/.test(key)) throw new Error(`invalid metadata key ${key}`);
  return db
    .select({ file: packageFiles, projectId: packages.projectId, packageName: packages.name, packageVersion: packages.version })
    .from(packageFiles)
    .innerJoin(packages, eq(packages.id, packageFiles.packageId))
    .where(
      and(
        projectsCondition(projects),
        eq(packages.packageType, packageType),
        inArray(packages.status, INSTALLABLE_STATUSES),
        sql`json_extract(${packageFiles.metadata}, ${`$.${key}`}) = ${value}`,
      ),
    )
    .orderBy(desc(packageFiles.createdAt), desc(packageFiles.id));
}

/** The rows of `filesByMetadataQuery` as files with their package. */
export const filesWithPackage = (rows: { file: PackageFileRow; projectId: number; packageName: string; packageVersion: string }[]): FileWithPackage[] =>
  rows.map((r) => ({ ...r.file, projectId: r.projectId, packageName: r.packageName, packageVersion: r.packageVersion }));

/**
 * Files of installable packages of a type in these projects whose metadata has `key` equal to `value`, with
 * their package's name and version, newest first, in one query (Debian: every file of a distribution, from
 * which its indexes are built).
 */
export async function getFilesByMetadata(db: Db, projectIds: number[], packageType: string, key: string, value: string): Promise<FileWithPackage[]> {
  if (projectIds.length === 0) return [];
  return filesWithPackage(await filesByMetadataQuery(db, projectIds, packageType, key, value).all());
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
