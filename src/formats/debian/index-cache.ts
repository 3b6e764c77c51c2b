// A distribution's built index files (Packages, Sources, Release, InRelease, Release.gpg) kept in the Cache
// API, one entry per file, under a key made of the codename and the revisions of every project in the read
// scope. Every package write, delete and access change in a project bumps its revision, so an entry is never
// stale: a change makes a new key, and old keys expire. The content under a key is the same for every caller
// who may read that scope (the key names exactly those projects at those revisions), so credentialed apt
// reads share it too; responses themselves are still never shared (http/edge-cache.ts decides that).
// caches.default is per data centre: another data centre builds its own copy once per revision.
// Index files are also kept by their SHA256 under a key without revisions (the same projects and codename):
// apt asks for `by-hash/SHA256/<digest>` of the InRelease it read, which may be a revision behind by then;
// content addressed by its digest is never stale, so that request is still answered.
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
    private readonly hashPrefix: string,
  ) {}

  /** `revision`: what else the content depends on (the group distribution's revision); `owner`: its stable id. */
  static async open(c: Context<AppEnv>, scope: ReadScope, codename: string, revision = "", owner = ""): Promise<IndexCache> {
    const [key, stable] = await Promise.all([
      sha256Hex(`v1|${scope.level}|${codename}|${scope.cache.revisions.join(",")}|${revision}`),
      sha256Hex(`v1|${scope.level}|${codename}|${[...scope.projectIds].sort((a, b) => a - b).join(",")}|${owner}`),
    ]);
    return new IndexCache(c, `${HOST}/${key}/`, `${HOST}/${stable}/by-hash/`);
  }

  private request(path: string): Request {
    return new Request(`${this.prefix}${path}`);
  }

  async get(path: string): Promise<Uint8Array | null> {
    return read(this.request(path));
  }

  /** An index file of these projects and codename by its SHA256, whatever revision it was built at. */
  async getByHash(sha256: string): Promise<Uint8Array | null> {
    return read(new Request(`${this.hashPrefix}${sha256}`));
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
    const byHash = sha256Lines(bundle.release);
    const puts = entries.flatMap(([path, bytes]) => {
      const requests = [this.request(path)];
      const digest = byHash.get(path);
      if (digest) requests.push(new Request(`${this.hashPrefix}${digest}`));
      return requests.map((r) => caches.default.put(r, new Response(bytes, { headers })));
    });
    this.c.executionCtx.waitUntil(Promise.all(puts).catch(() => undefined));
  }
}

async function read(request: Request): Promise<Uint8Array | null> {
  const hit = await caches.default.match(request).catch(() => undefined);
  return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
}

/** Path → SHA256 from Release's SHA256 section. */
function sha256Lines(release: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (release.split("\nSHA256:\n")[1] ?? "").split("\n")) {
    const [digest, , path] = line.trim().split(/\s+/);
    if (digest && path) out.set(path, digest);
  }
  return out;
}
