// npm request forwarding (docs/forwarding.md): a name not found at this level is fetched from the npm
// upstream (where the level's settings forward it) and kept. GitLab answers a 302 to npmjs.org instead;
// Packyard serves the upstream's packument itself with every `dist.tarball` pointing back at this level, so
// the tarball is fetched once, verified against `dist.integrity` (sha512) or `dist.shasum` (sha1) and kept.
//
//   GET <prefix>/@scope%2fname      local miss → upstream GET <upstream>/@scope%2fname (install-v1 first) → tarball URLs rewritten
//   GET <prefix>/name/-/name-1.0.0.tgz  local miss → the kept tarball, or the packument's dist.tarball fetched and verified
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import { FORWARDED_HEADER, forwarderFor, type Forwarder } from "../../core/forwarding";
import type { ReadScope } from "../../core/registry";
import { serveBlob } from "../../http/serve-blob";
import { isObject, scopeOf as scopeOfName } from "./parse";
import { PACKAGE_TYPE } from "./package";

/** The packument as the upstream sent it (kept as is: install-v1 when the upstream speaks it, else full). */
type Packument = { versions?: Record<string, { dist?: { tarball?: string; integrity?: string; shasum?: string } }> } & Record<string, unknown>;

const ACCEPT = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*";

/** `@scope/name` travels as `@scope%2fname`, as npm sends it. */
const upstreamPath = (name: string) => name.replace("/", "%2f");

function packumentOf(text: string): Packument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new AppError("bad_gateway", "502 Bad Gateway - the npm upstream sent a packument that is not JSON");
  }
  if (!isObject(doc) || !isObject(doc.versions)) throw new AppError("bad_gateway", "502 Bad Gateway - the npm upstream sent a packument without versions");
  return doc as Packument;
}

/** What is kept of the upstream's packument: its text, once it parsed as one. */
function checkedPackument(text: string): string {
  packumentOf(text);
  return text;
}

async function upstreamPackument(forwarder: Forwarder, name: string) {
  const kept = await forwarder.metadata({ url: `${forwarder.upstream.base}/${upstreamPath(name)}`, headers: { accept: ACCEPT }, keep: checkedPackument });
  return kept ? { doc: packumentOf(kept.text), state: kept.state } : null;
}

const basename = (url: string) => decodeURIComponent(url.split("?")[0]!.split("/").pop() ?? "");

/**
 * The npm forwarder for `name` at this level. Beyond GitLab: a name under the level's own top-level namespace
 * scope (`@acme/…` in group `acme` or below) is never forwarded, so nobody can shadow the group's own scope
 * by publishing it on the public registry.
 */
async function npmForwarder(c: Context<AppEnv>, scope: ReadScope, name: string): Promise<Forwarder | null> {
  const root = (scope.level === "project" ? scope.projects[0]?.project.fullPath : scope.namespace?.fullPath)?.split("/")[0]?.toLowerCase();
  if (root && scopeOfName(name)?.toLowerCase() === root) return null;
  return forwarderFor(c.var.registry, c.env, scope, PACKAGE_TYPE, name);
}

/** The packument for a forwarded name, tarballs served from this level; null when it is not forwarded. */
export async function forwardPackument(c: Context<AppEnv>, scope: ReadScope, name: string, prefix: string): Promise<Response | null> {
  const forwarder = await npmForwarder(c, scope, name);
  if (!forwarder) return null;
  const found = await upstreamPackument(forwarder, name);
  if (!found) return null;
  for (const version of Object.values(found.doc.versions ?? {})) {
    if (isObject(version) && isObject(version.dist) && typeof version.dist.tarball === "string") version.dist.tarball = `${prefix}/${name}/-/${basename(version.dist.tarball)}`;
  }
  return new Response(JSON.stringify(found.doc), {
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "private, no-cache", Vary: "Accept", [FORWARDED_HEADER]: found.state },
  });
}

/** A tarball of a forwarded name: kept, or fetched and verified against the packument's digests. */
export async function forwardTarball(c: Context<AppEnv>, scope: ReadScope, name: string, fileName: string): Promise<Response | null> {
  const forwarder = await npmForwarder(c, scope, name);
  if (!forwarder) return null;
  let dist: { tarball?: string; integrity?: string; shasum?: string } | undefined;
  const kept = await forwarder.kept(fileName);
  if (!kept) {
    const found = await upstreamPackument(forwarder, name);
    dist = Object.values(found?.doc.versions ?? {}).find((v) => isObject(v) && typeof v.dist?.tarball === "string" && basename(v.dist.tarball) === fileName)?.dist;
    if (!dist?.tarball) return null;
  }
  const result = await forwarder.file(fileName, sameOrigin(forwarder, dist?.tarball, name, fileName), async () => digestsOf(dist ?? {}));
  if (!result) return null;
  return serveBlob(c.env.BLOBS, c.req.raw, result.file, {
    contentType: "application/octet-stream",
    cacheControl: "private, max-age=3600",
    extraHeaders: { [FORWARDED_HEADER]: result.state },
  });
}

/** The packument's tarball URL when it is on the upstream's own origin; otherwise the registry's standard path there. */
function sameOrigin(forwarder: Forwarder, tarball: string | undefined, name: string, fileName: string): string {
  const standard = `${forwarder.upstream.base}/${name}/-/${encodeURIComponent(fileName)}`;
  if (!tarball) return standard;
  try {
    return new URL(tarball).origin === new URL(forwarder.upstream.base).origin ? tarball : standard;
  } catch {
    return standard;
  }
}

/** `dist.integrity` (sha512, base64) and `dist.shasum` (sha1, hex) as hex digests to verify against. */
export function digestsOf(dist: { integrity?: string; shasum?: string }): { sha512?: string; sha1?: string } {
  const out: { sha512?: string; sha1?: string } = {};
  const sri = (dist.integrity ?? "").split(/\s+/).find((entry) => entry.startsWith("sha512-"));
  if (sri) out.sha512 = base64ToHex(sri.slice("sha512-".length));
  if (typeof dist.shasum === "string" && /^[0-9a-f]{40}$/i.test(dist.shasum)) out.sha1 = dist.shasum.toLowerCase();
  return out;
}

function base64ToHex(base64: string): string {
  const binary = atob(base64);
  let hex = "";
  for (let i = 0; i < binary.length; i++) hex += binary.charCodeAt(i).toString(16).padStart(2, "0");
  return hex;
}
