// How the core reaches the publish coordinator: every write to a package goes through `commitPackage`
// (called by the registry context, which adds the author).
import type { Bindings } from "../../env";
import { discardBlob } from "../blobs";
import { AppError } from "../errors";
import { coordinatorName, type CommitRequest, type CommitResult } from "./types";

export type CommitSuccess = Extract<CommitResult, { ok: true }>;

/**
 * Commit; a refused publish discards its freshly uploaded blobs at once. An ambiguous outcome (the
 * commit outlived the timeout) or a failed call keeps them: the commit may still reference them, and
 * the scheduled cleanup removes whatever ends up unreferenced.
 */
export async function commitPackage(env: Pick<Bindings, "PUBLISH_COORDINATOR" | "DB" | "BLOBS">, request: CommitRequest): Promise<CommitSuccess> {
  const stub = env.PUBLISH_COORDINATOR.getByName(coordinatorName(request.projectId, request.packageType, request.normalizedName, request.coordinatorKey));
  const result = (await stub.commit(request)) as CommitResult;
  if (!result.ok) {
    if (!result.ambiguous) {
      const blobIds = request.ops.flatMap((op) => (op.kind === "publish" ? op.files.map((f) => f.blob.id) : []));
      await Promise.all(blobIds.map((id) => discardBlob(env, id).catch(() => undefined)));
    }
    throw new AppError(result.code, result.message);
  }
  return result;
}
