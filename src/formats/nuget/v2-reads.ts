// The v2 OData feed inside a resolved project scope: single entries, `Packages()`, `FindPackagesById()`,
// `Search()` (each with `/$count`) and downloads. Entries carry the flags NuGet 2.x installs by
// (IsLatestVersion, IsAbsoluteLatestVersion) and the SHA-512 it verifies downloads with.
// Spec: https://joelverhagen.github.io/NuGetUndocs/; ../shared/reference/clients.md "NuGet 2.8.7 on mono".
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { missIn, type ReadScope } from "../../core/registry";
import { withEdgeCache } from "../../http/edge-cache";
import { serveBlob } from "../../http/serve-blob";
import { entryDocument, feedDocument, metadataDocument, serviceDocument, type EntryUrls } from "./odata";
import { newestOfKind, NUGET, versionIn, versionsOf, viewOf, type VersionView } from "./package";
import type { NugetEndpoint } from "./paths";
import { entriesOf, idMatches, parseV2Query, sortEntries, type V2Query } from "./v2-query";
import { lowerId } from "./versions";

type Endpoint<K extends NugetEndpoint["kind"]> = Extract<NugetEndpoint, { kind: K }>;
type Entry = ReturnType<typeof entriesOf>[number];

const XML_HEADERS = { "Content-Type": "application/atom+xml;type=feed;charset=utf-8", "Cache-Control": "public, max-age=0, must-revalidate", DataServiceVersion: "2.0;" };
/** Ids whose versions one request may load when the order is not by id (every entry must be known to sort). */
const MAX_SCANNED_IDS = 200;
const BATCH = 20;

const xml = (body: string, contentType = XML_HEADERS["Content-Type"]) => new Response(body, { status: 200, headers: { ...XML_HEADERS, "Content-Type": contentType } });

/** `GET …/v2`: the service document, the first request of every NuGet 2.x command (its credentials are kept). */
export const getServiceDocument = (c: Context<AppEnv>, scope: ReadScope, v2Base: string) =>
  withEdgeCache(c, scope.cache, async () => xml(serviceDocument(v2Base), "application/xml;charset=utf-8"));

/** `GET …/v2/$metadata`. */
export const getMetadataDocument = () => xml(metadataDocument(), "application/xml;charset=utf-8");

export function getEntry(c: Context<AppEnv>, scope: ReadScope, urls: EntryUrls, e: Endpoint<"v2_entry">) {
  return withEdgeCache(c, scope.cache, async () => {
    const row = await versionIn(c.var.registry, scope, e.id, e.version);
    const view = row ? viewOf(row) : null;
    if (!view) throw missIn(scope);
    // The flags need the id's other versions; every version counts (a pinned install asks for any of them).
    const all = entriesOf(parseV2Query(new URLSearchParams("semVerLevel=2.0.0"), "Packages"), await versionsOf(c.var.registry, scope, e.id));
    const flags = all.find((entry) => entry.view.version === view.version)?.flags ?? { isLatest: false, isAbsoluteLatest: false };
    return xml(entryDocument(view, flags, urls), "application/atom+xml;type=entry;charset=utf-8");
  });
}

/**
 * The entries a collection query selects, in its order, enough of them for `skip + top` (plus one, to know
 * whether a next page exists) when the order is by id; every entry of up to MAX_SCANNED_IDS ids otherwise.
 */
async function selectEntries(c: Context<AppEnv>, scope: ReadScope, query: V2Query, wantAll: boolean): Promise<Entry[]> {
  const ids = query.ids.length > 0 ? [...new Set(query.ids)] : [...new Set((await c.var.registry.packageNames(scope, NUGET)).map((n) => n.normalizedName))];
  const candidates = ids.filter((id) => idMatches(query, id)).sort();
  const byId = query.orderBy === "id" && !wantAll;
  const limit = query.skip + query.top + 1;
  const entries: Entry[] = [];
  const scanned = byId ? candidates : candidates.slice(0, MAX_SCANNED_IDS);
  for (let i = 0; i < scanned.length && (!byId || entries.length < limit); i += BATCH) {
    const batch = await Promise.all(scanned.slice(i, i + BATCH).map((id) => versionsOf(c.var.registry, scope, id)));
    for (const versions of batch) entries.push(...sortEntries(query, entriesOf(query, versions)));
  }
  return sortEntries(query, entries);
}

export function getCollection(c: Context<AppEnv>, scope: ReadScope, urls: EntryUrls, e: Endpoint<"v2_collection">) {
  return withEdgeCache(c, scope.cache, async () => {
    const url = new URL(c.req.url);
    const query = parseV2Query(url.searchParams, e.collection);
    const entries = await selectEntries(c, scope, query, e.count || query.inlineCount);
    if (e.count) return new Response(String(entries.length), { status: 200, headers: { "Content-Type": "text/plain;charset=utf-8", "Cache-Control": XML_HEADERS["Cache-Control"] } });
    const page = entries.slice(query.skip, query.skip + query.top);
    let next: string | null = null;
    if (entries.length > query.skip + query.top && query.top > 0) {
      const nextUrl = new URL(url);
      nextUrl.searchParams.set("$skip", String(query.skip + query.top));
      next = nextUrl.toString();
    }
    const updated = new Date(Math.max(0, ...page.map((entry) => entry.view.updated.getTime())));
    return xml(feedDocument({ title: e.collection, self: url.toString(), entries: page, count: query.inlineCount ? entries.length : null, next, updated }, urls));
  });
}

/** `GET …/v2/download/<id>/<version>`: the newest .nupkg of the version. */
export function getDownload(c: Context<AppEnv>, scope: ReadScope, e: Endpoint<"v2_download">) {
  return withEdgeCache(c, scope.cache, async () => {
    const row = await versionIn(c.var.registry, scope, e.id, e.version);
    const file = row ? newestOfKind(row, "package") : undefined;
    if (!file) throw missIn(scope);
    return serveBlob(c.env.BLOBS, c.req.raw, file, { contentType: "application/octet-stream", cacheControl: "public, max-age=300" });
  });
}

/** Where v2 entries point: the project's flat container. */
export function entryUrlsFor(base: string): EntryUrls {
  return {
    v2Base: `${base}/v2`,
    content: (v: VersionView) => {
      const id = encodeURIComponent(lowerId(v.id));
      const version = encodeURIComponent(v.version.toLowerCase());
      return `${base}/download/${id}/${version}/${id}.${version}.nupkg`;
    },
  };
}
