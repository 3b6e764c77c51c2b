// The edge cache for anonymous pulls. Only requests without any credential, for packages anyone may
// pull, touch the Cache API; keys carry the projects' packages_revision, which every package write and
// every access change bumps, so a change is visible at once without purging (caches.default is per
// data centre and delete purges only the local one). `X-Packyard-Cache` says HIT, MISS or BYPASS.
// A key depends only on the request (URL, the headers in KEY_HEADERS) and the revisions, so the access
// middleware can find a hit before anything reads D1 (src/core/registry/edge-access.ts).
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ANONYMOUS } from "../core/auth/actor";
import { carriesCredentials } from "../core/auth/credentials";
import { decide, type ProjectSubject } from "../core/auth/policy";
import { sha256Hex } from "../core/auth/secrets";
import { IsolateMemo } from "../core/isolate-memo";

export const CACHE_STATUS_HEADER = "X-Packyard-Cache";
const CACHE_HOST = "https://edge-cache.packyard.invalid";
const CLIENT_CACHE_CONTROL = "X-Packyard-Client-Cache-Control";
const STORED_TTL_SECONDS = 7 * 24 * 3600;
const MAX_CACHED_BYTES = 64 * 1024 * 1024;
/** What an isolate keeps of stored responses (Workers give an isolate 128 MB), and the largest one it keeps. */
const MEMO_BYTES = 16 * 1024 * 1024;
const MEMO_ENTRY_BYTES = 1024 * 1024;

export interface CacheScope {
  /** True only when every project behind the response lets anonymous users pull. */
  anonymousPullable: boolean;
  /** Revision parts (e.g. `p12r40`): any change to them changes the key. */
  revisions: string[];
  /**
   * A variant the handler derives from the request beyond KEY_HEADERS (Composer 1 or 2 from User-Agent).
   * Such responses are still cached, but only found once the handler runs (one D1 round trip).
   */
  variant?: string;
}

/** The request headers every key carries: content negotiation (npm, PyPI), byte ranges, NuGet's symbol checksum. */
const KEY_HEADERS = ["accept", "range", "symbolchecksum"];

/** What a key is made of: everything the response depends on, as one string (the isolate memo's key). */
function keyParts(request: Request, revisions: string[], variant: string) {
  const url = new URL(request.url);
  const headers = KEY_HEADERS.map((h) => `${h}=${request.headers.get(h) ?? ""}`).join("&");
  // Scheme and host are part of the key: documents embed absolute URLs built from the request.
  const prefix = `${url.protocol}//${url.host}|${revisions.join(",")}|${headers}|${variant}`;
  const path = `${url.pathname}?${url.searchParams.toString()}`;
  return { memoKey: `${prefix}|${path}`, prefix, path };
}

async function cacheKeyOf(parts: { prefix: string; path: string }): Promise<Request> {
  return new Request(`${CACHE_HOST}/${await sha256Hex(parts.prefix)}${parts.path}`);
}

/** The Cache API key of an anonymous GET for these revisions. */
export function edgeCacheKey(request: Request, revisions: string[], variant = ""): Promise<Request> {
  return cacheKeyOf(keyParts(request, revisions, variant));
}

/** Whether a request may be answered from, and stored in, the shared cache (a GET with no credential). */
export const edgeCacheable = (request: Request) => request.method === "GET" && !carriesCredentials(request.headers, new URL(request.url));

/**
 * Small stored responses this isolate has served, by key. A key names the revisions its response was built
 * from, so a remembered copy is exactly what the Cache API holds under it, for as long as it holds it.
 */
const remembered = new IsolateMemo<{ status: number; headers: [string, string][]; body: ArrayBuffer }>(2_000, MEMO_BYTES);

/** A stored response for these revisions, marked HIT, or null. */
export async function edgeCacheHit(request: Request, revisions: string[], variant = ""): Promise<Response | null> {
  const parts = keyParts(request, revisions, variant);
  const copy = remembered.get(parts.memoKey);
  if (copy) return hitResponse(copy.body, copy.status, new Headers(copy.headers));
  const hit = await caches.default.match(await cacheKeyOf(parts));
  if (!hit) return null;
  const headers = new Headers(hit.headers);
  const length = Number(headers.get("content-length") ?? Number.NaN);
  if (!hit.body || !(length <= MEMO_ENTRY_BYTES)) return hitResponse(hit.body, hit.status, headers);
  const body = await hit.arrayBuffer();
  remembered.set(parts.memoKey, { status: hit.status, headers: [...headers], body }, Date.now() + STORED_TTL_SECONDS * 1000, body.byteLength + parts.memoKey.length);
  return hitResponse(body, hit.status, headers);
}

function hitResponse(body: ArrayBuffer | ReadableStream | null, status: number, headers: Headers): Response {
  restoreClientCacheControl(headers);
  headers.set(CACHE_STATUS_HEADER, "HIT");
  // A Response copies an ArrayBuffer it is given, so the remembered bytes stay whole for the next hit.
  return new Response(body, { status, headers });
}

export async function withEdgeCache(c: Context<AppEnv>, scope: CacheScope, build: () => Promise<Response>): Promise<Response> {
  const request = c.req.raw;
  const cacheable = edgeCacheable(request) && scope.anonymousPullable;
  if (!cacheable) {
    const response = await build();
    return markPrivate(response, "BYPASS");
  }
  const hit = await edgeCacheHit(request, scope.revisions, scope.variant);
  if (hit) return hit;
  const key = await edgeCacheKey(request, scope.revisions, scope.variant);
  const cache = caches.default;
  const response = await build();
  const length = Number(response.headers.get("content-length") ?? "0");
  if (response.status !== 200 || !response.body || length > MAX_CACHED_BYTES) return withStatus(response, "MISS");
  const [toClient, toCache] = response.body.tee();
  const stored = new Headers(response.headers);
  stored.set(CLIENT_CACHE_CONTROL, response.headers.get("cache-control") ?? "");
  stored.set("Cache-Control", `public, s-maxage=${STORED_TTL_SECONDS}, max-age=${STORED_TTL_SECONDS}`);
  stored.delete("set-cookie");
  c.executionCtx.waitUntil(cache.put(key, new Response(toCache, { status: 200, headers: stored })).catch(() => undefined));
  return withStatus(new Response(toClient, response), "MISS");
}

function restoreClientCacheControl(headers: Headers) {
  const original = headers.get(CLIENT_CACHE_CONTROL);
  headers.delete(CLIENT_CACHE_CONTROL);
  if (original) headers.set("Cache-Control", original);
  else headers.delete("Cache-Control");
}

function withStatus(response: Response, status: "HIT" | "MISS" | "BYPASS"): Response {
  const copy = new Response(response.body, response);
  copy.headers.set(CACHE_STATUS_HEADER, status);
  return copy;
}

/** A response built for a credentialed caller is never stored by a shared cache. */
function markPrivate(response: Response, status: "BYPASS"): Response {
  const copy = withStatus(response, status);
  const current = copy.headers.get("cache-control") ?? "";
  if (!/private|no-store/.test(current)) copy.headers.set("Cache-Control", current.includes("immutable") ? "private, max-age=31536000, immutable" : "private, no-cache");
  return copy;
}

/** Whether anyone, signed in or not, may pull from this project (public project or "allow anyone to pull"). */
export function anonymousMayPull(subject: ProjectSubject): boolean {
  return decide(ANONYMOUS, 0, "read_package", subject) === "allow";
}
