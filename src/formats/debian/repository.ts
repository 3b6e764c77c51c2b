// apt's reads: dists/<codename>/{Release,InRelease,Release.gpg}, <component>/{binary-<arch>,
// debian-installer/binary-<arch>}/Packages[.gz], <component>/source/Sources[.gz], their by-hash/SHA256/<digest>
// copies, and pool/<codename>/[<project id>/]<letter>/<name>/<version>/<file>.
//
// Index files are built, signed and kept together (index-cache.ts), keyed by the scope's project revisions,
// which every package write, delete and access change bumps:
//   hit:  the scope (resolved by the route) + one Cache API read; no D1 query.
//   miss: + the distribution row(s) and the distribution's files, two queries whatever the number of
//         packages; then every index file is built, Release signed once, and all are stored for the next
//         reads of that revision.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import { missIn, type ReadScope } from "../../core/registry";
import { withEdgeCache } from "../../http/edge-cache";
import { serveBlob } from "../../http/serve-blob";
import { projectStore } from "./distributions";
import { DEBIAN, DISTRIBUTIONS, type Distribution } from "./distribution";
import { groupDistribution } from "./group-distributions";
import { IndexCache, type IndexBundle, type ReleaseSet } from "./index-cache";
import { buildIndexes, pathByHash } from "./indexes";
import { clearsign, detachedSignature, signingSecret } from "./signing";

const encoder = new TextEncoder();
const INDEX_CACHE_CONTROL = "public, max-age=0, must-revalidate";
const FILE_CACHE_CONTROL = "public, max-age=300";
const INDEX_PATH = /^[a-z0-9][a-z0-9-]*\/(?:binary-[a-z0-9-]+|debian-installer\/binary-[a-z0-9-]+|source)\/(?:Packages|Sources)(?:\.gz)?$/;
const BY_HASH = /^([a-z0-9][a-z0-9-]*\/(?:binary-[a-z0-9-]+|debian-installer\/binary-[a-z0-9-]+|source))\/by-hash\/SHA256\/([0-9a-f]{64})$/;

const SIGNED = { InRelease: "inRelease", "Release.gpg": "releaseGpg", Release: "release" } as const;

export async function serveDists(c: Context<AppEnv>, scope: ReadScope, codename: string, rest: string): Promise<Response> {
  const byHash = rest.match(BY_HASH);
  const releasePart = SIGNED[rest as keyof typeof SIGNED];
  if (!byHash && !releasePart && !INDEX_PATH.test(rest)) throw missIn(scope, "File");
  // At group level the group's own distribution (one query) is part of every cache key: its fields and key
  // change without any project's revision moving.
  const group = scope.level === "project" || !scope.namespace ? null : await groupDistribution(c, scope.namespace, codename);
  // GitLab answers a group repository from the group's own distribution of that codename (404 without one).
  if (group && !group.distribution) throw missIn(scope, "Distribution");
  const edge = group ? { ...scope.cache, revisions: [...scope.cache.revisions, group.revision] } : scope.cache;
  const from = group ? publicProjectsOf(scope) : scope;
  return withEdgeCache(c, edge, async () => {
    const cache = await IndexCache.open(c, from, codename, group?.revision ?? "", group?.distribution ? `g${group.distribution.id}` : "");
    // by-hash: content addressed by its digest, kept across revisions (an InRelease read a moment ago).
    if (byHash) {
      const kept = await cache.getByHash(byHash[2]!);
      if (kept) return respond(c.req.raw, kept[0] === 0x1f && kept[1] === 0x8b ? "by-hash.gz" : "by-hash", kept);
    }
    let bundle: IndexBundle | null = null;
    const built = async (): Promise<IndexBundle> => {
      bundle ??= await buildBundle(c, from, codename, group?.distribution ?? null);
      if (!bundle) throw missIn(scope, "Distribution");
      cache.store(bundle);
      return bundle;
    };
    const releases: ReleaseSet = (await cache.releaseSet()) ?? (await built());
    if (releasePart) {
      const text = releases[releasePart];
      if (text === null) throw new AppError("not_found", "404 Not signed");
      return respond(c.req.raw, rest, encoder.encode(text));
    }
    // Only paths Release lists are served (a request for anything else never starts a build).
    const path = byHash ? pathByHash(releases.release, byHash[1]!, byHash[2]!) : listed(releases.release, rest) ? rest : null;
    if (!path) throw missIn(scope, "File");
    const bytes = (await cache.get(path)) ?? (await built()).files.get(path);
    if (!bytes) throw missIn(scope, "File");
    return respond(c.req.raw, path, bytes);
  });
}

const listed = (release: string, path: string) => release.includes(` ${path}\n`);

/**
 * The group repository lists the packages of the group's public projects only (GitLab's
 * GroupDistribution#packages: `group.all_projects.public_only`), among those the caller may read. The cache
 * keys keep the revisions of every readable project: a visibility change bumps its project's revision.
 */
function publicProjectsOf(scope: ReadScope): ReadScope {
  const projects = scope.projects.filter((p) => p.subject.visibility === "public");
  return { ...scope, projects, projectIds: projects.map((p) => p.project.id) };
}

/**
 * The distribution whose fields and key make Release, and each project's distribution id (files of other
 * ids are left out). Group level: the group's own distribution, over the projects' distributions of that codename.
 */
async function distributionsIn(c: Context<AppEnv>, scope: ReadScope, codename: string, group: Distribution | null): Promise<{ main: Distribution | null; ids: Map<number, number> }> {
  if (scope.level === "project" || !group) {
    const main = scope.projects[0] ? await projectStore(c, scope.projects[0]).get(codename) : null;
    return { main, ids: new Map(main ? [[main.projectId!, main.id]] : []) };
  }
  const rows = scope.projectIds.length ? await c.var.registry.versions(scope, DEBIAN, DISTRIBUTIONS, { statuses: ["hidden"], version: codename }) : [];
  return { main: group, ids: new Map(rows.map((r) => [r.projectId, r.id])) };
}

async function buildBundle(c: Context<AppEnv>, scope: ReadScope, codename: string, group: Distribution | null): Promise<IndexBundle | null> {
  if (scope.projectIds.length === 0 && !group) return null;
  const [{ main, ids }, files] = await Promise.all([
    distributionsIn(c, scope, codename, group),
    scope.projectIds.length ? c.var.registry.filesByMetadata(scope, DEBIAN, "distribution", codename) : Promise.resolve([]),
  ]);
  if (!main) return null;
  const { files: indexFiles, release } = await buildIndexes({ fields: main.distribution, files, distributionIds: ids, group: scope.level !== "project" }, new Date());
  const secret = signingSecret(c.env);
  const key = main.signing_key && secret ? main.signing_key : null;
  const [inRelease, releaseGpg] = key ? await Promise.all([clearsign(secret!, key, release), detachedSignature(secret!, key, encoder.encode(release))]) : [null, null];
  return { files: new Map(indexFiles.map((f) => [f.path, f.bytes])), release, inRelease, releaseGpg };
}

function respond(request: Request, path: string, bytes: Uint8Array): Response {
  const type = path.endsWith(".gz") ? "application/gzip" : path === "Release.gpg" ? "application/pgp-signature" : "text/plain; charset=utf-8";
  const headers = new Headers({ "Content-Type": type, "Content-Length": String(bytes.byteLength), "Cache-Control": INDEX_CACHE_CONTROL, "X-Content-Type-Options": "nosniff" });
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
    return serveBlob(c.env.BLOBS, c.req.raw, file, { contentType: contentTypeOf(p.fileName), cacheControl: FILE_CACHE_CONTROL });
  });
}

function contentTypeOf(fileName: string): string {
  if (/\.(deb|udeb|ddeb)$/.test(fileName)) return "application/vnd.debian.binary-package";
  if (/\.(dsc|changes|buildinfo)$/.test(fileName)) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}
