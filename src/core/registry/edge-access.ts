// What an anonymous pull needs to know about a place (a project, group, top-level namespace), kept at the edge
// so a cache hit reads no D1: the revisions of its projects, stored only while every one of them lets anyone
// pull. An entry lives EDGE_ACCESS_TTL_SECONDS (default 30) in this data centre's Cache API and is deleted
// here by every package write and access change handled in this data centre. The bound: a publish, delete
// or access change made in another data centre reaches anonymous readers here within that lifetime (npmjs.org's
// CDN serves packuments up to 5 minutes old); making a project private stops anonymous reads of its files
// here at once and everywhere within the lifetime. Callers with credentials never use these entries.
import type { ProjectContext } from "../tenancy";
import type { ReadScope, ScopeLevel } from "./read-scope";

const ACCESS_HOST = "https://edge-access.packyard.invalid";
export const DEFAULT_ACCESS_TTL_SECONDS = 30;

interface AccessRecord {
  revisions: string[];
}

/** The configured lifetime in seconds; 0 turns anonymous hits without D1 off. */
export function accessTtl(value: string | undefined): number {
  const n = Number(value ?? DEFAULT_ACCESS_TTL_SECONDS);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : DEFAULT_ACCESS_TTL_SECONDS;
}

const part = (s: string) => encodeURIComponent(s.toLowerCase());

function recordUrls(level: ScopeLevel): string | null {
  switch (level.kind) {
    case "project":
      return `${ACCESS_HOST}/project/${part(level.ref)}`;
    case "group":
      return `${ACCESS_HOST}/group/${part(level.ref)}/${level.includeSubgroups === false ? 0 : 1}`;
    case "root_namespace":
      return `${ACCESS_HOST}/root/${part(level.path)}`;
    case "project_paths":
    case "readable":
      // Maven's instance level names candidate paths, Conan's instance search every project: not places a
      // write can name, so not kept (D1 answers).
      return null;
  }
}

/** The revisions anonymous readers of `level` may use, if this data centre knows them. */
export async function readAccessRecord(level: ScopeLevel): Promise<string[] | null> {
  const url = recordUrls(level);
  if (!url) return null;
  const hit = await caches.default.match(url);
  if (!hit) return null;
  const record = (await hit.json().catch(() => null)) as AccessRecord | null;
  return Array.isArray(record?.revisions) ? record.revisions : null;
}

/** Keep what an anonymous read of `level` just resolved, when everything in it lets anyone pull. */
export async function writeAccessRecord(level: ScopeLevel, scope: ReadScope, ttlSeconds: number): Promise<void> {
  const url = recordUrls(level);
  if (!url || ttlSeconds <= 0 || !scope.cache.anonymousPullable) return;
  const body = JSON.stringify({ revisions: scope.cache.revisions } satisfies AccessRecord);
  await caches.default.put(url, new Response(body, { headers: { "Content-Type": "application/json", "Cache-Control": `max-age=${ttlSeconds}` } }));
}

/** Forget, in this data centre, every place a project's packages are read through (its project, groups and top namespace). */
export async function purgeAccessRecords(ctx: Pick<ProjectContext, "project" | "namespace">): Promise<void> {
  const ids = ctx.namespace.traversalIds ? ctx.namespace.traversalIds.split("/") : [];
  const paths = ctx.namespace.fullPath.split("/");
  const levels: ScopeLevel[] = [
    { kind: "project", ref: String(ctx.project.id) },
    { kind: "project", ref: ctx.project.fullPath },
    // The top-level namespace by path (npm's `@scope`) or id (Terraform's module namespace may be either).
    { kind: "root_namespace", path: paths[0] ?? "" },
    { kind: "root_namespace", path: ids[0] ?? "" },
  ];
  for (const [i, id] of ids.entries()) {
    const path = paths.slice(0, i + 1).join("/");
    for (const ref of [id, path]) {
      levels.push({ kind: "group", ref, includeSubgroups: true });
      if (i === ids.length - 1) levels.push({ kind: "group", ref, includeSubgroups: false });
    }
  }
  await Promise.all(levels.map((level) => recordUrls(level)).flatMap((url) => (url ? [caches.default.delete(url)] : [])));
}
