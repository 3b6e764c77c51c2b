// Immutable versions (docs/storage.md): a project or group setting, off by default. While on, for the project and
// every project under a group that has it:
//   publish: a file whose key (file name; Conan: revision path + name) the version already holds, or held before a
//            delete (a tombstone), with other bytes (sha256) is refused (package_exists); the same bytes pass
//   delete (version, package, every version, one file): each file deleted leaves a tombstone with its sha256,
//            written in the same batch as the delete
// Not covered: versionless rows (Maven's artifact-level metadata) and Maven's maven-metadata.xml files, which the
// registry rewrites on every deploy. Read inside the coordinator's commit, so no race can slip a replacement in.
import { and, eq, sql, type SQL } from "drizzle-orm";
import { namespacesAboveProject } from "../tenancy";
import { inIds, type Db } from "../../db/client";
import { packageFiles, packageFileTombstones, packages, storageSettings } from "../../db/schema";
import { AppError } from "../errors";

/** One statement: whether the project, or a group above it, has immutable versions on. */
export function immutableQuery(db: Db, projectId: number) {
  const ancestors = namespacesAboveProject(projectId);
  return db
    .select({ id: storageSettings.id })
    .from(storageSettings)
    .where(and(eq(storageSettings.immutableVersions, true), sql`(${storageSettings.projectId} = ${projectId} OR ${storageSettings.namespaceId} IN ${ancestors})`))
    .limit(1);
}

const isMavenMetadata = (packageType: string, fileName: string) => packageType === "maven" && fileName.startsWith("maven-metadata.xml");

/** Whether immutability covers this file at all. */
export const covered = (packageType: string, version: string, fileName: string) => version !== "" && !isMavenMetadata(packageType, fileName);

/** A file's identity within its version: the name, and for Conan the revision path it belongs to. */
export function fileKey(packageType: string, fileName: string, metadata: Record<string, unknown> | undefined): string {
  if (packageType !== "conan") return fileName;
  const part = (key: string) => (typeof metadata?.[key] === "string" ? (metadata[key] as string) : "");
  return `${part("recipe_revision")}/${part("package_reference")}/${part("package_revision")}/${fileName}`;
}

/** The same key in SQL over package_files `f` (columns by table name). */
const fileKeySql = (packageType: string): SQL =>
  packageType === "conan"
    ? sql`ifnull(json_extract(${packageFiles.metadata}, '$.recipe_revision'), '') || '/' || ifnull(json_extract(${packageFiles.metadata}, '$.package_reference'), '') || '/' || ifnull(json_extract(${packageFiles.metadata}, '$.package_revision'), '') || '/' || ${packageFiles.fileName}`
    : sql`${packageFiles.fileName}`;

export interface IncomingFile {
  fileName: string;
  sha256: string;
  metadata?: Record<string, unknown>;
}

/** Refuse a publish that would put other bytes under a key the version holds or held (one round trip, only when a file is covered). */
export async function checkImmutable(db: Db, target: { projectId: number; packageType: string; normalizedName: string; name: string }, version: string, existingPackageId: number | null, files: IncomingFile[]): Promise<void> {
  const incoming = files.filter((f) => covered(target.packageType, version, f.fileName));
  if (incoming.length === 0) return;
  const tombstones = db
    .select({ fileKey: packageFileTombstones.fileKey, sha256: packageFileTombstones.sha256 })
    .from(packageFileTombstones)
    .where(
      and(
        eq(packageFileTombstones.projectId, target.projectId),
        eq(packageFileTombstones.packageType, target.packageType),
        eq(packageFileTombstones.normalizedName, target.normalizedName),
        eq(packageFileTombstones.version, version),
      ),
    );
  const held = db
    .select({ fileName: packageFiles.fileName, metadata: packageFiles.metadata, sha256: packageFiles.sha256 })
    .from(packageFiles)
    .where(eq(packageFiles.packageId, existingPackageId ?? -1));
  const [gone, present] = await db.batch([tombstones, held]);
  const known = new Map<string, Set<string>>();
  const add = (key: string, sha256: string) => known.set(key, (known.get(key) ?? new Set()).add(sha256.toLowerCase()));
  for (const t of gone) add(t.fileKey, t.sha256);
  for (const f of present) add(fileKey(target.packageType, f.fileName, f.metadata), f.sha256);
  for (const file of incoming) {
    const digests = known.get(fileKey(target.packageType, file.fileName, file.metadata));
    if (digests && !digests.has(file.sha256.toLowerCase())) {
      throw new AppError("package_exists", `403 Forbidden - versions are immutable here: ${file.fileName} of ${target.name} ${version} was published with other bytes`);
    }
  }
}

/** The statement that tombstones files about to be deleted (by package ids or by file id), for the same batch. */
export function tombstoneStatement(db: Db, packageType: string, which: { packageIds: number[] } | { fileId: number }) {
  const where =
    "fileId" in which ? eq(packageFiles.id, which.fileId) : inIds(packageFiles.packageId, which.packageIds);
  return db
    .insert(packageFileTombstones)
    .select(
      db
        .select({
          id: sql<number>`NULL`.as("id"),
          projectId: packages.projectId,
          packageType: packages.packageType,
          normalizedName: packages.normalizedName,
          version: packages.version,
          fileKey: sql<string>`${fileKeySql(packageType)}`.as("file_key"),
          sha256: packageFiles.sha256,
          createdAt: sql<number>`(unixepoch() * 1000)`.as("created_at"),
        })
        .from(packageFiles)
        .innerJoin(packages, eq(packages.id, packageFiles.packageId))
        .where(and(where, sql`${packages.version} <> ''`, packageType === "maven" ? sql`${packageFiles.fileName} NOT LIKE 'maven-metadata.xml%'` : undefined)),
    )
    .onConflictDoUpdate({ target: [packageFileTombstones.projectId, packageFileTombstones.packageType, packageFileTombstones.normalizedName, packageFileTombstones.version, packageFileTombstones.fileKey], set: { sha256: sql`excluded.sha256` } });
}
