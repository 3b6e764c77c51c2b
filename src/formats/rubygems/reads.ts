// What `gem install`, `bundle install` and older clients read from a project: the source root (2xx: the
// compact index exists), the compact index, the Marshal indexes, quick gemspecs, the dependency API and
// the .gem files. Documents are generated from the project's rows inside one read scope and cached at the
// edge for anonymous pulls of public packages (keys change with every publish or yank).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { badRequest } from "../../core/errors";
import { missIn, type ReadScope } from "../../core/registry";
import { withEdgeCache } from "../../http/edge-cache";
import { serveBlob } from "../../http/serve-blob";
import { buildInfo, buildNames, buildVersions } from "./compact-index";
import { compress, conditionalResponse, documentResponse, md5Hex, type GeneratedDocument } from "./documents";
import { isValidGemName, isValidPlatform, isValidVersion } from "./gemspec";
import { dependenciesMarshal, gemspecMarshal, selectSpecs, specsMarshal, type SpecsKind } from "./legacy-index";
import { releasesOf, RUBYGEMS, type GemRelease } from "./release";

const TEXT = "text/plain; charset=utf-8";
const BINARY = "application/octet-stream";
const GEM_CACHE_CONTROL = "public, max-age=31536000, immutable";
/** Bundler asks for at most 100 names a request (Source::Rubygems::API_REQUEST_SIZE); rubygems.org allows 200. */
const MAX_DEPENDENCY_NAMES = 200;
const encoder = new TextEncoder();

/** A generated document through the edge cache, then the client's conditional or ranged form of it. */
async function serveDocument(c: Context<AppEnv>, scope: ReadScope, build: () => Promise<GeneratedDocument>): Promise<Response> {
  const full = await withEdgeCache(c, scope.cache, async () => documentResponse(await build()));
  return conditionalResponse(c.req.raw, full);
}

/** How many gems' versions are read at once for the whole-project documents. */
const PARALLEL_READS = 16;

/**
 * Every release of every gem in the scope: the names, then each name's versions, PARALLEL_READS at a time.
 * (The registry context has no read of every version of a type; see docs/formats/rubygems.md.)
 */
async function allReleases(c: Context<AppEnv>, scope: ReadScope): Promise<Map<string, GemRelease[]>> {
  const registry = c.var.registry;
  const names = await registry.packageNames(scope, RUBYGEMS);
  const out = new Map<string, GemRelease[]>();
  for (let i = 0; i < names.length; i += PARALLEL_READS) {
    const batch = names.slice(i, i + PARALLEL_READS);
    const rows = await Promise.all(batch.map((n) => registry.versions(scope, RUBYGEMS, n.normalizedName)));
    batch.forEach((n, j) => {
      out.set(n.name, releasesOf(rows[j] ?? []));
    });
  }
  return out;
}

async function releasesOfGem(c: Context<AppEnv>, scope: ReadScope, name: string): Promise<GemRelease[]> {
  return releasesOf(await c.var.registry.versions(scope, RUBYGEMS, name));
}

// HEAD <source>/ : RubyGems 3.x switches to the compact index (info/<gem>) when this is a 2xx.
export function sourceRoot(c: Context<AppEnv>): Response {
  return new Response(c.req.method === "HEAD" ? null : "", { status: 200, headers: { "Content-Type": TEXT, "Cache-Control": "max-age=0, must-revalidate" } });
}

export const names = (c: Context<AppEnv>, scope: ReadScope) =>
  serveDocument(c, scope, async () => ({ body: encoder.encode(buildNames([...(await allReleases(c, scope)).entries()].filter(([, r]) => r.length > 0).map(([n]) => n))), contentType: TEXT }));

export const versions = (c: Context<AppEnv>, scope: ReadScope) =>
  serveDocument(c, scope, async () => {
    const all = await allReleases(c, scope);
    const entries = await Promise.all([...all].map(async ([name, releases]) => ({ name, releases, infoMd5: await md5Hex(encoder.encode(buildInfo(releases))) })));
    return { body: encoder.encode(buildVersions(entries)), contentType: TEXT };
  });

export async function info(c: Context<AppEnv>, scope: ReadScope, name: string) {
  if (!isValidGemName(name)) throw missIn(scope);
  return serveDocument(c, scope, async () => {
    const releases = await releasesOfGem(c, scope, name);
    if (releases.length === 0) throw missIn(scope);
    return { body: encoder.encode(buildInfo(releases)), contentType: TEXT };
  });
}

const SPECS_FILES: Record<string, SpecsKind> = {
  "specs.4.8.gz": "specs",
  "latest_specs.4.8.gz": "latest_specs",
  "prerelease_specs.4.8.gz": "prerelease_specs",
};

export async function specsIndex(c: Context<AppEnv>, scope: ReadScope, fileName: string) {
  const kind = SPECS_FILES[fileName];
  if (!kind) throw missIn(scope, "File");
  return serveDocument(c, scope, async () => {
    const releases = [...(await allReleases(c, scope)).values()].flat();
    return { body: await compress(specsMarshal(selectSpecs(kind, releases)), "gzip"), contentType: BINARY };
  });
}

/** `quick/Marshal.4.8/<name>-<version>[-<platform>].gemspec.rz` */
export async function quickSpec(c: Context<AppEnv>, scope: ReadScope, fileName: string) {
  const fullName = fileName.endsWith(".gemspec.rz") ? fileName.slice(0, -".gemspec.rz".length) : null;
  if (!fullName) throw missIn(scope, "File");
  return serveDocument(c, scope, async () => {
    const release = await releaseByFullName(c, scope, fullName);
    return { body: await compress(gemspecMarshal(release), "deflate"), contentType: BINARY };
  });
}

/** `gems/<name>-<version>[-<platform>].gem`: the newest upload of that file. */
export async function gemFile(c: Context<AppEnv>, scope: ReadScope, fileName: string) {
  const fullName = fileName.endsWith(".gem") ? fileName.slice(0, -".gem".length) : null;
  if (!fullName) throw missIn(scope, "File");
  return withEdgeCache(c, scope.cache, async () => {
    const release = await releaseByFullName(c, scope, fullName);
    return serveBlob(c.env.BLOBS, c.req.raw, release.file, { contentType: BINARY, cacheControl: GEM_CACHE_CONTROL });
  });
}

/**
 * A full name splits as `<name>-<version>[-<platform>]`, but names and platforms may hold `-` too: every
 * split whose version part is a valid version is a candidate (rarely more than one), looked up in turn.
 */
async function releaseByFullName(c: Context<AppEnv>, scope: ReadScope, fullName: string): Promise<GemRelease> {
  const parts = fullName.split("-");
  for (let i = 1; i < parts.length && i <= 8; i++) {
    const name = parts.slice(0, i).join("-");
    const version = parts[i] ?? "";
    const platform = parts.slice(i + 1).join("-") || "ruby";
    if (!isValidGemName(name) || !isValidVersion(version) || !isValidPlatform(platform)) continue;
    const releases = releasesOf(await c.var.registry.versions(scope, RUBYGEMS, name, { version }));
    const found = releases.find((r) => r.platform === platform);
    if (found) return found;
  }
  throw missIn(scope, "File");
}

/** `/api/v1/dependencies?gems=a,b`: Bundler's older API; without `gems` an empty list (it only checks for a 200). */
export async function dependencies(c: Context<AppEnv>, scope: ReadScope) {
  const requested = [...new Set((c.req.query("gems") ?? "").split(",").map((n) => n.trim()).filter((n) => n !== ""))];
  if (requested.length > MAX_DEPENDENCY_NAMES) throw badRequest(`400 Bad request - at most ${MAX_DEPENDENCY_NAMES} gems per request`);
  return serveDocument(c, scope, async () => {
    const valid = requested.filter(isValidGemName).sort();
    const releases = (await Promise.all(valid.map((name) => releasesOfGem(c, scope, name)))).flat();
    return { body: dependenciesMarshal(releases), contentType: BINARY };
  });
}
