// The pull-through cache: what forwarding fetched is kept (R2 through the blob store, one cached_files row
// per file or metadata document, written through the publish coordinator of `cache/<format>/<name>`), so a
// second install does not leave Packyard and still works while the upstream is down.
//
//   forwardedMetadata(name):  fresh row (fetched within the lifetime) → its document            HIT
//                             else fetch upstream → store → its document                        MISS
//                             upstream failing (502/504) and a row exists → the old document    STALE
//                             upstream says 404 → null
//   forwardedFile(name, file): row → it                                                         HIT
//                             else fetch → stream into R2 verifying the upstream's digest → row  MISS
//                             (a digest mismatch keeps nothing and is a 502: the upstream lied)
// Rows are never packages: no project owns them, no package list shows them; local packages always win
// because forwarding only starts after a local miss (./decide.ts).
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { blobs, cachedFiles } from "../../db/schema";
import type { Bindings } from "../../env";
import { blobKey, putBlob, type DigestName, type StoredBlobWith } from "../blobs";

/** A cached copy keeps every digest, whichever format serves it later (cached_files columns are not null). */
const CACHED_DIGESTS = ["md5", "sha1", "sha512"] as const;
type CachedBlob = StoredBlobWith<(typeof CACHED_DIGESTS)[number]>;
import { AppError } from "../errors";
import { fetchUpstream, readUpstreamText, type Upstream } from "./upstream";

export type CachedFile = typeof cachedFiles.$inferSelect;
export type CacheEnv = Pick<Bindings, "DB" | "BLOBS" | "PUBLISH_COORDINATOR" | "FORWARDING_METADATA_TTL_SECONDS">;

/** How the answer was found: kept and fresh, fetched now, or kept while the upstream fails. */
export type CacheState = "HIT" | "MISS" | "STALE";

const DEFAULT_METADATA_TTL_SECONDS = 300;
/** A metadata document is read whole (and parsed): bounded well inside a Worker's 128 MB. */
const MAX_METADATA_BYTES = 16 * 1024 * 1024;
const MAX_FILE_BYTES = 5 * 1024 ** 3;

export const metadataLifetimeMs = (env: CacheEnv) => (Number(env.FORWARDING_METADATA_TTL_SECONDS) || DEFAULT_METADATA_TTL_SECONDS) * 1000;

export async function getCachedFile(db: Db, packageType: string, normalizedName: string, fileName: string): Promise<CachedFile | null> {
  const row = await db
    .select()
    .from(cachedFiles)
    .where(and(eq(cachedFiles.packageType, packageType), eq(cachedFiles.normalizedName, normalizedName), eq(cachedFiles.fileName, fileName)))
    .get();
  return row ?? null;
}

/** The metadata documents kept for any of these names (PyPI finds a file's name this way). */
export async function getCachedMetadataOf(db: Db, packageType: string, names: string[]): Promise<CachedFile[]> {
  if (names.length === 0) return [];
  return db
    .select()
    .from(cachedFiles)
    .where(and(eq(cachedFiles.packageType, packageType), inArray(cachedFiles.normalizedName, names.slice(0, 50)), eq(cachedFiles.fileName, "")))
    .all();
}

export async function readCachedText(env: CacheEnv, row: CachedFile): Promise<string> {
  const object = await env.BLOBS.get(blobKey(row.blobId));
  if (!object) throw new AppError("internal", "a cached document is missing its bytes");
  return object.text();
}

export interface MetadataRequest {
  packageType: string;
  normalizedName: string;
  /** The cache key of the document: "" for a name's metadata, a path for Maven's metadata files. */
  fileName: string;
  url: string;
  headers?: Record<string, string>;
  /** Turn the upstream's text into what is kept (a PyPI page becomes its JSON); throw bad_gateway when unusable. */
  keep?: (text: string, url: string) => string;
}

export async function forwardedMetadata(env: CacheEnv, db: Db, upstream: Upstream, request: MetadataRequest, now = Date.now()): Promise<{ text: string; state: CacheState } | null> {
  const kept = await getCachedFile(db, request.packageType, request.normalizedName, request.fileName);
  if (kept && now - kept.fetchedAt.getTime() < metadataLifetimeMs(env)) return { text: await readCachedText(env, kept), state: "HIT" };
  let text: string;
  try {
    const answer = await fetchUpstream(upstream, request.url, { headers: request.headers }, { wholeBody: true });
    if (!answer) return null;
    const raw = await readUpstreamText(upstream, answer, MAX_METADATA_BYTES);
    text = request.keep ? request.keep(raw, answer.response.url || request.url) : raw;
  } catch (error) {
    if (kept && error instanceof AppError && (error.code === "bad_gateway" || error.code === "gateway_timeout")) {
      return { text: await readCachedText(env, kept), state: "STALE" };
    }
    throw error;
  }
  const bytes = new TextEncoder().encode(text);
  const blob = await putBlob(env, new Blob([bytes]).stream(), { contentLength: bytes.byteLength, maxBytes: MAX_METADATA_BYTES, contentType: "application/octet-stream", digests: CACHED_DIGESTS });
  await commitCached(env, { ...request, blob, upstreamUrl: request.url, replace: true });
  return { text, state: "MISS" };
}

export interface FileRequest {
  packageType: string;
  normalizedName: string;
  fileName: string;
  url: string;
  /** The upstream's own digests of the file (hex); the bytes must match every one given. */
  expected: Partial<Record<DigestName, string>>;
}

export async function forwardedFile(env: CacheEnv, db: Db, upstream: Upstream, request: FileRequest): Promise<{ file: CachedFile; state: CacheState } | null> {
  const kept = await getCachedFile(db, request.packageType, request.normalizedName, request.fileName);
  if (kept) return { file: kept, state: "HIT" };
  if (Object.keys(request.expected).length === 0) throw new AppError("bad_gateway", `502 Bad Gateway - the upstream ${upstream.base} gives no checksum for ${request.fileName}: not forwarded`);
  const answer = await fetchUpstream(upstream, request.url);
  if (!answer) return null;
  const length = Number(answer.response.headers.get("content-length"));
  let blob: CachedBlob;
  try {
    blob = await putBlob(env, answer.response.body, { contentLength: Number.isFinite(length) && length > 0 ? length : null, maxBytes: MAX_FILE_BYTES, expected: request.expected, digests: CACHED_DIGESTS });
  } catch (error) {
    if (error instanceof AppError && error.code === "digest_mismatch") {
      throw new AppError("bad_gateway", `502 Bad Gateway - the upstream ${upstream.base} sent ${request.fileName} with a checksum other than the one it published: refused`);
    }
    if (error instanceof AppError) throw error;
    throw new AppError("bad_gateway", `502 Bad Gateway - the upstream ${upstream.base} broke off while sending ${request.fileName}`);
  }
  return { file: await commitCached(env, { ...request, blob, upstreamUrl: request.url, replace: false }), state: "MISS" };
}

export interface CacheCommit {
  packageType: string;
  normalizedName: string;
  fileName: string;
  blob: CachedBlob;
  upstreamUrl: string;
  /** Metadata replaces what was kept; a file keeps the first copy (the new blob is left to the cleanup). */
  replace: boolean;
}

export type CacheCommitResult = { ok: true; file: CachedFile } | { ok: false; message: string };

/** Through the coordinator of `cache/<format>/<name>`, queued with nothing else of that name. */
async function commitCached(env: CacheEnv, request: CacheCommit): Promise<CachedFile> {
  const stub = env.PUBLISH_COORDINATOR.getByName(`cache/${request.packageType}/${request.normalizedName}`);
  const result = (await stub.cache(request)) as CacheCommitResult;
  if (!result.ok) throw new AppError("internal", result.message);
  return result.file;
}

/** Inside the coordinator: keep the row (files) or point it at the new blob (metadata), digests filled in, one batch. */
export async function planCacheCommit(db: Db, request: CacheCommit): Promise<CachedFile> {
  const { blob } = request;
  const existing = await getCachedFile(db, request.packageType, request.normalizedName, request.fileName);
  if (existing && !request.replace) return existing;
  const values = {
    packageType: request.packageType,
    normalizedName: request.normalizedName,
    fileName: request.fileName,
    blobId: blob.id,
    size: blob.size,
    md5: blob.md5,
    sha1: blob.sha1,
    sha256: blob.sha256,
    sha512: blob.sha512,
    upstreamUrl: request.upstreamUrl,
    fetchedAt: new Date(),
  };
  const [, rows] = await db.batch([
    db.update(blobs).set({ size: blob.size, md5: blob.md5, sha1: blob.sha1, sha256: blob.sha256, sha512: blob.sha512 }).where(eq(blobs.id, blob.id)),
    db
      .insert(cachedFiles)
      .values(values)
      .onConflictDoUpdate({ target: [cachedFiles.packageType, cachedFiles.normalizedName, cachedFiles.fileName], set: values })
      .returning(),
  ]);
  return rows[0]!;
}
