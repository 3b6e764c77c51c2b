// The symbol server: portable .pdb files taken out of a pushed .snupkg (each inflated from R2 straight into its own
// blob, never held whole) and served by their SSQP key with the debugger's `Symbolchecksum` header.
//
//   push .snupkg: for each *.pdb entry: inflate → blob, on the way: signature (GUID of the PDB id + FFFFFFFF) and
//     checksum (SHA-256 of the file with its 20-byte PDB id zeroed, GitLab's ExtractSignatureAndChecksumService)
//   index: one hidden package per PDB, named `symbols/<signature>/<file>` (the core has no lookup by file metadata),
//     holding the .pdb and naming the version it belongs to; hidden packages are never listed nor installed
//   GET symbolfiles/<file>/<signature>/<file> + Symbolchecksum: SHA256:<hex>: the index row's .pdb whose checksum
//     matches, served only while the version it came with still exists
// Spec: gitlab-spec.md §4 (symbolfiles); https://github.com/dotnet/symstore/blob/main/docs/specs/SSQP_Key_Conventions.md
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { entryStream, type ZipEntry } from "../../core/archive";
import type { StoredBlob } from "../../core/blobs";
import { badRequest } from "../../core/errors";
import type { NewFile } from "../../core/publish/types";
import { missIn, type ProjectContext, type ReadScope } from "../../core/registry";
import { withEdgeCache } from "../../http/edge-cache";
import { maxUploadBytes } from "../../http/request-body";
import { serveBlob } from "../../http/serve-blob";
import { archiveOf, asClientError } from "./manifest";
import { NUGET, versionIn } from "./package";
import type { NugetEndpoint } from "./paths";
import { lowerId } from "./versions";

/** The PDB id lies in the first 256 bytes; the checksum zeroes it within the first 16 KiB (GitLab's chunking). */
const ID_WINDOW = 256;
const HEAD_BYTES = 16 * 1024;
const ID_LENGTH = 20;
const MAX_PDBS = 100;
/** Inflated bytes a symbol package may expand to (a small deflate bomb must not fill R2). */
const MAX_PDB_TOTAL = 1024 * 1024 * 1024;

export interface StoredPdb {
  blob: StoredBlob;
  fileName: string;
  signature: string;
  checksum: string;
}

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

/** GitLab's reading of the PDB id: 20 bytes, 7 after the first `Blob` (the #Pdb stream follows the stream headers). */
function pdbIdOf(head: Uint8Array): Uint8Array | null {
  const window = head.subarray(0, ID_WINDOW);
  for (let i = 0; i + 4 <= window.length; i++) {
    if (window[i] === 0x42 && window[i + 1] === 0x6c && window[i + 2] === 0x6f && window[i + 3] === 0x62) {
      const id = head.slice(i + 7, i + 7 + ID_LENGTH);
      return id.length === ID_LENGTH ? id : null;
    }
  }
  return null;
}

/** The SSQP signature: the GUID (first 16 id bytes, its first three fields little-endian) and age FFFFFFFF. */
export function signatureOf(id: Uint8Array): string {
  const b = [...id.subarray(0, 16)].map((x) => x.toString(16).padStart(2, "0"));
  return `${[...b.slice(0, 4).reverse(), ...b.slice(4, 6).reverse(), ...b.slice(6, 8).reverse(), ...b.slice(8, 16)].join("")}FFFFFFFF`;
}

/** A pass-through that finds the PDB id and hashes the file with the id zeroed (the debugger's checksum). */
function symbolTap() {
  const digest = new crypto.DigestStream("SHA-256");
  const writer = digest.getWriter();
  let head: Uint8Array | null = new Uint8Array(0);
  let id: Uint8Array | null = null;
  const flushHead = async () => {
    if (!head) return;
    const copy = head.slice();
    id = pdbIdOf(copy);
    if (id) {
      const at = indexOf(copy, id);
      copy.fill(0, at, at + ID_LENGTH);
    }
    head = null;
    await writer.write(copy);
  };
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      controller.enqueue(chunk);
      if (head) {
        const joined = new Uint8Array(head.length + chunk.length);
        joined.set(head);
        joined.set(chunk, head.length);
        if (joined.length < HEAD_BYTES) {
          head = joined;
          return;
        }
        head = joined.subarray(0, HEAD_BYTES);
        const rest = joined.subarray(HEAD_BYTES);
        await flushHead();
        if (rest.length > 0) await writer.write(rest);
        return;
      }
      await writer.write(chunk);
    },
    async flush() {
      await flushHead();
      await writer.close();
    },
  });
  return { stream, result: async () => ({ signature: id ? signatureOf(id) : null, checksum: hex(new Uint8Array(await digest.digest)) }) };
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return 0;
}

/** Inflate every portable .pdb of a stored .snupkg into its own blob; PDBs without a portable id are skipped. */
export async function storePdbs(c: Context<AppEnv>, snupkg: StoredBlob, entries: ZipEntry[]): Promise<StoredPdb[]> {
  const pdbs = entries.filter((e) => e.name.toLowerCase().endsWith(".pdb") && !e.name.endsWith("/"));
  if (pdbs.length > MAX_PDBS) throw badRequest(`400 Bad request - a symbol package holds at most ${MAX_PDBS} .pdb files`);
  const total = pdbs.reduce((sum, e) => sum + e.uncompressedSize, 0);
  if (total > Math.min(MAX_PDB_TOTAL, maxUploadBytes(c))) throw badRequest(`400 Bad request - the .pdb files of a symbol package may hold at most ${Math.min(MAX_PDB_TOTAL, maxUploadBytes(c))} bytes`);
  const stored: StoredPdb[] = [];
  try {
    for (const entry of pdbs) {
      const tap = symbolTap();
      // A corrupt .pdb fails the stream with a ZipFormatError, which putBlob passes on: a 400 too.
      const blob = await asClientError(async () => {
        const source = await entryStream(archiveOf(c.var.registry, { blobId: snupkg.id, size: snupkg.size }), entry);
        return c.var.registry.putBlob(source.pipeThrough(tap.stream), { contentLength: entry.uncompressedSize, maxBytes: maxUploadBytes(c), contentType: "application/octet-stream", digests: [] });
      });
      const { signature, checksum } = await tap.result();
      if (!signature) {
        await c.var.registry.discardBlob(blob);
        continue;
      }
      stored.push({ blob, fileName: (entry.name.split("/").pop() ?? entry.name).toLowerCase(), signature: signature.toLowerCase(), checksum });
    }
  } catch (error) {
    await Promise.all(stored.map((p) => c.var.registry.discardBlob(p.blob)));
    throw error;
  }
  return stored;
}

export const indexName = (signature: string, fileName: string) => `symbols/${signature.toLowerCase()}/${fileName.toLowerCase()}`;
const indexVersion = (id: string, version: string) => `${lowerId(id)}/${version.toLowerCase()}`;

/** Index each stored PDB under its key (one hidden package per key, one version per package version). */
export async function indexPdbs(c: Context<AppEnv>, ctx: ProjectContext, id: string, version: string, pdbs: StoredPdb[]): Promise<void> {
  for (const pdb of pdbs) {
    const name = indexName(pdb.signature, pdb.fileName);
    const file: NewFile = { blob: pdb.blob, fileName: pdb.fileName, metadata: { kind: "pdb", signature: pdb.signature, checksum: pdb.checksum } };
    await c.var.registry.commit({ projectId: ctx.project.id, packageType: NUGET, name, normalizedName: name }, [
      { kind: "publish", version: indexVersion(id, version), files: [file], duplicates: { kind: "allow" }, status: "hidden", metadata: { id, version, symbol: true } },
    ]);
  }
}

/** Drop a deleted version's index rows (best effort: reads check the version anyway). */
export async function removePdbIndex(c: Context<AppEnv>, ctx: ProjectContext, id: string, version: string, symbols: unknown): Promise<void> {
  const keys = Array.isArray(symbols) ? (symbols as { signature?: unknown; fileName?: unknown }[]) : [];
  for (const key of keys) {
    if (typeof key.signature !== "string" || typeof key.fileName !== "string") continue;
    const name = indexName(key.signature, key.fileName);
    await c.var.registry
      .commit({ projectId: ctx.project.id, packageType: NUGET, name, normalizedName: name }, [{ kind: "remove_version", version: indexVersion(id, version) }])
      .catch(() => undefined);
  }
}

/** `SHA256:<hex>` values of the Symbolchecksum header (several may be sent, `;`-separated). */
function checksumsOf(header: string | undefined): string[] {
  if (!header) throw badRequest("400 Bad request - the Symbolchecksum header is missing");
  const sums = header
    .split(";")
    .map((s) => /^\s*SHA256:([0-9a-f]{64})\s*$/i.exec(s)?.[1]?.toLowerCase())
    .filter((s): s is string => s !== undefined);
  if (sums.length === 0) throw badRequest("400 Bad request - the Symbolchecksum header holds no SHA256 checksum");
  return sums;
}

// A debugger (Visual Studio, dotnet-symbol) with the symbol server `…/packages/nuget/symbolfiles`:
//   GET symbolfiles/<file.pdb>/<signature>/<file.pdb>  Symbolchecksum: SHA256:<hex>  → the .pdb, or 404.
export function getSymbolFile(c: Context<AppEnv>, scope: ReadScope, e: Extract<NugetEndpoint, { kind: "symbol_file" }>): Promise<Response> {
  const checksums = checksumsOf(c.req.header("symbolchecksum"));
  return withEdgeCache(c, scope.cache, async () => {
    const rows = await c.var.registry.versions(scope, NUGET, indexName(e.signature, e.fileName), { statuses: ["hidden"] });
    for (const row of rows) {
      const file = row.files.find((f) => checksums.includes(String((f.metadata as { checksum?: unknown }).checksum ?? "")));
      const owner = row.metadata as { id?: unknown; version?: unknown };
      if (!file || typeof owner.id !== "string" || typeof owner.version !== "string") continue;
      const project = scope.projects.filter((p) => p.project.id === row.projectId);
      if (!(await versionIn(c.var.registry, project, owner.id, owner.version))) continue;
      return serveBlob(c.env.BLOBS, c.req.raw, file, { contentType: "application/octet-stream", cacheControl: "public, max-age=300" });
    }
    throw missIn(scope, "Symbol file");
  });
}

