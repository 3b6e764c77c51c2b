// npm reads: packuments (full and abbreviated), tarballs, dist-tags, search and audit. Each handler starts
// with the read scope its route declared (src/formats/npm/routes.ts). Anonymous pulls of packages anyone
// may pull go through the edge cache, keyed by the scope's revisions.
// Spec: ../shared/reference/gitlab-spec.md §1 "Endpoints".
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { missIn, newestFile, newestPerVersion, type ReadScope } from "../../core/registry";
import { withEdgeCache } from "../../http/edge-cache";
import { scopeOf } from "../../http/access";
import { serveBlob } from "../../http/serve-blob";
import type { NpmRequest } from "./access";
import { ABBREVIATED_TYPE, buildPackument, buildSearchResult, distTagsOf, matchesSearch, wantsAbbreviated, type SearchHit } from "./metadata";
import { AppError } from "../../core/errors";
import { getNamedPackage, PACKAGE_TYPE } from "./package";
import { scopeOf as scopeOfName, type NpmEndpoint } from "./parse";
import { FORWARDED_HEADER, forwardAudit, orForwarded } from "../../core/forwarding";
import { forwardPackument, forwardTarball } from "./forwarding";

type Endpoint<K extends NpmEndpoint["kind"]> = NpmRequest<Extract<NpmEndpoint, { kind: K }>>;

const jsonResponse = (body: unknown, contentType = "application/json; charset=utf-8") =>
  new Response(JSON.stringify(body), { headers: { "Content-Type": contentType, "Cache-Control": "public, max-age=0, must-revalidate", Vary: "Accept" } });


/** `_rev` for the packument: npm unpublish echoes it in `/-rev/<rev>` paths. */
const revOf = (scope: ReadScope) => scope.cache.revisions.join(".") || "0";

/**
 * GET <prefix>/@scope%2fname (npm install: Accept install-v1 first; npm view and ?write=true: application/json).
 * npm publish sends two of these before its PUT and expects 404 for a new package.
 */
export async function getPackument(c: Context<AppEnv>, { endpoint: { name }, prefix }: Endpoint<"packument">): Promise<Response> {
  const scope = scopeOf(c);
  const abbreviated = wantsAbbreviated(c.req.header("accept"));
  const local = () =>
    withEdgeCache(c, scope.cache, async () => {
      const pkg = await getNamedPackage(c.var.registry, scope, name);
      if (pkg.versions.length === 0) throw missIn(scope);
      const document = buildPackument({ name, versions: pkg.versions, tags: pkg.tags, tarballUrl: (file) => `${prefix}/${name}/-/${file}`, rev: revOf(scope) }, abbreviated);
      return jsonResponse(document, abbreviated ? `${ABBREVIATED_TYPE}; charset=utf-8` : "application/json; charset=utf-8");
    });
  // A name this level does not have: forwarded to the npm upstream when the level's settings say so, unless
  // the client asks about this registry's own state before a write (npm publish expects its 404 here).
  return orForwarded(local, () => (readsBeforeWrite(c) ? Promise.resolve(null) : forwardPackument(c, scope, name, prefix)));
}

/** npm's reads before a write: `?write=true`, or the command it names in `npm-command` (publish, unpublish, dist-tag …). */
function readsBeforeWrite(c: Context<AppEnv>): boolean {
  const command = c.req.header("npm-command") ?? "";
  return c.req.query("write") === "true" || ["publish", "unpublish", "deprecate", "undeprecate", "dist-tag", "owner", "access"].includes(command);
}

/** GET <prefix>/@scope/name/-/@scope/name-1.0.0.tgz: the URL `dist.tarball` gave (npm, pnpm, yarn). */
export async function getTarball(c: Context<AppEnv>, { endpoint: { name, fileName } }: Endpoint<"tarball">): Promise<Response> {
  const scope = scopeOf(c);
  const version = versionFromFileName(name, fileName);
  const local = () =>
    withEdgeCache(c, scope.cache, async () => {
      const rows = version ? newestPerVersion(await c.var.registry.versions(scope, PACKAGE_TYPE, name, { version })) : [];
      const file = rows[0] ? newestFile(rows[0].files, `${name}-${version}.tgz`) : undefined;
      if (!file) throw missIn(scope, "Package file");
      return serveBlob(c.env.BLOBS, c.req.raw, file, { contentType: "application/octet-stream", cacheControl: "public, max-age=3600" });
    });
  return orForwarded(local, () => forwardTarball(c, scope, name, fileName));
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
export async function getDistTags(c: Context<AppEnv>, { endpoint: { name } }: Endpoint<"dist_tags">): Promise<Response> {
  const scope = scopeOf(c);
  return withEdgeCache(c, scope.cache, async () => {
    const pkg = await getNamedPackage(c.var.registry, scope, name);
    if (pkg.versions.length === 0) throw missIn(scope);
    return jsonResponse(distTagsOf(pkg.versions.map((v) => v.version), pkg.tags));
  });
}

const MAX_SEARCH_CANDIDATES = 100;

/**
 * GET <prefix>/-/v1/search?text=…&size=20&from=0 (npm search). Instance level searches the top-level
 * namespace named by an `@scope` word in the text (its scope was resolved by the route), and answers
 * nothing without one.
 */
export async function searchPackages(c: Context<AppEnv>, { level }: Endpoint<"search">): Promise<Response> {
  const text = (c.req.query("text") ?? "").slice(0, 256);
  const size = Math.min(Math.max(Number(c.req.query("size")) || 20, 1), 250);
  const from = Math.max(Number(c.req.query("from")) || 0, 0);
  const scope = c.get("scope");
  if (!scope) return jsonResponse(buildSearchResult([], 0));
  const registry = c.var.registry;
  const namespace = level.kind === "instance" ? scope.namespace?.path.toLowerCase() : undefined;
  const names = await registry.packageNames(scope, PACKAGE_TYPE);
  const hits: SearchHit[] = [];
  for (const { name } of names.slice(0, MAX_SEARCH_CANDIDATES)) {
    if (namespace !== undefined && scopeOfName(name)?.toLowerCase() !== namespace) continue;
    const pkg = await getNamedPackage(registry, scope, name);
    const latestVersion = distTagsOf(pkg.versions.map((v) => v.version), pkg.tags).latest;
    const latest = pkg.versions.find((v) => v.version === latestVersion);
    if (latest && matchesSearch(text, name, latest.manifest)) hits.push({ name, latest });
  }
  return jsonResponse(buildSearchResult(hits.slice(from, from + size), hits.length));
}

/**
 * POST <prefix>/-/npm/v1/security/advisories/bulk and …/audits/quick (npm install, npm audit): forwarded to the
 * npm upstream, body as sent, when the level forwards npm (docs/forwarding.md). Otherwise nothing is checked and
 * Packyard never says otherwise: GitLab with forwarding off answers 401 without credentials and 404 at group and
 * instance level (lib/api/concerns/packages/npm_endpoints.rb redirect_or_present_audit_report); at project level
 * GitLab answers `[]`, which npm reports as "found 0 vulnerabilities", so Packyard answers the 404 there too.
 * npm install then skips its audit line; npm audit says "audit endpoint returned an error" with this message.
 */
export async function answerAudit(c: Context<AppEnv>, { endpoint: { quick } }: Endpoint<"audit">): Promise<Response> {
  const path = quick ? "/-/npm/v1/security/audits/quick" : "/-/npm/v1/security/advisories/bulk";
  const headers: Record<string, string> = { "content-type": c.req.header("content-type") ?? "application/json" };
  const encoding = c.req.header("content-encoding");
  if (encoding) headers["content-encoding"] = encoding;
  const forwarded = await forwardAudit(c.var.registry, c.env, c.get("scope") ?? null, path, c.req.raw.body, headers);
  if (forwarded) return new Response(forwarded.text, { status: forwarded.status, headers: { "Content-Type": forwarded.contentType, "Cache-Control": "private, no-store", [FORWARDED_HEADER]: "MISS" } });
  if (c.var.registry.isAnonymous) throw new AppError("unauthorized");
  throw new AppError("not_found", AUDIT_UNAVAILABLE);
}

export const AUDIT_UNAVAILABLE = "404 Not Found - no security advisories here: npm audit requests are forwarded only where npm request forwarding is on, so nothing was checked";
