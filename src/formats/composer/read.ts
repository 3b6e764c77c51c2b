// Answers Composer reads inside a read scope (a project, or every project of a group the caller may read):
// the root packages.json, p2 and v1 metadata built from D1 rows, and dist archives streamed from R2.
// Spec: ../shared/reference/gitlab-spec.md §7.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import { missIn, newestPerVersion, type PackageWithFiles, type ReadScope, type Registry } from "../../core/registry";
import { withEdgeCache } from "../../http/edge-cache";
import { serveBlob } from "../../http/serve-blob";
import { buildP2, buildProviders, buildRoot, buildV1, isComposer2, sha256Hex, type Urls, type VersionRecord } from "./metadata";
import { PACKAGE_TYPE, type ComposerRead } from "./parse";
import { normalizeVersion } from "./versions";

const METADATA_CACHE_CONTROL = "public, max-age=0, must-revalidate";
/** Archives are addressed by their sha256: a URL always names the same bytes. */
const ARCHIVE_CACHE_CONTROL = "public, max-age=31536000, immutable";
/** Names whose versions are read at once when every package is needed (Composer 1 provider lists). */
const NAME_CONCURRENCY = 6;

/** `/api/v4/projects/:id/packages/composer` or `/api/v4/group/:id/-/packages/composer`, by numeric id. */
export function urlsOf(c: Context<AppEnv>, scope: ReadScope): Urls {
  const origin = new URL(c.req.url).origin;
  if (scope.level === "group" && scope.namespace) return { origin, prefix: `/api/v4/group/${scope.namespace.id}/-/packages/composer` };
  return { origin, prefix: `/api/v4/projects/${scope.projects[0]?.project.id ?? c.req.param("id")}/packages/composer` };
}

export async function serveComposerRead(c: Context<AppEnv>, scope: ReadScope, request: ComposerRead): Promise<Response> {
  const urls = urlsOf(c, scope);
  const registry = c.var.registry;
  switch (request.kind) {
    case "root": {
      const composer2 = isComposer2(c.req.header("user-agent"));
      // The document differs for Composer 1 and 2 only: the cache key varies on that, not on every User-Agent.
      return withEdgeCache(c, { ...scope.cache, variant: composer2 ? "composer2" : "composer1" }, async () => {
        const names = (await registry.packageNames(scope, PACKAGE_TYPE)).map((n) => n.name);
        const providersSha256 = composer2 ? undefined : await sha256Hex(await providerList(registry, scope, urls, names));
        return json(buildRoot(urls, { availablePackages: scope.challengeOnMiss ? undefined : names, providersSha256 }));
      });
    }
    case "providers":
      return withEdgeCache(c, scope.cache, async () => {
        const names = (await registry.packageNames(scope, PACKAGE_TYPE)).map((n) => n.name);
        return json(await providerList(registry, scope, urls, names));
      });
    case "p2":
      return withEdgeCache(c, scope.cache, async () => {
        const versions = await versionsOf(registry, scope, request.name);
        if (versions.length === 0) throw missIn(scope);
        return json(buildP2(urls.origin, versions[0]!.name, versions, request.dev));
      });
    case "v1":
      // GitLab serves the current document whatever the hash in the URL says; so does this.
      return withEdgeCache(c, scope.cache, async () => {
        const versions = await versionsOf(registry, scope, request.name);
        if (versions.length === 0) throw missIn(scope);
        return json(buildV1(urls.origin, versions[0]!.name, versions));
      });
    case "archive":
      return serveArchive(c, scope, request.name);
  }
}

// composer install: GET <dist.url> = …/projects/:id/packages/composer/archives/<vendor>/<name>.zip?sha=<sha256>,
// with the credentials auth.json holds for the host; the zip's sha1 is checked against `shasum`.
async function serveArchive(c: Context<AppEnv>, scope: ReadScope, name: string): Promise<Response> {
  if (scope.level !== "project") throw new AppError("not_found", "404 Not Found");
  const sha = c.req.query("sha");
  if (!sha) throw new AppError("bad_request", "sha is missing");
  if (!/^[0-9a-f]{64}$/i.test(sha)) throw missIn(scope, "Package file");
  return withEdgeCache(c, scope.cache, async () => {
    const found = await c.var.registry.fileBySha256(scope, PACKAGE_TYPE, sha);
    if (!found || found.pkg.normalizedName !== name) throw missIn(scope, "Package file");
    return serveBlob(c.env.BLOBS, c.req.raw, found.file, { contentType: "application/zip", cacheControl: ARCHIVE_CACHE_CONTROL });
  });
}

/** Every installable version of a name in the scope (the newest package per version), with its archive. */
async function versionsOf(registry: Registry, scope: ReadScope, name: string): Promise<VersionRecord[]> {
  if (scope.projectIds.length === 0) return [];
  const rows = newestPerVersion(await registry.versions(scope, PACKAGE_TYPE, name));
  return rows.map(toRecord).filter((v): v is VersionRecord => v !== null);
}

function toRecord(row: PackageWithFiles): VersionRecord | null {
  const metadata = row.metadata ?? {};
  const file = row.files.find((f) => f.sha256 === metadata.archive_sha256) ?? row.files[0];
  if (!file) return null;
  const json = typeof metadata.composer_json === "object" && metadata.composer_json !== null ? (metadata.composer_json as Record<string, unknown>) : {};
  const normalized = typeof metadata.version_normalized === "string" ? metadata.version_normalized : (normalizeVersion(row.version) ?? row.version);
  return { id: row.id, projectId: row.projectId, name: row.name, version: row.version, versionNormalized: normalized, json, createdAt: row.createdAt, archive: { sha256: file.sha256, sha1: file.sha1 } };
}

/**
 * Composer 1's provider list: the sha256 of every name's v1 document, so it reads every version of every
 * name in the scope (one query per name, a few at a time). Only Composer 1 clients ask for it.
 */
async function providerList(registry: Registry, scope: ReadScope, urls: Urls, names: string[]): Promise<string> {
  const hashes: [string, string][] = [];
  for (let i = 0; i < names.length; i += NAME_CONCURRENCY) {
    const batch = names.slice(i, i + NAME_CONCURRENCY);
    const documents = await Promise.all(batch.map(async (name) => buildV1(urls.origin, name, await versionsOf(registry, scope, name))));
    for (const [j, document] of documents.entries()) hashes.push([batch[j]!, await sha256Hex(document)]);
  }
  return buildProviders(hashes);
}

function json(body: string): Response {
  return new Response(body, { status: 200, headers: { "Content-Type": "application/json", "Cache-Control": METADATA_CACHE_CONTROL } });
}
