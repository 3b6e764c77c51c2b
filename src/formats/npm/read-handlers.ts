// npm reads at every level: packument (full or abbreviated), tarball, dist-tags, search and audit.
// Anonymous pulls of packages anyone may pull go through the edge cache; keys carry the revisions.
// Spec: ../shared/reference/gitlab-spec.md §1 "Endpoints".
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { createDb } from "../../db/client";
import { getPackageVersions, listPackageNames, newestFile, newestPerVersion } from "../../core/packages";
import { withEdgeCache } from "../../http/edge-cache";
import { serveBlob } from "../../http/serve-blob";
import { ABBREVIATED_TYPE, buildPackument, buildSearchResult, distTagsOf, emptyAudit, matchesSearch, wantsAbbreviated, type SearchHit } from "./metadata";
import { scopeOf } from "./parse";
import { getNamedPackage, notFoundFor, PACKAGE_TYPE, resolveReadScope, type Level, type ReadScope } from "./scope";

/** Where the request came in (`…/packages/npm`): tarball URLs reuse it, so clients stay on one level. */
export interface RequestPrefix {
  url: string;
}

const jsonResponse = (body: unknown, contentType = "application/json; charset=utf-8") =>
  new Response(JSON.stringify(body), { headers: { "Content-Type": contentType, "Cache-Control": "public, max-age=0, must-revalidate", Vary: "Accept" } });

const cacheScope = (scope: ReadScope, varyOn: string[]) => ({ anonymousPullable: scope.anonymousPullable, revisions: scope.revisions, varyOn: ["host", ...varyOn] });

/** `_rev` for the packument: npm unpublish echoes it in `/-rev/<rev>` paths. */
const revOf = (scope: ReadScope) => scope.revisions.join(".") || "0";

/**
 * GET <prefix>/@scope%2fname (npm install: Accept install-v1 first; npm view and ?write=true: application/json).
 * npm publish sends two of these before its PUT and expects 404 for a new package.
 */
export async function getPackument(c: Context<AppEnv>, level: Level, prefix: RequestPrefix, name: string): Promise<Response> {
  const scope = await resolveReadScope(c, level, name);
  const abbreviated = wantsAbbreviated(c.req.header("accept"));
  return withEdgeCache(c, cacheScope(scope, ["accept"]), async () => {
    const pkg = await getNamedPackage(createDb(c.env.DB), scope.projects, name);
    if (pkg.versions.length === 0) throw await notFoundFor(c, scope, "Package");
    const document = buildPackument({ name, versions: pkg.versions, tags: pkg.tags, tarballUrl: (file) => `${prefix.url}/${name}/-/${file}`, rev: revOf(scope) }, abbreviated);
    return jsonResponse(document, abbreviated ? `${ABBREVIATED_TYPE}; charset=utf-8` : "application/json; charset=utf-8");
  });
}

/** GET <prefix>/@scope/name/-/@scope/name-1.0.0.tgz: the URL `dist.tarball` gave (npm, pnpm, yarn). */
export async function getTarball(c: Context<AppEnv>, level: Level, name: string, fileName: string): Promise<Response> {
  const scope = await resolveReadScope(c, level, name);
  const version = versionFromFileName(name, fileName);
  return withEdgeCache(c, cacheScope(scope, []), async () => {
    const rows = version
      ? newestPerVersion(await getPackageVersions(createDb(c.env.DB), { projectIds: scope.projects.map((p) => p.project.id), packageType: PACKAGE_TYPE, normalizedName: name, version }))
      : [];
    const file = rows[0] ? newestFile(rows[0].files, `${name}-${version}.tgz`) : undefined;
    if (!file) throw await notFoundFor(c, scope, "Package file");
    return serveBlob(c.env.BLOBS, c.req.raw, file, { contentType: "application/octet-stream", cacheControl: "public, max-age=3600" });
  });
}

/** `name-1.0.0.tgz` or `@scope/name-1.0.0.tgz` → `1.0.0` (GitLab stores `<name>-<version>.tgz`). */
export function versionFromFileName(name: string, fileName: string): string | null {
  const base = name.split("/").pop()!;
  for (const prefix of [`${name}-`, `${base}-`]) {
    if (fileName.startsWith(prefix) && fileName.endsWith(".tgz")) return fileName.slice(prefix.length, -4) || null;
  }
  return null;
}

/** GET <prefix>/-/package/@scope%2fname/dist-tags (npm dist-tag ls, and before dist-tag add/rm). */
export async function getDistTags(c: Context<AppEnv>, level: Level, name: string): Promise<Response> {
  const scope = await resolveReadScope(c, level, name);
  return withEdgeCache(c, cacheScope(scope, []), async () => {
    const pkg = await getNamedPackage(createDb(c.env.DB), scope.projects, name);
    if (pkg.versions.length === 0) throw await notFoundFor(c, scope, "Package");
    return jsonResponse(distTagsOf(pkg.versions.map((v) => v.version), pkg.tags));
  });
}

const MAX_SEARCH_CANDIDATES = 100;

/**
 * GET <prefix>/-/v1/search?text=…&size=20&from=0 (npm search). Instance level searches the top-level
 * namespace named by an `@scope` word in the text, and answers nothing without one.
 */
export async function searchPackages(c: Context<AppEnv>, level: Level): Promise<Response> {
  const text = (c.req.query("text") ?? "").slice(0, 256);
  const size = Math.min(Math.max(Number(c.req.query("size")) || 20, 1), 250);
  const from = Math.max(Number(c.req.query("from")) || 0, 0);
  const scopeWord = text.split(/\s+/).find((w) => w.startsWith("@"));
  if (level.kind === "instance" && !scopeWord) return jsonResponse(buildSearchResult([], 0));
  const scope = await resolveReadScope(c, level, level.kind === "instance" ? `${scopeWord!.split("/")[0]}/x` : null);
  const db = createDb(c.env.DB);
  const names = await listPackageNames(db, scope.projects.map((p) => p.project.id), PACKAGE_TYPE);
  const hits: SearchHit[] = [];
  for (const { name } of names.slice(0, MAX_SEARCH_CANDIDATES)) {
    if (level.kind === "instance" && scopeOf(name) !== scopeWord!.slice(1).split("/")[0]) continue;
    const pkg = await getNamedPackage(db, scope.projects, name);
    const latestVersion = distTagsOf(pkg.versions.map((v) => v.version), pkg.tags).latest;
    const latest = pkg.versions.find((v) => v.version === latestVersion);
    if (latest && matchesSearch(text, name, latest.manifest)) hits.push({ name, latest });
  }
  return jsonResponse(buildSearchResult(hits.slice(from, from + size), hits.length));
}

/** POST <prefix>/-/npm/v1/security/advisories/bulk and …/audits/quick (npm install, npm audit): no advisories. */
export async function answerAudit(c: Context<AppEnv>, level: Level, quick: boolean): Promise<Response> {
  if (level.kind !== "instance") await resolveReadScope(c, level, null);
  return c.json(emptyAudit(quick), 200, { "Cache-Control": "private, no-store" });
}
