// v3 reads inside a resolved scope: registration index, pages and leaves, the flat container (version list,
// .nupkg, .nuspec, .snupkg) and search. Every answer goes through the edge cache rule of the scope.
// Spec: https://learn.microsoft.com/nuget/api/overview; gitlab-spec.md §4.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { missIn, type ReadScope } from "../../core/registry";
import { withEdgeCache } from "../../http/edge-cache";
import { serveBlob } from "../../http/serve-blob";
import { readManifestBytes } from "./manifest";
import { fileKindOf, newestOfKind, NUGET, sortViews, versionIn, versionsOf, viewOf, type VersionView } from "./package";
import type { NugetEndpoint } from "./paths";
import { flatContainerVersions, registrationIndex, registrationLeaf, registrationPage, searchResult, type Urls } from "./v3-documents";
import { lowerId } from "./versions";

const FILE_CACHE_CONTROL = "public, max-age=300";
const METADATA_CACHE_CONTROL = "public, max-age=0, must-revalidate";

type Endpoint<K extends NugetEndpoint["kind"]> = Extract<NugetEndpoint, { kind: K }>;

export function jsonResponse(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": METADATA_CACHE_CONTROL } });
}

async function versionsOrMiss(c: Context<AppEnv>, scope: ReadScope, id: string): Promise<VersionView[]> {
  const versions = await versionsOf(c.var.registry, scope, id);
  if (versions.length === 0) throw missIn(scope);
  return versions;
}

export function getRegistrationIndex(c: Context<AppEnv>, scope: ReadScope, urls: Urls, e: Endpoint<"registration_index">) {
  return withEdgeCache(c, scope.cache, async () => {
    const versions = await versionsOrMiss(c, scope, e.id);
    return jsonResponse(registrationIndex(urls, versions[versions.length - 1]!.id, versions));
  });
}

export function getRegistrationPage(c: Context<AppEnv>, scope: ReadScope, urls: Urls, e: Endpoint<"registration_page">) {
  return withEdgeCache(c, scope.cache, async () => {
    const versions = await versionsOrMiss(c, scope, e.id);
    const page = registrationPage(urls, versions[versions.length - 1]!.id, versions, e.lower, e.upper);
    if (!page) throw missIn(scope, "Page");
    return jsonResponse(page);
  });
}

export function getRegistrationLeaf(c: Context<AppEnv>, scope: ReadScope, urls: Urls, e: Endpoint<"registration_leaf">) {
  return withEdgeCache(c, scope.cache, async () => {
    const row = await versionIn(c.var.registry, scope, e.id, e.version);
    const view = row ? viewOf(row) : null;
    if (!view) throw missIn(scope);
    return jsonResponse(registrationLeaf(urls, view));
  });
}

export function getFlatVersions(c: Context<AppEnv>, scope: ReadScope, e: Endpoint<"flat_versions">) {
  return withEdgeCache(c, scope.cache, async () => jsonResponse(flatContainerVersions(await versionsOrMiss(c, scope, e.id))));
}

/** `.nupkg` (newest upload of the version), `.snupkg`, or `.nuspec` read out of the stored package. */
export function getFlatFile(c: Context<AppEnv>, scope: ReadScope, e: Endpoint<"flat_file">) {
  return withEdgeCache(c, scope.cache, async () => {
    const row = await versionIn(c.var.registry, scope, e.id, e.version);
    if (!row) throw missIn(scope);
    const requested = e.fileName.toLowerCase();
    if (requested.endsWith(".nuspec")) {
      const nupkg = newestOfKind(row, "package");
      if (!nupkg) throw missIn(scope, "Package file");
      return nuspecResponse(c.req.raw, await readManifestBytes(c.var.registry, nupkg), `${lowerId(row.name)}.nuspec`);
    }
    const kind = requested.endsWith(".snupkg") ? "symbol_package" : requested.endsWith(".nupkg") ? "package" : null;
    if (!kind) throw missIn(scope, "Package file");
    const file = row.files.find((f) => fileKindOf(f) === kind && f.fileName.toLowerCase() === requested) ?? newestOfKind(row, kind);
    if (!file) throw missIn(scope, "Package file");
    return serveBlob(c.env.BLOBS, c.req.raw, file, { contentType: "application/octet-stream", cacheControl: FILE_CACHE_CONTROL });
  });
}

function nuspecResponse(request: Request, bytes: Uint8Array, fileName: string): Response {
  const headers = {
    "Content-Type": "application/xml",
    "Content-Length": String(bytes.byteLength),
    "Cache-Control": FILE_CACHE_CONTROL,
    "Content-Disposition": `attachment; filename="${fileName.replace(/[^\x20-\x7e]|["\\]/g, "_")}"`,
  };
  return new Response(request.method === "HEAD" ? null : bytes, { status: 200, headers });
}

/** How many ids one search page loads versions for at a time. */
const SEARCH_BATCH = 20;
const DEFAULT_TAKE = 20;
const MAX_TAKE = 100;

const intParam = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return value !== undefined && value !== "" && Number.isInteger(n) && n >= 0 ? n : fallback;
};

/**
 * `GET …/query?q=&skip=&take=&prerelease=&semVerLevel=&packageType=`: ids containing `q` (case-insensitive),
 * an exact id first, then by id. Versions are loaded only for the ids of the requested page.
 */
export function search(c: Context<AppEnv>, scope: ReadScope, urls: Urls) {
  return withEdgeCache(c, scope.cache, async () => {
    const q = (c.req.query("q") ?? "").trim().toLowerCase();
    const skip = intParam(c.req.query("skip"), 0);
    const take = Math.min(Math.max(intParam(c.req.query("take"), DEFAULT_TAKE), 0), MAX_TAKE);
    // GitLab includes prereleases unless told otherwise (nuget.org's default is false).
    const prerelease = c.req.query("prerelease") !== "false";
    const semVer2 = /^2\./.test(c.req.query("semVerLevel") ?? "");
    const packageType = (c.req.query("packageType") ?? "").toLowerCase();
    const names = await c.var.registry.packageNames(scope, NUGET);
    const ids = [...new Set(names.map((n) => n.normalizedName))]
      .filter((id) => id.includes(q))
      .sort((a, b) => (a === q ? -1 : b === q ? 1 : a < b ? -1 : a > b ? 1 : 0));
    const visible = (v: VersionView) =>
      (prerelease || !v.meta.isPrerelease) &&
      (semVer2 || !v.meta.isSemVer2) &&
      (packageType === "" || (v.meta.packageTypes.length > 0 ? v.meta.packageTypes : ["Dependency"]).some((t) => t.toLowerCase() === packageType));
    const hits: ReturnType<typeof searchResult>[] = [];
    let empty = 0;
    let matched = 0;
    // Walk the ids in order, skipping `skip` ids that have visible versions, until the page is full.
    for (let i = 0; i < ids.length && hits.length < take; i += SEARCH_BATCH) {
      const batch = await Promise.all(ids.slice(i, i + SEARCH_BATCH).map((id) => versionsOf(c.var.registry, scope, id)));
      for (const versions of batch) {
        const shown = sortViews(versions.filter(visible));
        if (shown.length === 0) {
          empty++;
          continue;
        }
        if (matched++ < skip) continue;
        if (hits.length < take) hits.push(searchResult(urls, shown));
      }
    }
    return jsonResponse({ totalHits: ids.length - empty, data: hits });
  });
}
