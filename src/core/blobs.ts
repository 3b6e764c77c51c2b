// The blob store: streams an upload into R2 while computing md5, sha1, sha256 and sha512 in one pass,
// enforcing the size limit as bytes arrive and verifying any digest the client declared.
//
// Protocol (why a row comes first):
//   1. insert blobs(id) with no digests          -- so cleanup can always find the object
//   2. stream body -> hasher -> R2 blobs/<id>    -- known length: one put; unknown: multipart in fixed parts
//   3. compare declared digests; on mismatch delete object + row and fail
//   4. the caller commits package_files rows through the publish coordinator, which fills in the digests
// A crash between 1 and 4 leaves a row with no package_files: the scheduled cleanup removes it and
// its object after the grace period (src/core/cleanup.ts).
import { and, eq, sql } from "drizzle-orm";
import { createDb } from "../db/client";
import { blobs, packageFiles } from "../db/schema";
import type { RangedSource } from "./archive/zip";
import { toHex } from "./auth/secrets";
import { AppError } from "./errors";

export const DIGEST_ALGORITHMS = { md5: "MD5", sha1: "SHA-1", sha256: "SHA-256", sha512: "SHA-512" } as const;
export type DigestName = keyof typeof DIGEST_ALGORITHMS;
export type Digests = Record<DigestName, string>;

export interface StoredBlob extends Digests {
  id: string;
  size: number;
}

export interface BlobEnv {
  DB: D1Database;
  BLOBS: R2Bucket;
}

export interface PutBlobOptions {
  /** Exact length when known (Content-Length, npm attachment length); null streams in multipart parts. */
  contentLength: number | null;
  maxBytes: number;
  /** Digests the client declared (hex); any mismatch fails the upload and keeps nothing. */
  expected?: Partial<Digests>;
  contentType?: string;
}

/** Size of the parts used for bodies of unknown length (R2 needs equal non-final parts of ≥ 5 MiB). */
export const STREAM_PART_SIZE = 8 * 1024 * 1024;

export const blobKey = (id: string) => `blobs/${id}`;

export async function putBlob(env: BlobEnv, body: ReadableStream<Uint8Array> | null, options: PutBlobOptions): Promise<StoredBlob> {
  if (options.contentLength !== null && options.contentLength > options.maxBytes) throw tooLarge(options.maxBytes);
  const id = crypto.randomUUID();
  try {
    await createDb(env.DB).insert(blobs).values({ id }).run();
  } catch (error) {
    // Nothing will read the body now: cancel it, or a caller that feeds it through a pipe (npm's publish body,
    // a multipart part) waits on backpressure for ever.
    await body?.cancel(error).catch(() => undefined);
    throw error;
  }
  const key = blobKey(id);
  const hashing = createHashingStream(options.maxBytes);
  try {
    const source = (body ?? emptyStream()).pipeThrough(hashing.stream);
    const httpMetadata = options.contentType ? { contentType: options.contentType } : undefined;
    if (options.contentLength !== null) {
      const fixed = new FixedLengthStream(options.contentLength);
      // allSettled: when one side fails the other rejects too, and both must be observed.
      const settled = await Promise.allSettled([source.pipeTo(fixed.writable), env.BLOBS.put(key, fixed.readable, { httpMetadata })]);
      const failed = settled.find((s) => s.status === "rejected");
      if (failed) throw (failed as PromiseRejectedResult).reason;
    } else {
      await putInParts(env.BLOBS, key, source, httpMetadata);
    }
    const digests = await hashing.digests();
    for (const [name, value] of Object.entries(options.expected ?? {})) {
      if (value && value.toLowerCase() !== digests[name as DigestName]) {
        throw new AppError("digest_mismatch", `${name} checksum mismatch: declared ${value}, received ${digests[name as DigestName]}`);
      }
    }
    return { id, size: hashing.size(), ...digests };
  } catch (error) {
    await discardBlob(env, id).catch(() => undefined); // cleanup retries whatever this misses
    if (error instanceof AppError) throw error;
    if (hashing.size() > options.maxBytes) throw tooLarge(options.maxBytes);
    if (error instanceof TypeError || /length|stream/i.test(String(error))) {
      throw new AppError("bad_request", "The request body ended early or did not match its Content-Length");
    }
    throw error;
  }
}

/**
 * Remove a blob that was never committed (a failed or refused upload). The row goes first, and only
 * while no package file references it (as the scheduled cleanup does); the object goes only when the
 * row did. A failure in between leaves an object without a row, which is never read.
 */
export async function discardBlob(env: BlobEnv, id: string): Promise<void> {
  const removed = await createDb(env.DB)
    .delete(blobs)
    .where(and(eq(blobs.id, id), sql`NOT EXISTS (SELECT 1 FROM ${packageFiles} WHERE ${packageFiles.blobId} = ${blobs.id})`))
    .returning({ id: blobs.id });
  if (removed.length > 0) await env.BLOBS.delete(blobKey(id));
}

const tooLarge = (max: number) => new AppError("payload_too_large", `413 File is too large: the limit is ${max} bytes`);

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (c) => c.close() });
}

/** A pass-through stream that counts bytes against a limit and feeds four digests. */
export function createHashingStream(maxBytes: number) {
  const names = Object.keys(DIGEST_ALGORITHMS) as DigestName[];
  const hashers = names.map((name) => ({ name, stream: new crypto.DigestStream(DIGEST_ALGORITHMS[name]) }));
  const writers = hashers.map((h) => h.stream.getWriter());
  let size = 0;
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      size += chunk.byteLength;
      if (size > maxBytes) throw new Error("upload exceeds the size limit");
      await Promise.all(writers.map((w) => w.write(chunk)));
      controller.enqueue(chunk);
    },
    async flush() {
      await Promise.all(writers.map((w) => w.close()));
    },
  });
  return {
    stream,
    size: () => size,
    async digests(): Promise<Digests> {
      const entries = await Promise.all(hashers.map(async (h) => [h.name, toHex(await h.stream.digest)] as const));
      return Object.fromEntries(entries) as Digests;
    },
  };
}

/** Store a body of unknown length without holding it whole: equal parts through R2 multipart. */
async function putInParts(bucket: R2Bucket, key: string, source: ReadableStream<Uint8Array>, httpMetadata?: R2HTTPMetadata) {
  const reader = source.getReader();
  let upload: R2MultipartUpload | null = null;
  const parts: R2UploadedPart[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const take = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    let offset = 0;
    while (offset < n) {
      const head = pending[0];
      if (!head) throw new AppError("internal", "blob part assembly ran out of buffered bytes");
      const want = Math.min(head.byteLength, n - offset);
      out.set(head.subarray(0, want), offset);
      offset += want;
      if (want === head.byteLength) pending.shift();
      else pending[0] = head.subarray(want);
    }
    pendingBytes -= n;
    return out;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (value) {
        pending.push(value);
        pendingBytes += value.byteLength;
      }
      while (pendingBytes > STREAM_PART_SIZE || (done && pendingBytes === STREAM_PART_SIZE && upload)) {
        upload ??= await bucket.createMultipartUpload(key, { httpMetadata });
        parts.push(await upload.uploadPart(parts.length + 1, take(STREAM_PART_SIZE)));
      }
      if (done) break;
    }
    if (!upload) {
      await bucket.put(key, take(pendingBytes), { httpMetadata });
      return;
    }
    if (pendingBytes > 0) parts.push(await upload.uploadPart(parts.length + 1, take(pendingBytes)));
    await upload.complete(parts);
  } catch (error) {
    await upload?.abort().catch(() => undefined);
    throw error;
  } finally {
    pending = [];
  }
}

/** A stored blob read by range (R2 ranged gets), so an archive in storage is never held whole. */
export function blobSource(bucket: R2Bucket, blob: { id: string; size: number }): RangedSource {
  const key = blobKey(blob.id);
  const get = async (offset: number, length: number) => {
    const object = await bucket.get(key, { range: { offset, length } });
    if (!object) throw new AppError("internal", "a stored file is missing from the blob store");
    return object;
  };
  return {
    size: blob.size,
    read: async (offset, length) => (length === 0 ? new Uint8Array(0) : new Uint8Array(await (await get(offset, length)).arrayBuffer())),
    stream: async (offset, length) => (length === 0 ? new Response(new Uint8Array(0)).body! : (await get(offset, length)).body),
  };
}
