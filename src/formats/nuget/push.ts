// Push (`PUT …/nuget`, `PUT …/nuget/v2`) and delete (`DELETE …/nuget/<id>/<version>`). The multipart `package`
// part streams into R2; its `.nuspec` is then read back with ranged reads (never the whole package), and the
// version is committed through the coordinator under the group's NuGet duplicate setting (409 when refused).
// Spec: gitlab-spec.md §4 "Rules & codes"; https://learn.microsoft.com/nuget/api/package-publish-resource
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import type { StoredBlob } from "../../core/blobs";
import { AppError, badRequest } from "../../core/errors";
import type { NewFile } from "../../core/publish/types";
import type { ProjectContext } from "../../core/registry";
import { projectOf } from "../../http/access";
import { boundaryOf, MultipartReader } from "../../http/multipart";
import { declaredLength, maxUploadBytes } from "../../http/request-body";
import { restoreCrBeforeBoundaries } from "./bare-lf";
import { readManifest } from "./manifest";
import type { NuspecMetadata } from "./nuspec";
import { NUGET, versionIn } from "./package";
import { indexPdbs, removePdbIndex, storePdbs } from "./symbols";
import { lowerId, sameVersion } from "./versions";

/**
 * Stream the multipart body's `package` part into the blob store (other parts are skipped unread), with
 * the digests its kind needs: a .nupkg's sha512 is the feeds' PackageHash; a .snupkg needs none but sha256.
 */
async function receivePackage(c: Context<AppEnv>, digests: readonly "sha512"[]): Promise<StoredBlob> {
  const boundary = boundaryOf(c.req.header("content-type"));
  declaredLength(c); // a Content-Length over the limit is a 413 before any byte is read
  if (!c.req.raw.body) throw badRequest("400 Bad request - package is missing");
  const reader = new MultipartReader(c.req.raw.body.pipeThrough(restoreCrBeforeBoundaries(boundary)), boundary);
  let blob: StoredBlob | null = null;
  try {
    for (let part = await reader.next(); part; part = await reader.next()) {
      if (blob || (part.name !== "package" && part.filename === null)) continue;
      blob = await c.var.registry.putBlob(part.body, { contentLength: null, maxBytes: maxUploadBytes(c), contentType: "application/octet-stream", digests });
    }
  } catch (error) {
    if (blob) await c.var.registry.discardBlob(blob);
    throw error;
  }
  if (!blob) throw badRequest("400 Bad request - package is missing");
  return blob;
}

/** The stored spelling of a version that differs only in case (`1.0.0-Beta` after `1.0.0-beta`), else the manifest's. */
async function canonicalVersion(c: Context<AppEnv>, ctx: ProjectContext, meta: NuspecMetadata): Promise<string> {
  if (!/[a-z]/i.test(meta.version)) return meta.version;
  const existing = await versionIn(c.var.registry, [ctx], meta.id, meta.version);
  return existing && sameVersion(existing.version, meta.version) ? existing.version : meta.version;
}

const targetOf = (ctx: ProjectContext, id: string) => ({ projectId: ctx.project.id, packageType: NUGET, name: id, normalizedName: lowerId(id) });

// nuget push Acme.Hello.1.0.0.nupkg -Source <…/nuget/v2> -ApiKey <token> (NuGet 2.8.7):
//   GET <source> (the service document: 401, then again with the configured Basic credentials) → PUT <source>/
//   with X-NuGet-ApiKey only and a multipart body whose one part is `package` (closed after a bare LF) → 201.
// dotnet nuget push --source <…/nuget/index.json> --api-key <token>: GET index.json → PUT <PackagePublish>.
export async function pushPackage(c: Context<AppEnv>): Promise<Response> {
  const ctx = projectOf(c);
  const registry = c.var.registry;
  let blob: StoredBlob | null = await receivePackage(c, ["sha512"]);
  try {
    const { meta } = await readManifest(registry, { blobId: blob.id, size: blob.size });
    const version = await canonicalVersion(c, ctx, meta);
    const file: NewFile = { blob, fileName: `${lowerId(meta.id)}.${version.toLowerCase()}.nupkg`, metadata: { kind: "package" } };
    blob = null; // from here the commit owns the blob (a refused commit discards it)
    await registry.commit(targetOf(ctx, meta.id), [
      { kind: "publish", version, files: [file], duplicates: { kind: "setting", setting: "nuget", perFile: false }, metadata: { ...meta, version } },
    ]);
  } catch (error) {
    if (blob) await registry.discardBlob(blob);
    throw error;
  }
  return c.json({ message: "201 Created" }, 201);
}

// dotnet nuget push Acme.Hello.1.0.0.snupkg (after the .nupkg): PUT <SymbolPackagePublish> multipart `package`.
// The version must exist (GitLab: 404 otherwise); the .snupkg is added to it and every portable .pdb inside is
// stored on its own and indexed for the symbol server (symbols.ts).
export async function pushSymbolPackage(c: Context<AppEnv>): Promise<Response> {
  const ctx = projectOf(c);
  const registry = c.var.registry;
  const blob = await receivePackage(c, []);
  let kept: StoredBlob[] = [blob];
  try {
    const { meta, entries } = await readManifest(registry, { blobId: blob.id, size: blob.size });
    const row = await versionIn(registry, [ctx], meta.id, meta.version);
    if (!row) throw new AppError("not_found", "404 Package Not Found");
    const pdbs = await storePdbs(c, blob, entries);
    kept.push(...pdbs.map((p) => p.blob));
    const known = Array.isArray(row.metadata.symbols) ? (row.metadata.symbols as { signature: string; fileName: string }[]) : [];
    const symbols = [...known, ...pdbs.map(({ signature, fileName }) => ({ signature, fileName }))].filter(
      (s, i, all) => all.findIndex((o) => o.signature === s.signature && o.fileName === s.fileName) === i,
    );
    const file: NewFile = { blob, fileName: `${lowerId(meta.id)}.${row.version.toLowerCase()}.snupkg`, metadata: { kind: "symbol_package" } };
    kept = pdbs.map((p) => p.blob); // the commit owns the .snupkg now
    await registry.commit(targetOf(ctx, row.name), [{ kind: "publish", version: row.version, files: [file], duplicates: { kind: "allow" }, metadata: { symbols } }]);
    kept = [];
    await indexPdbs(c, ctx, row.name, row.version, pdbs);
  } catch (error) {
    await Promise.all(kept.map((b) => registry.discardBlob(b)));
    throw error;
  }
  return c.json({ message: "201 Created" }, 201);
}

// nuget delete Acme.Hello 1.0.0 -Source <…/v2> -ApiKey <token>: DELETE <source>/Acme.Hello/1.0.0 (X-NuGet-ApiKey).
// dotnet nuget delete: DELETE <PackagePublish>/<id>/<version>. Maintainers only; 204, or 404 when absent.
export async function deletePackage(c: Context<AppEnv>, id: string, version: string): Promise<Response> {
  const ctx = projectOf(c);
  const row = await versionIn(c.var.registry, [ctx], id, version);
  if (!row) throw new AppError("not_found", "404 Package Not Found");
  await c.var.registry.commit(targetOf(ctx, row.name), [{ kind: "remove_version", version: row.version }]);
  await removePdbIndex(c, ctx, row.name, row.version, row.metadata.symbols);
  return c.body(null, 204);
}
