// Chart versions (pure): GitLab accepts SemVer 2 with an optional leading `v` (Gitlab::Regex.helm_version_regex);
// index entries are ordered newest version first as helm's IndexFile.SortEntries orders them (Masterminds
// semver precedence; build metadata ignored). Parsing and precedence: src/formats/semver.ts.
import { comparePrecedence, parseSemver } from "../semver";

export function isSemver(version: string): boolean {
  return version.length <= 255 && parseSemver(version, { leadingV: true }) !== null;
}

/** Negative when a < b in SemVer precedence; versions that do not parse sort before all others. */
export function compareVersions(a: string, b: string): number {
  const x = parseSemver(a, { leadingV: true });
  const y = parseSemver(b, { leadingV: true });
  if (!x || !y) return x ? 1 : y ? -1 : 0;
  return comparePrecedence(x, y);
}
