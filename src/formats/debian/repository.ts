// apt's reads: dists/<codename>/{Release,InRelease,Release.gpg}, <component>/binary-<arch>/Packages[.gz],
// their by-hash/SHA256/<digest> copies, and pool/<codename>/<letter>/<name>/<version>/<file>.
// Indexes are generated from the distribution's one stored row (one D1 query after the scope).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import { missIn, type ReadScope } from "../../core/registry";
import { withEdgeCache } from "../../http/edge-cache";
import { serveBlob } from "../../http/serve-blob";
import { DEBIAN, distributionPackageName, type DistributionMetadata, type IndexEntry } from "./distribution";
import { indexFiles, releaseFile } from "./indexes";
import { clearsign, detachedSignature, signingSecret } from "./signing";

const encoder = new TextEncoder();

const INDEX_CACHE_CONTROL = "public, max-age=0, must-revalidate";
const FILE_CACHE_CONTROL = "public, max-age=300";

/**
 * The distributions of that codename in the scope, merged: at project level there is one; at group level
 * every readable project's distribution of that codename contributes its packages (newest first wins a slot).
 */
export async function loadDistribution(c: Context<AppEnv>, scope: ReadScope, codename: string): Promise<DistributionMetadata | null> {
  if (scope.projectIds.length === 0) return null;
  const registry = c.var.registry;
  // Packages deleted through the Packages API drop out of the index (their names are no longer installable).
  const [rows, names] = await Promise.all([
    registry.versions(scope, DEBIAN, distributionPackageName(codename), { statuses: ["hidden"] }),
    registry.packageNames(scope, DEBIAN),
  ]);
  if (rows.length === 0) return null;
  const live = new Set(names.map((n) => n.normalizedName));
  // At group level each entry names its project (GitLab's group pool path: pool/<codename>/<project id>/…).
  const metas = rows.map((r) => {
    const meta = r.metadata as unknown as DistributionMetadata;
    return scope.level === "project" ? meta : { ...meta, entries: (meta.entries ?? []).map((e) => ({ ...e, projectId: r.projectId })) };
  });
  const first = metas[0]!;
  const entries: IndexEntry[] = [];
  const seen = new Set<string>();
  for (const meta of metas) {
    for (const e of meta.entries ?? []) {
      const key = `${e.package}\0${e.version}\0${e.architecture}\0${e.component}`;
      if (seen.has(key) || !live.has(e.package)) continue;
      seen.add(key);
      entries.push(e);
    }
  }
  const updated = metas.map((m) => m.updated_at).sort().pop() ?? first.updated_at;
  return { ...first, entries, updated_at: updated };
}

export async function serveDists(c: Context<AppEnv>, scope: ReadScope, codename: string, rest: string): Promise<Response> {
  return withEdgeCache(c, scope.cache, async () => {
    const meta = await loadDistribution(c, scope, codename);
    if (!meta) throw missIn(scope, "Distribution");
    const files = await indexFiles(meta);
    if (rest === "Release" || rest === "InRelease" || rest === "Release.gpg") {
      const release = await releaseFile(meta, files, new Date());
      if (rest === "Release") return textResponse(c.req.raw, encoder.encode(release), "text/plain; charset=utf-8");
      const secret = signingSecret(c.env);
      if (!meta.signing_key || !secret || scope.level !== "project") throw new AppError("not_found", "404 Not signed");
      if (rest === "InRelease") return textResponse(c.req.raw, encoder.encode(await clearsign(secret, meta.signing_key, release)), "text/plain; charset=utf-8");
      return textResponse(c.req.raw, encoder.encode(await detachedSignature(secret, meta.signing_key, encoder.encode(release))), "application/pgp-signature");
    }
    const byHash = rest.match(/^(.+)\/by-hash\/SHA256\/([0-9a-f]{64})$/);
    if (byHash) {
      const dir = `${byHash[1]}/`;
      for (const f of files) {
        if (f.path.startsWith(dir) && !f.path.slice(dir.length).includes("/") && (await sha256(f.bytes)) === byHash[2]) return indexResponse(c.req.raw, f.path, f.bytes);
      }
      throw missIn(scope, "File");
    }
    const file = files.find((f) => f.path === rest);
    if (!file) throw missIn(scope, "File");
    return indexResponse(c.req.raw, file.path, file.bytes);
  });
}

const sha256 = async (b: Uint8Array) => [...new Uint8Array(await crypto.subtle.digest("SHA-256", b))].map((x) => x.toString(16).padStart(2, "0")).join("");

function indexResponse(request: Request, path: string, bytes: Uint8Array): Response {
  return textResponse(request, bytes, path.endsWith(".gz") ? "application/gzip" : "text/plain; charset=utf-8");
}

function textResponse(request: Request, bytes: Uint8Array, contentType: string): Response {
  const headers = new Headers({ "Content-Type": contentType, "Content-Length": String(bytes.byteLength), "Cache-Control": INDEX_CACHE_CONTROL });
  return new Response(request.method === "HEAD" ? null : bytes, { status: 200, headers });
}

export async function servePool(c: Context<AppEnv>, scope: ReadScope, p: { codename: string; name: string; version: string; fileName: string; projectId?: number }): Promise<Response> {
  return withEdgeCache(c, scope.cache, async () => {
    const projects = p.projectId === undefined ? scope.projects : scope.projects.filter((x) => x.project.id === p.projectId);
    if (projects.length === 0) throw missIn(scope, "File");
    const rows = await c.var.registry.versions(projects, DEBIAN, p.name, { version: p.version });
    const candidates = rows.flatMap((r) => r.files).filter((f) => f.fileName === p.fileName);
    candidates.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    const file = candidates.find((f) => (f.metadata as { distribution?: string }).distribution === p.codename) ?? null;
    if (!file) throw missIn(scope, "File");
    return serveBlob(c.env.BLOBS, c.req.raw, file, { contentType: "application/vnd.debian.binary-package", cacheControl: FILE_CACHE_CONTROL });
  });
}
