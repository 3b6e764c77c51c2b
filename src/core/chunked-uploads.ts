// Resumable uploads of files larger than one Worker request body, on R2 multipart uploads. Any format
// can offer them: its routes authorise, describe what the file becomes (`target`), and commit it.
// Spec: ../shared/reference/cloudflare.md §2 (equal non-final parts ≥ 5 MiB, ≤ 10,000 parts).
//
//   start     insert blobs(id) → R2 createMultipartUpload(blobs/<id>) → insert upload_sessions(open)
//   part n    stream the body (exactly the part's length) into uploadPart(n); record {n, etag, size}
//             with one atomic UPDATE (a retried part replaces its earlier record)
//   complete  every part present → R2 complete (or find the object an interrupted complete assembled)
//             → read it back through sha256 and the format's digests → sha256 and size must match (else aborted,
//             blob discarded) → claim the session (open → completed, conditional) → the caller
//             commits through the coordinator; a failed commit marks it aborted (a refused commit has
//             discarded the blob; an ambiguous one leaves it to the scheduled cleanup)
//   abort     open → aborted, R2 abort, discard the blob
// Open sessions older than BLOB_GRACE_SECONDS are aborted by the scheduled cleanup (src/core/cleanup.ts).
import { and, eq, sql } from "drizzle-orm";
import { createDb } from "../db/client";
import { blobs, uploadSessions } from "../db/schema";
import type { Actor } from "./auth/actor";
import { blobKey, digestStoredObject, discardBlob, type BlobEnv, type OptionalDigest, type StoredBlobWith } from "./blobs";
import { AppError } from "./errors";
import { authorOf } from "./registry";

export type UploadSession = typeof uploadSessions.$inferSelect;
export type UploadedPart = UploadSession["parts"][number];

export const MIN_PART_SIZE = 5 * 1024 * 1024;
/** Stays under the smallest plan's 100 MB request body. */
export const MAX_PART_SIZE = 95 * 1024 * 1024;
export const DEFAULT_PART_SIZE = 64 * 1024 * 1024;
export const MAX_PARTS = 10_000;

export interface StartUploadOptions {
  projectId: number;
  totalSize: number;
  sha256: string;
  /** Requested part size; raised when the file would need more than 10,000 parts. */
  partSize?: number;
  maxBytes: number;
  target: Record<string, unknown>;
  /** Who starts it: the session records its creator as a commit would (authorOf), never a format. */
  actor: Actor;
}

/** The part size for a file: the requested (or default) size, within R2's limits. Pure. */
export function choosePartSize(totalSize: number, requested?: number): number {
  const wanted = requested ?? DEFAULT_PART_SIZE;
  if (!Number.isInteger(wanted) || wanted < MIN_PART_SIZE || wanted > MAX_PART_SIZE) {
    throw new AppError("bad_request", `400 Bad request - part_size must be between ${MIN_PART_SIZE} and ${MAX_PART_SIZE} bytes`);
  }
  const smallestFitting = Math.ceil(totalSize / MAX_PARTS);
  if (smallestFitting > MAX_PART_SIZE) throw new AppError("payload_too_large", "413 File is too large for a chunked upload");
  return Math.max(wanted, smallestFitting);
}

export function partCount(session: Pick<UploadSession, "totalSize" | "partSize">): number {
  return Math.max(1, Math.ceil(session.totalSize / session.partSize));
}

/** The exact length part n must have: every part but the last is partSize long. Pure. */
export function expectedPartLength(session: Pick<UploadSession, "totalSize" | "partSize">, partNumber: number): number {
  const count = partCount(session);
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > count) {
    throw new AppError("bad_request", `400 Bad request - part number must be between 1 and ${count}`);
  }
  return partNumber < count ? session.partSize : session.totalSize - (count - 1) * session.partSize;
}

/** Part numbers not uploaded yet. Pure. */
export function missingParts(session: Pick<UploadSession, "totalSize" | "partSize" | "parts">): number[] {
  const have = new Set(session.parts.map((p) => p.partNumber));
  const out: number[] = [];
  for (let n = 1; n <= partCount(session); n++) if (!have.has(n)) out.push(n);
  return out;
}

export async function startUpload(env: BlobEnv, options: StartUploadOptions): Promise<UploadSession> {
  if (!Number.isSafeInteger(options.totalSize) || options.totalSize < 1) throw new AppError("bad_request", "400 Bad request - size must be a positive integer");
  if (options.totalSize > options.maxBytes) throw new AppError("payload_too_large", `413 File is too large: the limit is ${options.maxBytes} bytes`);
  if (!/^[0-9a-f]{64}$/i.test(options.sha256)) throw new AppError("bad_request", "400 Bad request - sha256 must be 64 hexadecimal characters");
  const partSize = choosePartSize(options.totalSize, options.partSize);
  const db = createDb(env.DB);
  const blobId = crypto.randomUUID();
  await db.insert(blobs).values({ id: blobId }).run(); // first, so cleanup can always find the object
  let upload: R2MultipartUpload;
  try {
    upload = await env.BLOBS.createMultipartUpload(blobKey(blobId), { httpMetadata: { contentType: "application/octet-stream" } });
  } catch (error) {
    await discardBlob(env, blobId).catch(() => undefined);
    throw error;
  }
  const [session] = await db
    .insert(uploadSessions)
    .values({
      id: crypto.randomUUID(),
      projectId: options.projectId,
      blobId,
      r2UploadId: upload.uploadId,
      partSize,
      totalSize: options.totalSize,
      expectedSha256: options.sha256.toLowerCase(),
      parts: [],
      state: "open",
      target: options.target,
      creatorId: authorOf(options.actor).creatorId,
    })
    .returning();
  if (!session) throw new AppError("internal", "upload session insert returned no row");
  return session;
}

/** A session of this project, or 404 (ids of other projects' sessions do not leak). */
export async function getUpload(env: BlobEnv, projectId: number, id: string): Promise<UploadSession> {
  const row = await createDb(env.DB)
    .select()
    .from(uploadSessions)
    .where(and(eq(uploadSessions.id, id), eq(uploadSessions.projectId, projectId)))
    .get();
  if (!row) throw new AppError("not_found", "404 Upload Not Found");
  return row;
}

function requireOpen(session: UploadSession) {
  if (session.state !== "open") throw new AppError("conflict", `409 Conflict - the upload is ${session.state}`);
}

/**
 * Stream one part into R2. `contentLength` is the request's declared length (null when chunked): it
 * must equal the part's length, which R2's equal-part rule needs; a chunked body is held to it too.
 */
export async function putPart(
  env: BlobEnv,
  session: UploadSession,
  partNumber: number,
  body: ReadableStream<Uint8Array> | null,
  contentLength: number | null,
): Promise<UploadedPart> {
  requireOpen(session);
  const length = expectedPartLength(session, partNumber);
  if (contentLength !== null && contentLength !== length) {
    throw new AppError("bad_request", `400 Bad request - part ${partNumber} must be exactly ${length} bytes, got ${contentLength}`);
  }
  if (!body) throw new AppError("bad_request", "400 Bad request - the part has no body");
  const upload = env.BLOBS.resumeMultipartUpload(blobKey(session.blobId), session.r2UploadId);
  let value: ReadableStream<Uint8Array> = body;
  let piping: Promise<void> = Promise.resolve();
  if (contentLength === null) {
    // A body of unknown length reaches R2 only through a FixedLengthStream, which also fails it if it is too short or long.
    const fixed = new FixedLengthStream(length);
    piping = body.pipeTo(fixed.writable);
    value = fixed.readable;
  }
  let uploaded: R2UploadedPart;
  try {
    const settled = await Promise.allSettled([upload.uploadPart(partNumber, value), piping]);
    const failed = settled.find((s) => s.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    uploaded = (settled[0] as PromiseFulfilledResult<R2UploadedPart>).value;
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof TypeError || /length|stream/i.test(String(error))) {
      throw new AppError("bad_request", `400 Bad request - part ${partNumber} ended early or was longer than ${length} bytes`);
    }
    throw error;
  }
  const part: UploadedPart = { partNumber, etag: uploaded.etag, size: length };
  // One statement: drop an earlier record of this part number, append the new one (parallel parts do not lose updates).
  const updated = await createDb(env.DB)
    .update(uploadSessions)
    .set({
      parts: sql`json_insert(coalesce((SELECT json_group_array(json(value)) FROM json_each(${uploadSessions.parts}) WHERE json_extract(value, '$.partNumber') != ${partNumber}), '[]'), '$[#]', json(${JSON.stringify(part)}))`,
    })
    .where(and(eq(uploadSessions.id, session.id), eq(uploadSessions.state, "open")))
    .returning({ id: uploadSessions.id });
  if (updated.length === 0) throw new AppError("conflict", "409 Conflict - the upload was completed or aborted meanwhile");
  return part;
}

/**
 * Assemble the parts, verify the whole file against the declared sha256 (reading it back from R2:
 * CPU proportional to the size, see docs/formats/generic.md), then let `commit` make it visible.
 * The session stays open until the file is verified, so a `complete` cut off by a Worker restart can
 * simply be sent again (the assembled object is found and verified again); it is claimed
 * (open → completed, conditional) only right before the commit, so two concurrent completes cannot
 * both publish it.
 */
export async function completeUpload<T, D extends OptionalDigest = never>(
  env: BlobEnv,
  session: UploadSession,
  /** The digests the format serves besides sha256 (see putBlob). */
  digests: readonly D[],
  commit: (blob: StoredBlobWith<D>) => Promise<T>,
): Promise<T> {
  requireOpen(session);
  const missing = missingParts(session);
  if (missing.length > 0) {
    throw new AppError("bad_request", `400 Bad request - missing parts: ${missing.slice(0, 20).join(", ")}${missing.length > 20 ? ", …" : ""}`);
  }
  await assemble(env, session);
  const db = createDb(env.DB);
  let blob: StoredBlobWith<D>;
  try {
    blob = await verifyAssembled(env, session, digests);
  } catch (error) {
    if (error instanceof AppError && error.code === "digest_mismatch" && (await setState(db, session.id, "open", "aborted"))) {
      await discardBlob(env, session.blobId).catch(() => undefined);
    }
    throw error;
  }
  if (!(await setState(db, session.id, "open", "completed"))) {
    throw new AppError("conflict", "409 Conflict - the upload was completed or aborted meanwhile");
  }
  try {
    return await commit(blob);
  } catch (error) {
    // A refused commit already discarded the blob (commitPackage). Any other failure may be an ambiguous
    // commit that still lands and references it, so the blob is left to the scheduled cleanup.
    await setState(db, session.id, "completed", "aborted");
    throw error;
  }
}

/** R2 complete; when an earlier, interrupted complete already assembled the object, that object is used. */
async function assemble(env: BlobEnv, session: UploadSession): Promise<void> {
  const key = blobKey(session.blobId);
  const parts = [...session.parts].sort((a, b) => a.partNumber - b.partNumber).map((p) => ({ partNumber: p.partNumber, etag: p.etag }));
  try {
    await env.BLOBS.resumeMultipartUpload(key, session.r2UploadId).complete(parts);
  } catch (error) {
    const existing = await env.BLOBS.head(key);
    if (existing && existing.size === session.totalSize) return;
    // The parts are still in R2: the client may retry or send a part again.
    throw new AppError("bad_request", `400 Bad request - the parts could not be assembled: ${String((error as Error)?.message ?? error)}`);
  }
}

/**
 * Read the assembled object back once (ranged gets, flat memory; see digestStoredObject) through sha256
 * and the format's digests: CPU proportional to the size, see docs/formats/generic.md. Parts may arrive
 * in any order and R2 multipart verifies no whole-object digest, so this read is what checks the sha256.
 */
async function verifyAssembled<D extends OptionalDigest>(env: BlobEnv, session: UploadSession, need: readonly D[]): Promise<StoredBlobWith<D>> {
  const key = blobKey(session.blobId);
  const head = await env.BLOBS.head(key);
  if (!head) throw new AppError("internal", "500 Internal Server Error - the assembled upload is missing");
  if (head.size !== session.totalSize) {
    throw new AppError("digest_mismatch", `400 Bad request - size mismatch: declared ${session.totalSize}, received ${head.size}`);
  }
  const digests = await digestStoredObject(env.BLOBS, key, head.size, ["sha256", ...need]);
  if (digests.sha256 !== session.expectedSha256) {
    throw new AppError("digest_mismatch", `400 Bad request - sha256 checksum mismatch: declared ${session.expectedSha256}, received ${digests.sha256}`);
  }
  const pick = (name: OptionalDigest) => ((need as readonly string[]).includes(name) ? (digests[name] ?? null) : null);
  return { id: session.blobId, size: head.size, sha256: session.expectedSha256, md5: pick("md5"), sha1: pick("sha1"), sha512: pick("sha512") } as StoredBlobWith<D>;
}

export async function abortUpload(env: BlobEnv, session: UploadSession): Promise<void> {
  requireOpen(session);
  const claimed = await setState(createDb(env.DB), session.id, "open", "aborted");
  if (!claimed) throw new AppError("conflict", "409 Conflict - the upload was completed or aborted meanwhile");
  await env.BLOBS.resumeMultipartUpload(blobKey(session.blobId), session.r2UploadId).abort().catch(() => undefined);
  await discardBlob(env, session.blobId).catch(() => undefined); // cleanup retries whatever this misses
}

async function setState(db: ReturnType<typeof createDb>, id: string, from: UploadSession["state"], to: UploadSession["state"]): Promise<boolean> {
  const rows = await db
    .update(uploadSessions)
    .set({ state: to })
    .where(and(eq(uploadSessions.id, id), eq(uploadSessions.state, from)))
    .returning({ id: uploadSessions.id });
  return rows.length > 0;
}
