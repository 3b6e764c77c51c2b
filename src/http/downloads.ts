// Downloads noted for the Packages API's `last_downloaded_at`: `serveBlob` marks a file response with the
// package it belongs to; the app takes the mark off every answer, including edge-cache hits (the stored copy
// keeps it), and notes the download off the response path (src/core/last-downloaded.ts: at most one D1
// write per package per hour).
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { noteDownload } from "../core/last-downloaded";

export const DOWNLOADED_PACKAGE_HEADER = "X-Packyard-Downloaded-Package";

export function noteDownloadOf(c: Context<AppEnv>): void {
  const mark = c.res.headers.get(DOWNLOADED_PACKAGE_HEADER);
  if (mark === null) return;
  // Every answer here is built by the app (serveBlob, the edge cache's copy), so its headers are mutable.
  c.res.headers.delete(DOWNLOADED_PACKAGE_HEADER);
  const packageId = Number(mark);
  if (Number.isSafeInteger(packageId) && c.res.status < 300) noteDownload(c.env, packageId, (work) => c.executionCtx.waitUntil(work));
}
