// How routes reach the publish coordinator: every write to a package goes through `commitPackage`.
import type { Bindings } from "../../env";
import { discardBlob } from "../blobs";
import { AppError } from "../errors";
import { coordinatorName, type CommitRequest, type CommitResult } from "./types";

export type CommitSuccess = Extract<CommitResult, { ok: true }>;

/** Commit a write; a refused publish discards its freshly uploaded blobs at once. */
export async function commitPackage(env: Pick<Bindings, "PUBLISH_COORDINATOR" | "DB" | "BLOBS">, request: CommitRequest): Promise<CommitSuccess> {
  const stub = env.PUBLISH_COORDINATOR.getByName(coordinatorName(request.projectId, request.packageType, request.normalizedName));
  const result = (await stub.commit(request)) as CommitResult;
  if (!result.ok) {
    if (request.op.kind === "publish") {
      await Promise.all(request.op.files.map((f) => discardBlob(env, f.blob.id).catch(() => undefined)));
    }
    throw new AppError(result.code, result.message);
  }
  return result;
}
