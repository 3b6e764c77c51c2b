// Storage figures (docs/storage.md "Statistics"), counted per blob: an R2 object two package files share (a file
// copied between versions by a format, a Conan revision reusing an export) counts once in a project or group.
// Each figure is ONE aggregate statement, whatever the number of projects (a group sums its whole tree in SQL).
import { eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { namespaces, projects } from "../../db/schema";

/** Distinct (blob, size) pairs of package files whose project satisfies `where` (SQL over `pr`, `n`: project, namespace). */
const distinctBlobs = (where: SQL) => sql`SELECT DISTINCT f.blob_id, f.size FROM package_files f JOIN packages p ON p.id = f.package_id JOIN projects pr ON pr.id = p.project_id JOIN namespaces n ON n.id = pr.namespace_id WHERE ${where}`;

/** The namespace with these traversal ids and every namespace under it. */
export const inTree = (traversalIds: string | SQL) => sql`(n.traversal_ids = ${traversalIds} OR substr(n.traversal_ids, 1, length(${traversalIds}) + 1) = ${traversalIds} || '/')`;

export const projectSizeSql = (projectId: number | SQL) => sql`(SELECT COALESCE(SUM(size), 0) FROM (${distinctBlobs(sql`pr.id = ${projectId}`)}))`;
export const groupSizeSql = (traversalIds: string | SQL) => sql`(SELECT COALESCE(SUM(size), 0) FROM (${distinctBlobs(inTree(traversalIds))}))`;

/** A project's packages_size: one statement (batchable). */
export function projectPackagesSizeQuery(db: Db, projectId: number) {
  return db.select({ size: sql<number>`${projectSizeSql(projectId)}`.mapWith(Number) }).from(projects).where(eq(projects.id, projectId));
}

/** A group's packages_size over its whole tree (subgroups included): one statement (batchable). */
export function groupPackagesSizeQuery(db: Db, group: { id: number; traversalIds: string }) {
  return db.select({ size: sql<number>`${groupSizeSql(group.traversalIds)}`.mapWith(Number) }).from(namespaces).where(eq(namespaces.id, group.id));
}

export const sizeOf = (rows: { size: number }[]) => rows[0]?.size ?? 0;

export interface InstanceStorage {
  /** Distinct blobs package files reference. */
  packages_size: number;
  /** Distinct blobs request forwarding keeps (cached_files): no project owns them. */
  cached_files_size: number;
  /** Distinct blobs referenced by either (a blob both use counts once). */
  storage_size: number;
  /** Every blob row, including those the blob cleanup has yet to free (failed uploads, deleted packages). */
  blobs_size: number;
  blobs_count: number;
}

/** The instance's figures for administrators: one statement. */
export async function instanceStorage(db: Db): Promise<InstanceStorage> {
  const row = await db.get<InstanceStorage>(sql`SELECT
    (SELECT COALESCE(SUM(size), 0) FROM (SELECT DISTINCT blob_id, size FROM package_files)) AS packages_size,
    (SELECT COALESCE(SUM(size), 0) FROM (SELECT DISTINCT blob_id, size FROM cached_files)) AS cached_files_size,
    (SELECT COALESCE(SUM(size), 0) FROM (SELECT blob_id, size FROM package_files UNION SELECT blob_id, size FROM cached_files)) AS storage_size,
    (SELECT COALESCE(SUM(size), 0) FROM blobs) AS blobs_size,
    (SELECT COUNT(*) FROM blobs) AS blobs_count`);
  return row;
}
