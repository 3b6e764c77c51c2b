// The GOPROXY documents built from stored versions (pure): `@v/list`, `<version>.info` and `@latest`.
// Spec: https://go.dev/ref/mod#goproxy-protocol
import { compareVersions, isIncompatible, isPrerelease, isPseudoVersion } from "./semver";

export interface StoredVersion {
  version: string;
  createdAt: Date;
}

/** `$module/@v/list`: every version but pseudo-versions, one per line, in semver order. */
export function versionList(versions: StoredVersion[]): string {
  const listed = versions.map((v) => v.version).filter((v) => !isPseudoVersion(v));
  return [...new Set(listed)]
    .sort(compareVersions)
    .map((v) => `${v}\n`)
    .join("");
}

/** `.info`: `{"Version":"v1.0.0","Time":"2026-01-02T03:04:05Z"}`; the time is when it was uploaded. */
export function versionInfo(v: StoredVersion): string {
  return JSON.stringify({ Version: v.version, Time: v.createdAt.toISOString().replace(/\.\d{3}Z$/, "Z") });
}

/**
 * `@latest`: the highest release, else the highest pre-release, else the newest pseudo-version, as the go
 * command picks from `@v/list`; `+incompatible` versions count only when no compatible release exists.
 */
export function latestVersion(versions: StoredVersion[]): StoredVersion | null {
  const tagged = versions.filter((v) => !isPseudoVersion(v.version));
  const releases = tagged.filter((v) => !isPrerelease(v.version));
  const compatible = releases.filter((v) => !isIncompatible(v.version));
  const pool = compatible.length > 0 ? compatible : releases.length > 0 ? releases : tagged.length > 0 ? tagged : versions;
  return pool.reduce<StoredVersion | null>((best, v) => (best === null || compareVersions(v.version, best.version) > 0 ? v : best), null);
}
