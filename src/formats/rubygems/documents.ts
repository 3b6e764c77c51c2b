// Generated index documents as HTTP responses: built once per request (or taken from the edge cache, whole),
// then answered with the conditional and partial forms the clients send. Bundler keeps the compact index
// files and asks for what was appended (`Range: bytes=<size-1>-` with `If-None-Match: "<md5>"`), checking
// the result against the ETag, which is the MD5 of the whole file as rubygems.org serves it.
// Spec: https://guides.rubygems.org/rubygems-org-compact-index-api/, RFC 9110 §13–14, RFC 9530 (Repr-Digest).
import { toHex } from "../../core/auth/secrets";

export interface GeneratedDocument {
  body: Uint8Array;
  contentType: string;
}

const INDEX_CACHE_CONTROL = "max-age=0, must-revalidate";

async function digest(algorithm: "MD5" | "SHA-256", bytes: Uint8Array): Promise<ArrayBuffer> {
  return crypto.subtle.digest(algorithm, bytes);
}

export const md5Hex = async (bytes: Uint8Array) => toHex(await digest("MD5", bytes));

/** The whole document: ETag (quoted MD5), Repr-Digest, Accept-Ranges. */
export async function documentResponse(doc: GeneratedDocument): Promise<Response> {
  const [md5, sha256] = await Promise.all([digest("MD5", doc.body), digest("SHA-256", doc.body)]);
  const base64 = btoa(String.fromCharCode(...new Uint8Array(sha256)));
  return new Response(doc.body, {
    headers: {
      "Content-Type": doc.contentType,
      "Content-Length": String(doc.body.byteLength),
      ETag: `"${toHex(md5)}"`,
      "Repr-Digest": `sha-256=:${base64}:`,
      "Accept-Ranges": "bytes",
      "Cache-Control": INDEX_CACHE_CONTROL,
    },
  });
}

/**
 * `If-None-Match` → 304; `Range: bytes=a-[b]` → 206 (416 past the end, which Bundler answers by fetching
 * the whole file); HEAD → no body. Other responses (errors) pass through.
 */
export async function conditionalResponse(request: Request, full: Response): Promise<Response> {
  if (full.status !== 200) return full;
  const headers = new Headers(full.headers);
  const etag = headers.get("etag");
  const ifNoneMatch = request.headers.get("if-none-match");
  if (etag && ifNoneMatch?.split(",").some((t) => t.trim() === "*" || t.trim().replace(/^W\//, "") === etag)) {
    await full.body?.cancel();
    headers.delete("content-length");
    return new Response(null, { status: 304, headers });
  }
  const range = request.headers.get("range");
  const head = request.method === "HEAD";
  if (!range) return head ? new Response(null, { status: 200, headers }) : full;
  const body = new Uint8Array(await full.arrayBuffer());
  const match = /^bytes=(\d+)-(\d*)$/.exec(range.trim());
  if (!match) return new Response(head ? null : body, { status: 200, headers });
  const start = Number(match[1]);
  const end = match[2] ? Math.min(Number(match[2]), body.byteLength - 1) : body.byteLength - 1;
  if (start >= body.byteLength || end < start) {
    headers.set("Content-Range", `bytes */${body.byteLength}`);
    headers.delete("content-length");
    return new Response(null, { status: 416, headers });
  }
  const part = body.subarray(start, end + 1);
  headers.set("Content-Range", `bytes ${start}-${end}/${body.byteLength}`);
  headers.set("Content-Length", String(part.byteLength));
  return new Response(head ? null : part, { status: 206, headers });
}

/** gzip (specs indexes) or zlib deflate (quick gemspecs), in memory: these documents are small. */
export async function compress(bytes: Uint8Array, format: "gzip" | "deflate"): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream(format));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
