// Scheduled cleanup (cron trigger): removes blobs no package file (nor cached upstream file) references once they are older than
// the grace period: failed or abandoned uploads, refused publishes, deleted packages and files.
//
//   for each batch of blob rows older than the grace period with no package_files row:
//     DELETE the row ... WHERE NOT EXISTS (package_files for it)   -- a commit that just referenced it wins
//     delete the R2 object only for rows that delete removed
//   abort open chunked uploads older than the grace period the same way
// Rows go first so that a failure in between leaves an object without a row (harmless, never read),
// never a row pointing at a missing object.
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import { createDb } from "../db/client";
import { blobs, cachedFiles, packageFiles, uploadSessions } from "../db/schema";
import { blobKey } from "./blobs";

const BATCH = 90;

export interface CleanupEnv {
  DB: D1Database;
  BLOBS: R2Bucket;
  BLOB_GRACE_SECONDS?: string;
}

export async function removeUnreferencedBlobs(env: CleanupEnv, now = Date.now()): Promise<{ blobs: number; uploads: number }> {
  const db = createDb(env.DB);
  const graceMs = (Number(env.BLOB_GRACE_SECONDS) || 86400) * 1000;
  const cutoff = new Date(now - graceMs);
  let removedUploads = 0;

  const staleUploads = await db.select().from(uploadSessions).where(and(eq(uploadSessions.state, "open"), lt(uploadSessions.createdAt, cutoff))).all();
  for (const upload of staleUploads) {
    await env.BLOBS.resumeMultipartUpload(blobKey(upload.blobId), upload.r2UploadId).abort().catch(() => undefined);
    await db.update(uploadSessions).set({ state: "aborted" }).where(eq(uploadSessions.id, upload.id)).run();
    removedUploads++;
  }

  await db.delete(uploadSessions).where(and(sql`${uploadSessions.state} != 'open'`, lt(uploadSessions.createdAt, cutoff))).run();

  let removedBlobs = 0;
  const unreferenced = sql`NOT EXISTS (SELECT 1 FROM ${packageFiles} WHERE ${packageFiles.blobId} = ${blobs.id}) AND NOT EXISTS (SELECT 1 FROM ${cachedFiles} WHERE ${cachedFiles.blobId} = ${blobs.id})`;
  for (;;) {
    const candidates = await db
      .select({ id: blobs.id })
      .from(blobs)
      .where(and(lt(blobs.createdAt, cutoff), unreferenced, sql`NOT EXISTS (SELECT 1 FROM ${uploadSessions} WHERE ${uploadSessions.blobId} = ${blobs.id} AND ${uploadSessions.state} = 'open')`))
      .limit(BATCH)
      .all();
    if (candidates.length === 0) break;
    const deleted = await db
      .delete(blobs)
      .where(and(inArray(blobs.id, candidates.map((b) => b.id)), unreferenced))
      .returning({ id: blobs.id });
    if (deleted.length) await env.BLOBS.delete(deleted.map((b) => blobKey(b.id)));
    removedBlobs += deleted.length;
    if (candidates.length < BATCH) break;
  }
  return { blobs: removedBlobs, uploads: removedUploads };
}
