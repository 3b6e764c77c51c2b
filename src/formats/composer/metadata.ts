// Pure builders of the Composer repository documents: the root `packages.json`, Composer 2's
// `p2/<name>.json` and `~dev.json`, and Composer 1's provider list and `<name>$<sha>.json`. Each version
// is its composer.json with `version`, `version_normalized`, `dist` (zip URL with `?sha=`, reference,
// sha1 `shasum`), `uid` and `time` set by the registry (GitLab's Gitlab::Composer::VersionIndex).
// Spec: ../shared/reference/gitlab-spec.md §7; https://getcomposer.org/doc/05-repositories.md#composer
import { isDevVersion } from "./versions";

/** One stored version, as the read handlers hand it over. */
export interface VersionRecord {
  /** The package id: Composer 1 deduplicates versions by `uid`. */
  id: number;
  projectId: number;
  name: string;
  version: string;
  versionNormalized: string;
  json: Record<string, unknown>;
  createdAt: Date;
  /** sha1 is kept for every Composer archive; null (an empty shasum: not checked) only without it. */
  archive: { sha256: string; sha1: string | null };
}

/** Where the documents point: the origin and the level's prefix, e.g. `/api/v4/group/7/-/packages/composer`. */
export interface Urls {
  origin: string;
  prefix: string;
}

export const archiveUrl = (origin: string, v: Pick<VersionRecord, "projectId" | "name" | "archive">) =>
  `${origin}/api/v4/projects/${v.projectId}/packages/composer/archives/${v.name}.zip?sha=${v.archive.sha256}`;

function versionEntry(origin: string, v: VersionRecord): Record<string, unknown> {
  return {
    ...v.json,
    name: v.name,
    version: v.version,
    version_normalized: v.versionNormalized,
    dist: { type: "zip", url: archiveUrl(origin, v), reference: v.archive.sha256, shasum: v.archive.sha1 ?? "" },
    uid: v.id,
    time: v.createdAt.toISOString().replace(/\.\d{3}Z$/, "+00:00"),
  };
}

/** Versions in a stable order (by version string, as GitLab sorts them), so documents and their hashes are deterministic. */
const ordered = (versions: VersionRecord[]) => [...versions].sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : a.id - b.id));

/** Composer 2 metadata: tagged versions in `p2/<name>.json`, dev versions in `p2/<name>~dev.json`. */
export function buildP2(origin: string, name: string, versions: VersionRecord[], dev: boolean): string {
  const chosen = ordered(versions).filter((v) => isDevVersion(v.version) === dev);
  return JSON.stringify({ packages: { [name]: chosen.map((v) => versionEntry(origin, v)) } });
}

/** Composer 1 metadata of one name: versions keyed by version. */
export function buildV1(origin: string, name: string, versions: VersionRecord[]): string {
  const byVersion: Record<string, unknown> = {};
  for (const v of ordered(versions)) byVersion[v.version] = versionEntry(origin, v);
  return JSON.stringify({ packages: { [name]: byVersion } });
}

/** Composer 1 provider list: each name with the sha256 of its `buildV1` document. */
export function buildProviders(hashes: [name: string, sha256: string][]): string {
  const providers: Record<string, { sha256: string }> = {};
  for (const [name, sha256] of [...hashes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) providers[name] = { sha256 };
  return JSON.stringify({ providers });
}

export interface RootOptions {
  /**
   * Names in the repository: Composer 2 then asks only for these (no request per unknown dependency).
   * Omitted when some packages may be hidden from the caller, so a miss still answers 401 and asks for credentials.
   */
  availablePackages?: string[];
  /** sha256 of the provider list, for Composer 1 clients; omitted for Composer 2 (as GitLab does). */
  providersSha256?: string;
}

/** `packages.json`: `metadata-url` for Composer 2, plus `provider-includes` and `providers-url` for Composer 1. */
export function buildRoot(urls: Urls, options: RootOptions): string {
  const root: Record<string, unknown> = { packages: [], "metadata-url": `${urls.prefix}/p2/%package%.json` };
  if (options.availablePackages) root["available-packages"] = options.availablePackages;
  if (options.providersSha256 !== undefined) {
    root["provider-includes"] = { "p/%hash%.json": { sha256: options.providersSha256 } };
    root["providers-url"] = `${urls.prefix}/%package%$%hash%.json`;
  }
  return JSON.stringify(root);
}

/** Whether the client is Composer 2 or later (`User-Agent: Composer/2.5.5 (…)`), which never reads provider lists. */
export function isComposer2(userAgent: string | undefined): boolean {
  const m = /^Composer\/(\d+)/.exec(userAgent ?? "");
  return m !== null && Number(m[1]) >= 2;
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
