// A stored blob as a zip source: ranged reads from R2, so checking an upload never holds it whole.
// Formats otherwise never touch R2; the module zip's directory and go.mod must be read back after the
// upload has streamed into the blob store, and the registry context has no ranged read.
import { blobKey, type StoredBlob } from "../../core/blobs";
import { AppError } from "../../core/errors";
import type { ZipSource } from "./zip";

export function blobSource(bucket: R2Bucket, blob: StoredBlob): ZipSource {
  const key = blobKey(blob.id);
  const get = async (offset: number, length: number) => {
    const object = await bucket.get(key, { range: { offset, length } });
    if (!object) throw new AppError("internal", "a stored upload is missing from the blob store");
    return object;
  };
  return {
    size: blob.size,
    read: async (offset, length) => new Uint8Array(await (await get(offset, length)).arrayBuffer()),
    stream: async (offset, length) => (await get(offset, length)).body,
  };
}
