// Request forwarding for formats: `forwarderFor` decides whether a local miss at a level is forwarded
// (./decide.ts) and answers a Forwarder bound to the format's upstream and to the pull-through cache
// (./cache.ts). Formats build their wire answers from what it returns; they never see D1 or R2.
// Spec: docs/forwarding.md.
import type { Bindings } from "../../env";
import type { DigestName } from "../blobs";
import { AppError } from "../errors";
import type { Registry } from "../registry";
import type { ReadScope } from "../registry/read-scope";
import type { ForwardingFormat } from "../settings/package-settings";
import { forwardedFile, forwardedMetadata, getCachedFile, getCachedMetadataOf, readCachedText, type CachedFile, type CacheState } from "./cache";
import { forwardingFor, levelForwards } from "./decide";
import { fetchableUrl, fetchUpstream, readUpstreamText, type Upstream } from "./upstream";

export type { CachedFile, CacheState } from "./cache";
export { fetchableUrl, type Upstream } from "./upstream";

export type ForwardingEnv = Pick<
  Bindings,
  "DB" | "BLOBS" | "PUBLISH_COORDINATOR" | "NPM_UPSTREAM_URL" | "PYPI_UPSTREAM_URL" | "MAVEN_UPSTREAM_URL" | "UPSTREAM_TIMEOUT_MS" | "FORWARDING_METADATA_TTL_SECONDS"
>;

/** Header every forwarded answer carries: HIT (kept copy), MISS (fetched now), STALE (kept copy, upstream failing). */
export const FORWARDED_HEADER = "X-Packyard-Forwarded";

export class Forwarder {
  constructor(
    private readonly registry: Registry,
    private readonly env: ForwardingEnv,
    readonly upstream: Upstream,
    readonly packageType: ForwardingFormat,
    readonly normalizedName: string,
  ) {}

  /** A metadata document of this name, kept for the configured lifetime; null when the upstream has none. */
  metadata(request: { fileName?: string; url: string; headers?: Record<string, string>; keep?: (text: string, url: string) => string }) {
    return forwardedMetadata(this.env, this.registry.db, this.upstream, { packageType: this.packageType, normalizedName: this.normalizedName, fileName: request.fileName ?? "", ...request });
  }

  /** A kept file of this name, if one is. */
  kept(fileName: string): Promise<CachedFile | null> {
    return getCachedFile(this.registry.db, this.packageType, this.normalizedName, fileName);
  }

  /**
   * A file of this name: the kept copy, or fetched from `url` (which must be http(s)) and verified against
   * `expected` (asked for only when the file must be fetched). Null when the upstream has no such file.
   */
  async file(fileName: string, url: string, expected: () => Promise<Partial<Record<DigestName, string>>>): Promise<{ file: CachedFile; state: CacheState } | null> {
    const kept = await this.kept(fileName);
    if (kept) return { file: kept, state: "HIT" };
    if (!fetchableUrl(url)) throw new AppError("bad_gateway", `502 Bad Gateway - the upstream ${this.upstream.base} names a file at an address that cannot be fetched`);
    return forwardedFile(this.env, this.registry.db, this.upstream, { packageType: this.packageType, normalizedName: this.normalizedName, fileName, url, expected: await expected() });
  }

  /** A small document fetched from the upstream and not kept (a checksum file); null when it has none. */
  async fetchText(url: string, maxBytes = 4096): Promise<string | null> {
    const answer = await fetchUpstream(this.upstream, url, {}, { wholeBody: true });
    return answer ? readUpstreamText(this.upstream, answer, maxBytes) : null;
  }

  /** The text of a kept document (e.g. Maven metadata found by its path). */
  text(file: CachedFile): Promise<string> {
    return readCachedText(this.env, file);
  }
}

/** The Forwarder for a miss of `normalizedName` at this scope's level, or null when it is not forwarded. */
export async function forwarderFor(registry: Registry, env: ForwardingEnv, scope: ReadScope, format: ForwardingFormat, normalizedName: string): Promise<Forwarder | null> {
  const upstream = await forwardingFor(registry.db, env, scope, format, normalizedName);
  return upstream ? new Forwarder(registry, env, upstream, format, normalizedName) : null;
}

const MAX_AUDIT_BYTES = 16 * 1024 * 1024;

/**
 * npm audit forwarded as it was sent (GitLab answers a 307 to npmjs.org), when the level forwards npm: the
 * upstream's answer, or null when the level does not forward. Nothing is kept.
 */
export async function forwardAudit(
  registry: Registry,
  env: ForwardingEnv,
  scope: ReadScope | null,
  path: string,
  body: ReadableStream<Uint8Array> | null,
  headers: Record<string, string>,
): Promise<{ status: number; contentType: string; text: string } | null> {
  const upstream = await levelForwards(registry.db, env, scope, "npm");
  if (!upstream) return null;
  const answer = await fetchUpstream(upstream, `${upstream.base}${path}`, { method: "POST", body, headers, duplex: "half" } as RequestInit, { wholeBody: true });
  if (!answer) return { status: 404, contentType: "application/json", text: JSON.stringify({ error: "404 Not Found" }) };
  const text = await readUpstreamText(upstream, answer, MAX_AUDIT_BYTES);
  return { status: answer.response.status, contentType: answer.response.headers.get("content-type") ?? "application/json", text };
}

/** Kept metadata documents of any of these names (PyPI file downloads find their name this way). */
export async function keptMetadataOf(registry: Registry, env: ForwardingEnv, packageType: ForwardingFormat, names: string[]): Promise<{ name: string; text: string }[]> {
  const rows = await getCachedMetadataOf(registry.db, packageType, names);
  return Promise.all(rows.map(async (row) => ({ name: row.normalizedName, text: await readCachedText(env, row) })));
}

/**
 * The local answer, or, when it is a miss (404, or 401 for an anonymous caller), the forwarded one if the
 * miss is forwarded; otherwise the local miss stands.
 */
export async function orForwarded<T>(local: () => Promise<T>, forward: () => Promise<T | null>): Promise<T> {
  try {
    return await local();
  } catch (error) {
    if (!(error instanceof AppError) || (error.code !== "not_found" && error.code !== "unauthorized")) throw error;
    const forwarded = await forward();
    if (forwarded === null) throw error;
    return forwarded;
  }
}
