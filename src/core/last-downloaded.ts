// The Packages API's `last_downloaded_at`, kept without a D1 write per download: a download path calls
// `noteDownload` and answers at once; after the response (waitUntil) a Cache API marker per package decides,
// per data centre, whether an hour has passed since this data centre last wrote, and the UPDATE itself only
// changes a row whose time is an hour old, so a package's row is written at most once an hour however many
// data centres serve it (the marker only keeps most downloads from reaching D1 at all).
//
//   noteDownload(env, packageId, waitUntil):
//     waitUntil( if cache has marker(packageId): stop
//                put marker(packageId), max-age 1 h
//                UPDATE packages SET last_downloaded_at = now WHERE id = packageId AND (null OR ≤ now − 1 h) )
// Spec: GitLab doc/api/packages.md (`last_downloaded_at`); GitLab itself writes it on every download
// (Packages::UpdatePackageFileService / package.touch_last_downloaded_at).
import { and, eq, isNull, lte, or } from "drizzle-orm";
import { createDb } from "../db/client";
import { packages } from "../db/schema";
import { IsolateMemo } from "./isolate-memo";

export const LAST_DOWNLOADED_RESOLUTION_MS = 60 * 60 * 1000;
const MARKER_ORIGIN = "https://last-downloaded.packyard.invalid";
/** How long an isolate remembers a package's marker (well inside the marker's hour). */
const NOTED_MEMO_MS = 5 * 60 * 1000;
const noted = new IsolateMemo<true>(10_000);

/** Record a download of `packageId` off the response path; never throws, never delays the response. */
export function noteDownload(env: { DB: D1Database }, packageId: number, waitUntil: (work: Promise<unknown>) => void, now = Date.now()): void {
  waitUntil(recordDownload(env.DB, packageId, now).catch(() => undefined));
}

/** The work `noteDownload` defers; true when it wrote the package's row. */
export async function recordDownload(d1: D1Database, packageId: number, now = Date.now(), cache: Cache = caches.default): Promise<boolean> {
  const marker = new Request(`${MARKER_ORIGIN}/${packageId}`);
  // This isolate already saw the marker, or wrote it: no Cache API read for every download of a hot package.
  const remembers = cache === caches.default;
  if (remembers && noted.get(marker.url, now)) return false;
  const seen = await cache.match(marker);
  // Seen, or about to be written below: either way the marker is there for the next hour.
  if (remembers) noted.set(marker.url, true, now + NOTED_MEMO_MS, 0, now);
  if (seen) return false;
  await cache.put(marker, new Response("1", { headers: { "Cache-Control": `max-age=${LAST_DOWNLOADED_RESOLUTION_MS / 1000}` } }));
  const stale = new Date(now - LAST_DOWNLOADED_RESOLUTION_MS);
  const written = await createDb(d1)
    .update(packages)
    .set({ lastDownloadedAt: new Date(now) })
    .where(and(eq(packages.id, packageId), or(isNull(packages.lastDownloadedAt), lte(packages.lastDownloadedAt, stale))))
    .returning({ id: packages.id });
  return written.length > 0;
}
