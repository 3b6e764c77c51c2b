// Scheduled cleanup of files a format keeps only for a while (FormatModule.expiringFiles): Debian's `incoming`
// files that no .changes claimed within three hours (GitLab's Packages::Debian::CleanupDanglingPackageFilesWorker,
// THREE_HOUR). Each removal is a `remove_file` commit through the package's publish coordinator, so it queues
// behind an upload or a .changes touching the same package; a file a .changes claimed meanwhile is simply gone
// (its removal answers 404 and is skipped). The blobs are left to removeUnreferencedBlobs (core/cleanup.ts),
// which deletes them once nothing references them and they are past the blob grace period.
import { and, asc, eq, lt } from "drizzle-orm";
import type { Bindings } from "../env";
import { createDb } from "../db/client";
import { packageFiles, packages, type PackageStatus } from "../db/schema";
import { commitPackage } from "./publish/client";

/** Files of the packages of this type, name and status expire `afterSeconds` after they were stored. */
export interface ExpiringFiles {
  packageType: string;
  normalizedName: string;
  status: PackageStatus;
  afterSeconds: number;
}

/** Files removed per target and run (a run is one cron invocation; the rest wait for the next). */
const PER_RUN = 200;
/** Files removed per commit (one coordinator call). */
const PER_COMMIT = 50;

export async function removeExpiredFiles(
  env: Pick<Bindings, "DB" | "BLOBS" | "PUBLISH_COORDINATOR">,
  targets: readonly ExpiringFiles[],
  now = Date.now(),
): Promise<{ files: number; failed: number }> {
  const db = createDb(env.DB);
  let removed = 0;
  let failed = 0;
  for (const target of targets) {
    const cutoff = new Date(now - target.afterSeconds * 1000);
    const rows = await db
      .select({ fileId: packageFiles.id, projectId: packages.projectId, name: packages.name, normalizedName: packages.normalizedName })
      .from(packageFiles)
      .innerJoin(packages, eq(packages.id, packageFiles.packageId))
      .where(and(eq(packages.packageType, target.packageType), eq(packages.normalizedName, target.normalizedName), eq(packages.status, target.status), lt(packageFiles.createdAt, cutoff)))
      .orderBy(asc(packageFiles.id))
      .limit(PER_RUN)
      .all();
    const byProject = new Map<number, typeof rows>();
    for (const row of rows) byProject.set(row.projectId, [...(byProject.get(row.projectId) ?? []), row]);
    for (const [projectId, files] of byProject) {
      const target_ = { projectId, packageType: target.packageType, name: files[0]!.name, normalizedName: files[0]!.normalizedName };
      const commit = (ids: number[]) => commitPackage(env, { ...target_, ops: ids.map((fileId) => ({ kind: "remove_file" as const, fileId })), author: { creatorId: null, buildInfo: null } });
      for (let i = 0; i < files.length; i += PER_COMMIT) {
        const ids = files.slice(i, i + PER_COMMIT).map((f) => f.fileId);
        try {
          await commit(ids);
          removed += ids.length;
        } catch {
          // One file of the batch went meanwhile (claimed by a .changes): the others one by one.
          for (const id of ids) {
            try {
              await commit([id]);
              removed++;
            } catch {
              failed++;
            }
          }
        }
      }
    }
  }
  return { files: removed, failed };
}
