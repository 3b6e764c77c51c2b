// The blob store: streams an upload into R2, enforcing the size limit as bytes arrive and computing only
// the digests the format needs (src/core/digests.ts); a declared digest is verified by R2 where it can be.
//
// Protocol (why a row comes first):
//   1. insert blobs(id) with no digests          -- so cleanup can always find the object
//   2. stream body -> R2 blobs/<id>              -- known length: one put; unknown: multipart in fixed parts
//        in pieces of 1 MiB, each also fed to the hashers; a declared digest rides along to R2's put
//   3. compare the other declared digests; on mismatch (or R2 refusing its digest) delete object + row and fail
//   4. the caller commits package_files rows through the publish coordinator, which fills in the digests
// A crash between 1 and 4 leaves a row with no package_files: the scheduled cleanup removes it and
// its object after the grace period (src/core/cleanup.ts).
import { and, eq, sql } from "drizzle-orm";
import { createDb } from "../db/client";
import { blobs, packageFiles } from "../db/schema";
import type { RangedSource } from "./archive/zip";
import { toHex } from "./auth/secrets";
import { type DigestName, type DigestPlan, type Digests, Hasher, normalizeDeclared, type OptionalDigest, planDigests, readPieces } from "./digests";
import { AppError } from "./errors";

export { DIGEST_ALGORITHMS, type DigestName, type Digests, type OptionalDigest } from "./digests";

export interface StoredBlob extends Digests {
  id: string;
  size: number;
}

/** A blob whose format asked for the digests D: those are never null. */
export type StoredBlobWith<D extends OptionalDigest> = StoredBlob & Record<D, string>;

export interface BlobEnv {
  DB: D1Database;
  BLOBS: R2Bucket;
}

export interface PutBlobOptions<D extends OptionalDigest = OptionalDigest> {
  /** Exact length when known (Content-Length, npm attachment length); null streams in multipart parts. */
  contentLength: number | null;
  maxBytes: number;
  /**
   * The digests the format serves besides sha256 (its responses and GitLab's package_files columns);
   * the others stay null. Default: none.
   */
  digests?: readonly D[];
  /** Digests the client declared (hex); any mismatch fails the upload and keeps nothing. */
  expected?: Partial<Record<DigestName, string>>;
  contentType?: string;
}

/** Size of the parts used for bodies of unknown length (R2 needs equal non-final parts of ≥ 5 MiB). */
export const STREAM_PART_SIZE = 8 * 1024 * 1024;

export const blobKey = (id: string) => `blobs/${id}`;

/** What one put learnt: the digests it computed or R2 vouched for, and the bytes it saw. */
interface PutOutcome {
  digests: Partial<Record<DigestName, string>>;
  size: number;
}

export async function putBlob<D extends OptionalDigest = never>(
  env: BlobEnv,
  body: ReadableStream<Uint8Array> | null,
  options: PutBlobOptions<D>,
): Promise<StoredBlobWith<D>> {
  if (options.contentLength !== null && options.contentLength > options.maxBytes) throw tooLarge(options.maxBytes);
  const declared = normalizeDeclared(options.expected);
  const need = options.digests ?? [];
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
  const counter = { bytes: 0, max: options.maxBytes };
  const httpMetadata = options.contentType ? { contentType: options.contentType } : undefined;
  try {
    const source = body ?? emptyStream();
    const outcome =
      options.contentLength !== null
        ? await putKnownLength(env.BLOBS, key, source, options.contentLength, planDigests(need, declared, true), declared, counter, httpMetadata)
        : await putInParts(env.BLOBS, key, source, (single) => planDigests(need, declared, single), declared, counter, httpMetadata);
    const known = { ...outcome.digests };
    if ((need as readonly DigestName[]).includes("md5") || declared.md5) known.md5 ??= await md5ReadBack(env.BLOBS, key, outcome.size);
    for (const [name, value] of Object.entries(declared) as [DigestName, string][]) {
      if (value !== known[name]) throw new AppError("digest_mismatch", `${name} checksum mismatch: declared ${value}, received ${known[name]}`);
    }
    const pick = (name: OptionalDigest) => ((need as readonly string[]).includes(name) ? (known[name] ?? null) : null);
    return { id, size: outcome.size, sha256: known.sha256!, md5: pick("md5"), sha1: pick("sha1"), sha512: pick("sha512") } as StoredBlobWith<D>;
  } catch (error) {
    await discardBlob(env, id).catch(() => undefined); // cleanup retries whatever this misses
    if (error instanceof AppError) throw error;
    if (counter.bytes > options.maxBytes) throw tooLarge(options.maxBytes);
    if (error instanceof TypeError || /length|stream/i.test(String(error))) {
      throw new AppError("bad_request", "The request body ended early or did not match its Content-Length");
    }
    throw error;
  }
}

/** An R2 put that verifies the declared digest the plan hands it; R2 refusing it is the client's 400. */
async function r2Put(
  bucket: R2Bucket,
  key: string,
  value: ReadableStream | Uint8Array,
  plan: DigestPlan,
  declared: Partial<Record<DigestName, string>>,
  httpMetadata?: R2HTTPMetadata,
): Promise<R2Object | null> {
  const checksum = plan.handToR2 ? { [plan.handToR2]: declared[plan.handToR2] } : {};
  try {
    return await bucket.put(key, value, { httpMetadata, ...checksum });
  } catch (error) {
    // R2: "put: The SHA-256 checksum you specified did not match what we received. … (10037)"
    if (plan.handToR2 && /checksum you specified did not match|\(10037\)/i.test(String((error as Error)?.message ?? error))) {
      throw new AppError("digest_mismatch", `${plan.handToR2} checksum mismatch: declared ${declared[plan.handToR2]}, and the storage refused the bytes received`);
    }
    throw error;
  }
}

/** A body of known length: one R2 put fed in 1 MiB pieces through a FixedLengthStream, which holds it to that length. */
async function putKnownLength(
  bucket: R2Bucket,
  key: string,
  source: ReadableStream<Uint8Array>,
  length: number,
  plan: DigestPlan,
  declared: Partial<Record<DigestName, string>>,
  counter: { bytes: number; max: number },
  httpMetadata?: R2HTTPMetadata,
): Promise<PutOutcome> {
  const hasher = new Hasher(plan.compute);
  const fixed = new FixedLengthStream(length);
  const writer = fixed.writable.getWriter();
  const pump = async () => {
    try {
      let pending: Promise<unknown> = Promise.resolve();
      for await (const piece of readPieces(source)) {
        count(counter, piece);
        await pending; // one piece in flight while the next is read
        pending = Promise.all([writer.write(piece), hasher.update(piece)]);
        pending.catch(() => undefined); // awaited below; observed even if the next read fails first
      }
      await pending;
      await writer.close();
    } catch (error) {
      await writer.abort(error).catch(() => undefined);
      throw error;
    }
  };
  // allSettled: when one side fails the other rejects too, and both must be observed. R2 refusing the
  // declared digest is the answer; otherwise the body's own failure (too large, ended early) is.
  const [pumped, put] = await Promise.allSettled([pump(), r2Put(bucket, key, fixed.readable, plan, declared, httpMetadata)]);
  if (put.status === "rejected" && put.reason instanceof AppError) throw put.reason;
  if (pumped.status === "rejected") throw pumped.reason;
  if (put.status === "rejected") throw put.reason;
  return { digests: { ...(await hasher.finish()), ...vouchedByR2(plan, declared, put.value) }, size: counter.bytes };
}

function count(counter: { bytes: number; max: number }, piece: Uint8Array) {
  counter.bytes += piece.byteLength;
  if (counter.bytes > counter.max) throw new Error("upload exceeds the size limit");
}

/** What a single put's R2 object tells: the digest R2 verified, and the md5 it computes for every single put. */
function vouchedByR2(plan: DigestPlan, declared: Partial<Record<DigestName, string>>, object: R2Object | null): Partial<Record<DigestName, string>> {
  const out: Partial<Record<DigestName, string>> = {};
  if (plan.handToR2) out[plan.handToR2] = declared[plan.handToR2];
  const md5 = object?.checksums.md5;
  if (plan.md5FromR2 && md5) out.md5 = toHex(md5);
  return out;
}

/** md5 when R2 gave none (it does for every single put; this is the safety net): read the object back once. */
async function md5ReadBack(bucket: R2Bucket, key: string, size: number): Promise<string> {
  const digests = await digestStoredObject(bucket, key, size, ["md5"]);
  return digests.md5!;
}

/** Bytes read back per R2 get when hashing a stored object: bounded memory whatever the size. */
export const READ_BACK_RANGE_BYTES = 16 * 1024 * 1024;

/**
 * Hash a stored object by reading it back in ranges (the local R2 simulator holds a whole multipart
 * object per get; ranged gets keep memory flat). Returns the digests and checks the size it read.
 */
export async function digestStoredObject(bucket: R2Bucket, key: string, size: number, names: readonly DigestName[]): Promise<Partial<Record<DigestName, string>>> {
  const hasher = new Hasher(names);
  let read = 0;
  for (let offset = 0; offset < size; offset += READ_BACK_RANGE_BYTES) {
    const object = await bucket.get(key, { range: { offset, length: Math.min(READ_BACK_RANGE_BYTES, size - offset) } });
    if (!object) throw new AppError("internal", "500 Internal Server Error - a stored file is missing from the blob store");
    for await (const piece of readPieces(object.body)) {
      read += piece.byteLength;
      await hasher.update(piece);
    }
  }
  if (read !== size) throw new AppError("digest_mismatch", `400 Bad request - size mismatch: expected ${size}, read ${read}`);
  return hasher.finish();
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

/**
 * Store a body of unknown length without holding it whole: equal parts through R2 multipart, each part
 * hashed as it goes (multipart gets no digest from R2). A body that fits in one part is one put instead,
 * which verifies a declared digest and returns md5 like any single put.
 */
async function putInParts(
  bucket: R2Bucket,
  key: string,
  source: ReadableStream<Uint8Array>,
  planFor: (singlePut: boolean) => DigestPlan,
  declared: Partial<Record<DigestName, string>>,
  counter: { bytes: number; max: number },
  httpMetadata?: R2HTTPMetadata,
): Promise<PutOutcome> {
  let upload: R2MultipartUpload | null = null;
  let hasher: Hasher | null = null;
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
  const sendPart = async (bytes: Uint8Array) => {
    upload ??= await bucket.createMultipartUpload(key, { httpMetadata });
    hasher ??= new Hasher(planFor(false).compute);
    await hasher.update(bytes);
    parts.push(await upload.uploadPart(parts.length + 1, bytes));
  };
  try {
    for await (const piece of readPieces(source)) {
      count(counter, piece);
      pending.push(piece);
      pendingBytes += piece.byteLength;
      // More than a part buffered: the part is not the last, so it goes as a multipart part.
      while (pendingBytes > STREAM_PART_SIZE) await sendPart(take(STREAM_PART_SIZE));
    }
    if (!upload) {
      const plan = planFor(true);
      const bytes = take(pendingBytes);
      const single = new Hasher(plan.compute);
      await single.update(bytes);
      const object = await r2Put(bucket, key, bytes, plan, declared, httpMetadata);
      return { digests: { ...(await single.finish()), ...vouchedByR2(plan, declared, object) }, size: counter.bytes };
    }
    if (pendingBytes > 0) await sendPart(take(pendingBytes));
    await (upload as R2MultipartUpload).complete(parts);
    return { digests: await (hasher as Hasher | null)!.finish(), size: counter.bytes };
  } catch (error) {
    await (upload as R2MultipartUpload | null)?.abort().catch(() => undefined);
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
