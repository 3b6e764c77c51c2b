// Cargo's reads inside a read scope (a project, or every readable project of a group): config.json, the
// sparse index file of a crate, .crate downloads, `cargo search` and `cargo owner --list`. The index is built
// from the registry's rows on every read (cached at the edge for anonymous pulls, keyed on the revision).
// Spec: https://doc.rust-lang.org/cargo/reference/registry-index.html#sparse-protocol,
//       https://doc.rust-lang.org/cargo/reference/registry-web-api.html
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { notFound } from "../../core/errors";
import { missIn, newestFile, newestPerVersion, type PackageWithFiles, type ReadScope } from "../../core/registry";
import { withEdgeCache } from "../../http/edge-cache";
import { serveBlob } from "../../http/serve-blob";
import { indexFile, registryConfig, searchResult, type IndexVersion } from "./metadata";
import { crateOfIndexPath, normalizeCrateName } from "./names";

export const CARGO = "cargo";
const MARKER = "/packages/cargo";
const INDEX_CACHE_CONTROL = "public, max-age=0, must-revalidate";
const CRATE_CACHE_CONTROL = "public, max-age=300";

/** `…/packages/cargo` as the client called it (project or group, `:id` as written): config.json points back at it. */
export function prefixOf(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  return `${url.origin}${url.pathname.slice(0, url.pathname.indexOf(MARKER) + MARKER.length)}`;
}

/** The file name a crate version is stored and downloaded under. */
export const crateFileName = (name: string, version: string) => `${name}-${version}.crate`;

/** Versions of a crate spelled `name` (any case), one per version (newest publish wins across projects), oldest first. */
export async function crateVersions(c: Context<AppEnv>, scope: ReadScope, name: string, version?: string): Promise<PackageWithFiles[]> {
  const rows = await c.var.registry.versions(scope, CARGO, normalizeCrateName(name), { version });
  const lower = name.toLowerCase();
  return newestPerVersion(rows.filter((r) => r.name.toLowerCase() === lower)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
}

const crateFileOf = (row: PackageWithFiles) => newestFile(row.files, crateFileName(row.name, row.version)) ?? row.files[0];

// cargo (sparse+…/index/): GET config.json (401 → again with `Authorization: <token>`), then GET the crate's
// file (`1/a`, `2/ab`, `3/a/abc`, `ab/cd/abcd…`; 404 = no such crate), with If-None-Match once it has one.
export async function serveIndex(c: Context<AppEnv>, scope: ReadScope): Promise<Response> {
  const path = new URL(c.req.url).pathname;
  const after = path.slice(path.indexOf(`${MARKER}/`) + MARKER.length + 1);
  const rest = after.slice(after.indexOf("/") + 1); // past `index/` (or GitLab beta's `metadata/`)
  if (rest === "config.json") {
    return withEdgeCache(c, scope.cache, async () => jsonDocument(c.req.raw, JSON.stringify(registryConfig(prefixOf(c), !scope.cache.anonymousPullable))));
  }
  const name = crateOfIndexPath(rest);
  if (!name) throw notFound("404 Crate Not Found");
  return withEdgeCache(c, scope.cache, async () => {
    const versions: IndexVersion[] = [];
    for (const row of await crateVersions(c, scope, name)) {
      const file = crateFileOf(row);
      if (file) versions.push({ name: row.name, version: row.version, cksum: file.sha256, metadata: row.metadata });
    }
    if (versions.length === 0) throw missIn(scope, "Crate");
    return document(c.req.raw, indexFile(versions), "text/plain; charset=utf-8");
  });
}

// cargo build: GET {dl}/{crate}/{version}/download with the name and version of the index line (and the token when auth-required).
export async function serveCrate(c: Context<AppEnv>, scope: ReadScope): Promise<Response> {
  const name = c.req.param("name") ?? "";
  const version = c.req.param("version") ?? "";
  return withEdgeCache(c, scope.cache, async () => {
    const row = (await crateVersions(c, scope, name, version))[0];
    const file = row && crateFileOf(row);
    if (!file) throw missIn(scope, "Crate");
    return serveBlob(c.env.BLOBS, c.req.raw, file, { contentType: "application/gzip", cacheControl: CRATE_CACHE_CONTROL });
  });
}

const MAX_PER_PAGE = 100;

// cargo search --registry acme hello [--limit N]: GET {api}/api/v1/crates?q=hello&per_page=N
export async function searchCrates(c: Context<AppEnv>, scope: ReadScope): Promise<Response> {
  const query = normalizeCrateName((c.req.query("q") ?? "").trim());
  const perPage = Math.min(Math.max(Number.parseInt(c.req.query("per_page") ?? "10", 10) || 10, 1), MAX_PER_PAGE);
  const page = Math.max(Number.parseInt(c.req.query("page") ?? "1", 10) || 1, 1);
  return withEdgeCache(c, scope.cache, async () => {
    const names = await c.var.registry.packageNames(scope, CARGO);
    const seen = new Set<string>();
    const matches = names
      .filter((n) => n.normalizedName.includes(query) && !seen.has(n.name) && seen.add(n.name))
      .sort((a, b) => Number(b.normalizedName === query) - Number(a.normalizedName === query) || a.normalizedName.localeCompare(b.normalizedName));
    // One read per crate on the page (at most MAX_PER_PAGE), never per version.
    const hits = await Promise.all(
      matches.slice((page - 1) * perPage, page * perPage).map(async (n) => ({ name: n.name, versions: await crateVersions(c, scope, n.name) })),
    );
    return jsonDocument(c.req.raw, JSON.stringify(searchResult(hits, matches.length)));
  });
}

// cargo owner --list --registry acme crate: GET {api}/api/v1/crates/{crate}/owners. Owners are the projects that hold
// the crate: who may publish and yank is decided by their members' roles.
export async function listOwners(c: Context<AppEnv>, scope: ReadScope): Promise<Response> {
  const rows = await crateVersions(c, scope, c.req.param("name") ?? "");
  if (rows.length === 0) throw missIn(scope, "Crate");
  const holders = new Set(rows.map((r) => r.projectId));
  const users = scope.projects.filter((p) => holders.has(p.project.id)).map((p) => ({ id: p.project.id, login: p.project.fullPath, name: p.project.name, kind: "team" }));
  return c.json({ users }, 200, { "Cache-Control": "private, no-store" });
}

function jsonDocument(request: Request, body: string): Promise<Response> {
  return document(request, body, "application/json");
}

/** A generated document with a strong ETag (its sha256), answering If-None-Match with 304. */
async function document(request: Request, body: string, contentType: string): Promise<Response> {
  const bytes = new TextEncoder().encode(body);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const etag = `"${[...digest].map((b) => b.toString(16).padStart(2, "0")).join("")}"`;
  const headers = new Headers({ "Content-Type": contentType, "Content-Length": String(bytes.byteLength), "Cache-Control": INDEX_CACHE_CONTROL, ETag: etag });
  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch?.split(",").some((t) => t.trim().replace(/^W\//, "") === etag)) return new Response(null, { status: 304, headers });
  return new Response(request.method === "HEAD" ? null : bytes, { status: 200, headers });
}
