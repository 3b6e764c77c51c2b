// After a project, group or user is removed: abort the R2 multipart uploads that were open in its projects
// (best effort, after the response). Their blob rows and any stored bytes are the scheduled cleanup's.
import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { OpenUpload } from "../core/accounts";
import { blobKey } from "../core/blobs";

export function abortUploads(c: Context<AppEnv>, uploads: OpenUpload[]): void {
  if (uploads.length === 0) return;
  const work = Promise.all(uploads.map((u) => c.env.BLOBS.resumeMultipartUpload(blobKey(u.blobId), u.r2UploadId).abort().catch(() => undefined)));
  c.executionCtx.waitUntil(work);
}

/** GitLab's answer to DELETE /projects/:id and /groups/:id. */
export const ACCEPTED = { message: "202 Accepted" };
