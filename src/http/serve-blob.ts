// Streams a stored file from R2 to the client with ETag, Content-Length, Range (206/416) and HEAD.
import { blobKey } from "../core/blobs";
import { AppError } from "../core/errors";
import { IsolateMemo } from "../core/isolate-memo";
import { DOWNLOADED_PACKAGE_HEADER } from "./downloads";

/**
 * Small stored files this isolate has served, by blob id. A blob's bytes never change (a new upload is a new
 * blob), and the caller has already found the file's row and authorised the read in D1, so a remembered copy
 * only saves the trip to R2; it never serves anything D1 did not just allow.
 */
const smallBlobs = new IsolateMemo<ArrayBuffer>(4_000, 16 * 1024 * 1024);
const MEMO_ENTRY_BYTES = 1024 * 1024;
const MEMO_MS = 10 * 60 * 1000;

export interface ServableFile {
  blobId: string;
  fileName: string;
  size: number;
  sha256: string;
  /** Null when the file's format does not keep it (src/core/digests.ts): no header then. */
  md5?: string | null;
  sha1?: string | null;
  /** The package the file belongs to: its download is noted (`last_downloaded_at`, src/http/downloads.ts). */
  packageId?: number;
}

export interface ServeOptions {
  contentType?: string;
  cacheControl?: string;
  extraHeaders?: Record<string, string>;
}

export async function serveBlob(bucket: R2Bucket, request: Request, file: ServableFile, options: ServeOptions = {}): Promise<Response> {
  const etag = `"${file.sha256}"`;
  const headers = new Headers({
    "Content-Type": options.contentType ?? "application/octet-stream",
    ETag: etag,
    "Accept-Ranges": "bytes",
    "Cache-Control": options.cacheControl ?? "private, max-age=0, must-revalidate",
    ...(options.extraHeaders ?? {}),
  });
  if (file.packageId !== undefined && request.method === "GET") headers.set(DOWNLOADED_PACKAGE_HEADER, String(file.packageId));
  if (file.sha1) headers.set("X-Checksum-SHA1", file.sha1);
  if (file.md5) headers.set("X-Checksum-MD5", file.md5);
  headers.set("X-Checksum-SHA256", file.sha256);
  // Always a download, never a page: package bytes are other people's (see src/http/inert.ts).
  headers.set("Content-Disposition", contentDisposition(file.fileName));

  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch && (ifNoneMatch === "*" || ifNoneMatch.split(",").some((t) => t.trim().replace(/^W\//, "") === etag))) {
    return new Response(null, { status: 304, headers });
  }
  const range = parseRange(request.headers.get("range"), file.size);
  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${file.size}`);
    return new Response(null, { status: 416, headers });
  }
  if (request.method === "HEAD") {
    headers.set("Content-Length", String(file.size));
    return new Response(null, { status: 200, headers });
  }
  const memoable = !range && file.size <= MEMO_ENTRY_BYTES;
  if (memoable) {
    const remembered = smallBlobs.get(file.blobId);
    if (remembered) {
      headers.set("Content-Length", String(file.size));
      return new Response(remembered, { status: 200, headers });
    }
  }
  const object = await bucket.get(blobKey(file.blobId), range ? { range: { offset: range.start, length: range.end - range.start + 1 } } : {});
  if (!object) throw new AppError("not_found", "404 File Not Found");
  if (memoable) {
    const bytes = await object.arrayBuffer();
    smallBlobs.set(file.blobId, bytes, Date.now() + MEMO_MS, bytes.byteLength);
    headers.set("Content-Length", String(bytes.byteLength));
    return new Response(bytes, { status: 200, headers });
  }
  if (range) {
    headers.set("Content-Range", `bytes ${range.start}-${range.end}/${file.size}`);
    headers.set("Content-Length", String(range.end - range.start + 1));
    return new Response(object.body, { status: 206, headers });
  }
  headers.set("Content-Length", String(file.size));
  return new Response(object.body, { status: 200, headers });
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range; several ranges are answered whole (allowed by RFC 9110). */
function parseRange(header: string | null, size: number): { start: number; end: number } | null | "unsatisfiable" {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null;
  let start: number;
  let end: number;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0) return "unsatisfiable";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return "unsatisfiable";
  return { start, end };
}

/** `attachment` with an ASCII fallback name and the exact name in RFC 6266's filename*. */
function contentDisposition(fileName: string): string {
  const base = (fileName.split("/").pop() ?? fileName) || "download";
  const ascii = base.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(base)}`;
}
