// Reads of one module (name/system) inside a read scope, shared by the namespace and project endpoints:
// the installable versions (newest publish per version when several projects hold one), the latest by
// SemVer, a version's archive, and the project page a document names as the module's `source`.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { missIn, newestFile, newestPerVersion, type PackageFileRow, type PackageWithFiles, type ReadScope } from "../../core/registry";
import { serveBlob, type ServableFile } from "../../http/serve-blob";
import { fileNameOf, latestOf, PACKAGE_TYPE, packageNameOf, type ModuleCoordinates } from "./parse";

/** Archives never change once published (modules are immutable; a delete removes the URL's target). */
export const ARCHIVE_CACHE_CONTROL = "public, max-age=300";
export const DOCUMENT_CACHE_CONTROL = "public, max-age=0, must-revalidate";

export async function moduleVersions(c: Context<AppEnv>, scope: ReadScope, module: ModuleCoordinates, version?: string): Promise<PackageWithFiles[]> {
  if (scope.projectIds.length === 0) return [];
  return newestPerVersion(await c.var.registry.versions(scope, PACKAGE_TYPE, packageNameOf(module), version === undefined ? {} : { version }));
}

/** The row of `version`, or of the latest version when none is named; a miss answers as the scope says (401/404). */
export async function moduleVersion(c: Context<AppEnv>, scope: ReadScope, module: ModuleCoordinates, version?: string): Promise<PackageWithFiles> {
  const rows = await moduleVersions(c, scope, module, version);
  const wanted = version ?? latestOf(rows.map((r) => r.version));
  const row = rows.find((r) => r.version === wanted);
  if (!row) throw missIn(scope);
  return row;
}

/** The version's `.tgz` (the one file GitLab stores for it). */
export function archiveOf(scope: ReadScope, module: ModuleCoordinates, row: PackageWithFiles): PackageFileRow {
  const file = newestFile(row.files, fileNameOf({ ...module, version: row.version })) ?? row.files[0];
  if (!file) throw missIn(scope, "Package file");
  return file;
}

export function serveArchive(c: Context<AppEnv>, file: ServableFile, cacheControl = ARCHIVE_CACHE_CONTROL): Promise<Response> {
  return serveBlob(c.env.BLOBS, c.req.raw, file, { contentType: "application/octet-stream", cacheControl });
}

/** GitLab's `source`: the web page of the project holding the module. */
export function sourceOf(c: Context<AppEnv>, scope: ReadScope, row: PackageWithFiles | undefined): string | null {
  const project = row && scope.projects.find((p) => p.project.id === row.projectId)?.project;
  return project ? `${new URL(c.req.url).origin}/${project.fullPath}/-/packages` : null;
}

export function jsonDocument(body: unknown): Response {
  return new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json", "Cache-Control": DOCUMENT_CACHE_CONTROL } });
}
