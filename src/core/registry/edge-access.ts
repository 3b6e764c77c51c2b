// What an anonymous pull needs to know about a place (a project, group, top-level namespace), kept at the edge
// so a cache hit reads no D1: the revisions of its projects, stored only while every one of them lets anyone
// pull. An entry lives EDGE_ACCESS_TTL_SECONDS (default 30) in this data centre's Cache API and is deleted
// here by every package write and access change handled in this data centre. Each isolate also remembers an
// entry it read for at most ACCESS_MEMO_MS (1 s), never past the entry's own expiry, and forgets it when it
// handles a write itself. The bounds: a publish, delete or access change reaches anonymous readers served by
// the isolate that handled it at once, by other isolates in its data centre within 1 s, and in other data
// centres within the lifetime (npmjs.org's CDN serves packuments up to 5 minutes old); making a project
// private stops anonymous reads of its files within those same bounds. Callers with credentials never use
// these entries.
import type { ProjectContext } from "../tenancy";
import { IsolateMemo } from "../isolate-memo";
import type { ReadScope, ScopeLevel } from "./read-scope";

const ACCESS_HOST = "https://edge-access.packyard.invalid";
export const DEFAULT_ACCESS_TTL_SECONDS = 30;
/** How long an isolate trusts an entry it read without asking the Cache API again. */
export const ACCESS_MEMO_MS = 1000;

interface AccessRecord {
  revisions: string[];
  /** When the Cache API entry expires (ms since the epoch): the memo never outlives it. */
  expiresAt?: number;
}

const memo = new IsolateMemo<string[]>(10_000);

/** The configured lifetime in seconds; 0 turns anonymous hits without D1 off. */
export function accessTtl(value: string | undefined): number {
  const n = Number(value ?? DEFAULT_ACCESS_TTL_SECONDS);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : DEFAULT_ACCESS_TTL_SECONDS;
}

const part = (s: string) => encodeURIComponent(s.toLowerCase());

/** The Cache API key of `level`'s record, or null for levels that are not kept. */
export function accessRecordUrl(level: ScopeLevel): string | null {
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

/** The revisions anonymous readers of `level` may use, if this isolate or this data centre knows them. */
export async function readAccessRecord(level: ScopeLevel): Promise<string[] | null> {
  const url = accessRecordUrl(level);
  if (!url) return null;
  const now = Date.now();
  const remembered = memo.get(url, now);
  if (remembered) return remembered;
  const hit = await caches.default.match(url);
  if (!hit) return null;
  const record = (await hit.json().catch(() => null)) as AccessRecord | null;
  if (!Array.isArray(record?.revisions)) return null;
  if (typeof record.expiresAt === "number") memo.set(url, record.revisions, Math.min(now + ACCESS_MEMO_MS, record.expiresAt), 0, now);
  return record.revisions;
}

/** Keep what an anonymous read of `level` just resolved, when everything in it lets anyone pull. */
export async function writeAccessRecord(level: ScopeLevel, scope: ReadScope, ttlSeconds: number): Promise<void> {
  const url = accessRecordUrl(level);
  if (!url || ttlSeconds <= 0 || !scope.cache.anonymousPullable) return;
  const now = Date.now();
  const expiresAt = now + ttlSeconds * 1000;
  const body = JSON.stringify({ revisions: scope.cache.revisions, expiresAt } satisfies AccessRecord);
  memo.set(url, scope.cache.revisions, Math.min(now + ACCESS_MEMO_MS, expiresAt), 0, now);
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
  const urls = levels.map((level) => accessRecordUrl(level)).filter((url) => url !== null);
  for (const url of urls) memo.delete(url);
  await Promise.all(urls.map((url) => caches.default.delete(url)));
}
