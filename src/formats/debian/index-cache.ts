// A distribution's built index files (Packages, Sources, Release, InRelease, Release.gpg) kept in the Cache
// API, one entry per file, under a key made of the codename and the revisions of every project in the read
// scope. Every package write, delete and access change in a project bumps its revision, so an entry is never
// stale: a change makes a new key, and old keys expire. The content under a key is the same for every caller
// who may read that scope (the key names exactly those projects at those revisions), so credentialed apt
// reads share it too; responses themselves are still never shared (http/edge-cache.ts decides that).
// caches.default is per data centre: another data centre builds its own copy once per revision.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import type { ReadScope } from "../../core/registry";

const HOST = "https://debian-indexes.packyard.invalid";
const KEEP_SECONDS = 7 * 24 * 3600;

/** Release with its signatures (kept as one entry, so they always match), and the index files by path. */
export interface ReleaseSet {
  release: string;
  inRelease: string | null;
  releaseGpg: string | null;
}

export interface IndexBundle extends ReleaseSet {
  /** Path under dists/<codename>/ (e.g. main/binary-amd64/Packages.gz) → bytes */
  files: Map<string, Uint8Array>;
}

const RELEASE_ENTRY = "release-set.json";

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export class IndexCache {
  private stored = false;
  private constructor(
    private readonly c: Context<AppEnv>,
    private readonly prefix: string,
  ) {}

  static async open(c: Context<AppEnv>, scope: ReadScope, codename: string, extra = ""): Promise<IndexCache> {
    const key = await sha256Hex(`v1|${scope.level}|${codename}|${scope.cache.revisions.join(",")}|${extra}`);
    return new IndexCache(c, `${HOST}/${key}/`);
  }

  private request(path: string): Request {
    return new Request(`${this.prefix}${path}`);
  }

  async get(path: string): Promise<Uint8Array | null> {
    const hit = await caches.default.match(this.request(path)).catch(() => undefined);
    return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
  }

  async releaseSet(): Promise<ReleaseSet | null> {
    const bytes = await this.get(RELEASE_ENTRY);
    return bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as ReleaseSet) : null;
  }

  /** Every file of the bundle, after the response (once per request). */
  store(bundle: IndexBundle): void {
    if (this.stored) return;
    this.stored = true;
    const headers = { "Cache-Control": `public, max-age=${KEEP_SECONDS}`, "Content-Type": "application/octet-stream" };
    const set: ReleaseSet = { release: bundle.release, inRelease: bundle.inRelease, releaseGpg: bundle.releaseGpg };
    const entries: [string, Uint8Array][] = [...bundle.files, [RELEASE_ENTRY, new TextEncoder().encode(JSON.stringify(set))]];
    const puts = entries.map(([path, bytes]) => caches.default.put(this.request(path), new Response(bytes, { headers })));
    this.c.executionCtx.waitUntil(Promise.all(puts).catch(() => undefined));
  }
}
