// `PUT …/packages/go/<module>/@v/<version>.zip`: the module zip streams into the blob store, then its
// central directory and go.mod are read back with ranged reads and checked as the go command checks a
// module zip; go.mod becomes the version's `.mod` file (or `module <path>` when the zip has none).
//
//   putBlob(body)  → zip blob (hashed, size-limited while streaming)
//   read the end record + central directory by range → check every entry (module-zip.ts)
//   stream go.mod out of the zip → putBlob → .mod blob, its module line read on the way
//   commit both files as one version (reject_version); any refusal before the commit discards both blobs
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import type { StoredBlob } from "../../core/blobs";
import { AppError, badRequest } from "../../core/errors";
import type { ProjectContext } from "../../core/registry";
import { declaredLength, maxUploadBytes } from "../../http/request-body";
import { blobSource } from "./blob-source";
import { ModuleDirectiveScanner } from "./go-mod";
import { checkModuleZip, describeProblems, MAX_GO_MOD_BYTES, MAX_ZIP_BYTES } from "./module-zip";
import { GOLANG, modFileName, zipFileName } from "./proxy";
import { isIncompatible } from "./semver";
import { openEntry, readCentralDirectory, ZipFormatError, type ZipEntry, type ZipSource } from "./zip";

/** The central directory is read whole: 16 MiB is well over 100,000 file names. */
const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;

export async function uploadModuleZip(c: Context<AppEnv>, project: ProjectContext, modulePath: string, version: string): Promise<Response> {
  const registry = c.var.registry;
  const maxBytes = Math.min(maxUploadBytes(c), MAX_ZIP_BYTES);
  const contentLength = declaredLength(c);
  if (contentLength !== null && contentLength > maxBytes) throw new AppError("payload_too_large", `413 module zip file is too large (limit is ${maxBytes} bytes)`);
  const stored: StoredBlob[] = [];
  try {
    const zip = await registry.putBlob(c.req.raw.body, { contentLength, maxBytes, contentType: "application/zip" });
    stored.push(zip);
    const source = blobSource(c.env.BLOBS, zip);
    const entries = await readCentralDirectory(source, MAX_DIRECTORY_BYTES);
    const { goMod, problems } = checkModuleZip(entries, modulePath, version);
    if (problems.length > 0) throw badRequest(`400 Bad request - invalid module zip for ${modulePath}@${version}: ${describeProblems(problems)}`);
    if (goMod && isIncompatible(version)) {
      throw badRequest(`400 Bad request - ${modulePath}@${version}: +incompatible is only for modules without a go.mod file; this zip has one`);
    }
    stored.push(goMod ? await storeGoMod(c, source, goMod, modulePath, version) : await storeSynthesizedGoMod(c, modulePath));
    const [zipBlob, modBlob] = stored.splice(0); // from here the commit owns the blobs (a refused commit discards them)
    await registry.commit({ projectId: project.project.id, packageType: GOLANG, name: modulePath, normalizedName: modulePath }, [
      {
        kind: "publish",
        version,
        files: [
          { blob: zipBlob!, fileName: zipFileName(version) },
          { blob: modBlob!, fileName: modFileName(version) },
        ],
        duplicates: { kind: "reject_version" },
        metadata: { module: modulePath, has_go_mod: goMod !== null },
      },
    ]);
  } catch (error) {
    for (const blob of stored) await registry.discardBlob(blob);
    if (error instanceof ZipFormatError) throw badRequest(`400 Bad request - invalid module zip for ${modulePath}@${version}: ${error.message}`);
    throw error;
  }
  return c.json({ message: "201 Created" }, 201);
}

/** Stream go.mod out of the stored zip into its own blob, reading its module directive on the way. */
async function storeGoMod(c: Context<AppEnv>, source: ZipSource, entry: ZipEntry, modulePath: string, version: string): Promise<StoredBlob> {
  const scanner = new ModuleDirectiveScanner();
  let blob: StoredBlob;
  try {
    const body = (await openEntry(source, entry)).pipeThrough(scanner.tap());
    // Length unknown to the blob store on purpose: openEntry enforces the declared size, and a corrupt
    // entry then fails the read instead of leaving a fixed-length R2 put half fed.
    blob = await c.var.registry.putBlob(body, { contentLength: null, maxBytes: MAX_GO_MOD_BYTES, contentType: "text/plain; charset=utf-8" });
  } catch (error) {
    if (error instanceof AppError && error.code !== "bad_request") throw error;
    const reason = error instanceof ZipFormatError ? error.message : "its data is corrupt or does not match the size the zip declares";
    throw badRequest(`400 Bad request - invalid module zip for ${modulePath}@${version}: go.mod could not be read: ${reason}`);
  }
  const directive = scanner.result;
  let problem: string | null = null;
  if (!directive || "error" in directive) problem = directive?.error ?? "go.mod has no module directive";
  else if (directive.path !== modulePath) problem = `go.mod declares its path as ${JSON.stringify(directive.path)} but the zip was uploaded as ${JSON.stringify(modulePath)}`;
  if (problem) {
    await c.var.registry.discardBlob(blob);
    throw badRequest(`400 Bad request - ${modulePath}@${version}: ${problem}`);
  }
  return blob;
}

/** A module without go.mod (v0/v1 or `+incompatible`): the go command expects `module <path>` as its .mod. */
function storeSynthesizedGoMod(c: Context<AppEnv>, modulePath: string): Promise<StoredBlob> {
  const bytes = new TextEncoder().encode(`module ${modulePath}\n`);
  return c.var.registry.putBlob(new Response(bytes).body, { contentLength: bytes.byteLength, maxBytes: MAX_GO_MOD_BYTES, contentType: "text/plain; charset=utf-8" });
}
