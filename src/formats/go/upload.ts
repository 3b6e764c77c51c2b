// `PUT …/packages/go/<module>/@v/<version>.zip`: the module zip streams into the blob store, then its
// central directory and go.mod are read back with ranged reads and checked as the go command checks a
// module zip. The version's `.mod` is served from the same zip (mod-file.ts), so one file is stored.
//
//   putBlob(body)  → zip blob (hashed, size-limited while streaming)
//   read the end record + central directory by range → check every entry (module-zip.ts)
//   stream go.mod's range out of the zip → its module line and sha256 (nothing stored)
//   commit the zip with go.mod's location as one version (reject_version); a refusal before the commit discards the blob
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { entryDataOffset, entryStreamAt, readCentralDirectory, ZipFormatError, type RangedSource, type ZipEntry } from "../../core/archive";
import type { StoredBlob } from "../../core/blobs";
import { AppError, badRequest } from "../../core/errors";
import type { ProjectContext } from "../../core/registry";
import { declaredLength, maxUploadBytes } from "../../http/request-body";
import { ModuleDirectiveScanner } from "./go-mod";
import type { GoModLocation } from "./mod-file";
import { checkModuleZip, describeProblems, MAX_ZIP_BYTES } from "./module-zip";
import { GOLANG, zipFileName } from "./proxy";
import { isIncompatible } from "./semver";

export async function uploadModuleZip(c: Context<AppEnv>, project: ProjectContext, modulePath: string, version: string): Promise<Response> {
  const registry = c.var.registry;
  const maxBytes = Math.min(maxUploadBytes(c), MAX_ZIP_BYTES);
  const contentLength = declaredLength(c);
  if (contentLength !== null && contentLength > maxBytes) throw new AppError("payload_too_large", `413 module zip file is too large (limit is ${maxBytes} bytes)`);
  let zip: StoredBlob | null = null;
  try {
    // GitLab keeps md5, sha1 and sha256 of Go module files.
    zip = await registry.putBlob(c.req.raw.body, { contentLength, maxBytes, contentType: "application/zip", digests: ["md5", "sha1"] });
    const source = registry.blobSource(zip);
    const entries = await readCentralDirectory(source);
    const { goMod, problems } = checkModuleZip(entries, modulePath, version);
    if (problems.length > 0) throw badRequest(`400 Bad request - invalid module zip for ${modulePath}@${version}: ${describeProblems(problems)}`);
    if (goMod && isIncompatible(version)) {
      throw badRequest(`400 Bad request - ${modulePath}@${version}: +incompatible is only for modules without a go.mod file; this zip has one`);
    }
    const location = goMod ? await inspectGoMod(source, goMod, modulePath, version) : null;
    const blob = zip;
    zip = null; // from here the commit owns the blob (a refused commit discards it)
    await registry.commit({ projectId: project.project.id, packageType: GOLANG, name: modulePath, normalizedName: modulePath }, [
      {
        kind: "publish",
        version,
        files: [{ blob, fileName: zipFileName(version), metadata: { go_mod: location } }],
        duplicates: { kind: "reject_version" },
        metadata: { module: modulePath },
      },
    ]);
  } catch (error) {
    if (zip) await registry.discardBlob(zip);
    if (error instanceof ZipFormatError) throw badRequest(`400 Bad request - invalid module zip for ${modulePath}@${version}: ${zipProblem(error)}`);
    throw error;
  }
  return c.json({ message: "201 Created" }, 201);
}

/**
 * Stream go.mod out of the stored zip (one ranged read), hashing it and reading its module directive on the
 * way; nothing is stored, the `.mod` read streams the same range (mod-file.ts).
 */
async function inspectGoMod(source: RangedSource, entry: ZipEntry, modulePath: string, version: string): Promise<GoModLocation> {
  const scanner = new ModuleDirectiveScanner();
  const digest = new crypto.DigestStream("SHA-256");
  // The digest promise rejects with the stream when go.mod is corrupt; that case is answered below.
  const digested = digest.digest;
  digested.catch(() => undefined);
  let dataOffset: number;
  try {
    dataOffset = await entryDataOffset(source, entry);
    await (await entryStreamAt(source, entry, dataOffset)).pipeThrough(scanner.tap()).pipeTo(digest);
  } catch (error) {
    if (error instanceof AppError) throw error;
    const reason = error instanceof ZipFormatError ? zipProblem(error) : "its data is corrupt";
    throw badRequest(`400 Bad request - invalid module zip for ${modulePath}@${version}: go.mod could not be read: ${reason}`);
  }
  const directive = scanner.result;
  if (!directive || "error" in directive) throw badRequest(`400 Bad request - ${modulePath}@${version}: ${directive?.error ?? "go.mod has no module directive"}`);
  if (directive.path !== modulePath) {
    throw badRequest(`400 Bad request - ${modulePath}@${version}: go.mod declares its path as ${JSON.stringify(directive.path)} but the zip was uploaded as ${JSON.stringify(modulePath)}`);
  }
  const sha256 = [...new Uint8Array(await digested)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return { data_offset: dataOffset, compressed_size: entry.compressedSize, size: entry.uncompressedSize, method: entry.method, sha256 };
}

/** The go command's words for an archive that is no zip (archive/zip's ErrFormat), the reader's otherwise. */
const zipProblem = (error: ZipFormatError) => (error.code === "not_zip" ? "not a valid zip file" : error.message);
