// A version's `.mod` is its zip's go.mod, never stored twice: the upload records where go.mod's data sits
// inside the zip (offset, sizes, method, sha256) in the zip file's metadata, and a `.mod` read streams
// that one range of the stored zip and inflates it. A module without go.mod gets `module <path>`, as the go
// command synthesises it. Spec: https://go.dev/ref/mod#goproxy-protocol (`$base/$module/@v/$version.mod`)
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { inflateEntry } from "../../core/archive";
import type { PackageFileRow } from "../../core/registry";

/** Where go.mod's bytes are inside the stored zip; kept as `go_mod` in the zip file's metadata. */
export interface GoModLocation {
  data_offset: number;
  compressed_size: number;
  size: number;
  method: number;
  sha256: string;
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

export function goModLocationOf(metadata: Record<string, unknown>): GoModLocation | null {
  const value = metadata.go_mod as Partial<GoModLocation> | null | undefined;
  if (!value || typeof value !== "object") return null;
  const { data_offset, compressed_size, size, method, sha256 } = value;
  if (!isCount(data_offset) || !isCount(compressed_size) || !isCount(size) || !isCount(method) || typeof sha256 !== "string") return null;
  return { data_offset, compressed_size, size, method, sha256 };
}

/** What the go command uses as the .mod of a module whose zip has no go.mod. */
export const synthesizedGoMod = (modulePath: string) => `module ${modulePath}\n`;

export async function serveGoMod(c: Context<AppEnv>, zip: PackageFileRow, modulePath: string, version: string, cacheControl: string): Promise<Response> {
  const location = goModLocationOf(zip.metadata);
  const synthesized = location ? null : new TextEncoder().encode(synthesizedGoMod(modulePath));
  const sha256 = location?.sha256 ?? (await hex(synthesized!));
  const size = location?.size ?? synthesized!.byteLength;
  const headers = new Headers({
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": String(size),
    "Cache-Control": cacheControl,
    ETag: `"${sha256}"`,
    "X-Checksum-SHA256": sha256,
    "Content-Disposition": `attachment; filename="${version}.mod"`,
  });
  const ifNoneMatch = c.req.header("if-none-match");
  if (ifNoneMatch?.split(",").some((t) => t.trim().replace(/^W\//, "") === `"${sha256}"`)) return new Response(null, { status: 304, headers });
  if (c.req.method === "HEAD") return new Response(null, { status: 200, headers });
  if (synthesized) return new Response(synthesized, { status: 200, headers });
  const body = await c.var.registry.blobSource({ id: zip.blobId, size: zip.size }).stream(location!.data_offset, location!.compressed_size);
  // A known length, so the response (and the edge cache) carries Content-Length while it streams.
  const fixed = new FixedLengthStream(size);
  inflateEntry(body, { method: location!.method, uncompressedSize: size })
    .pipeTo(fixed.writable)
    .catch(() => undefined); // a corrupt range ends the response early; the upload checked it inflates
  return new Response(fixed.readable, { status: 200, headers });
}

async function hex(bytes: Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}
