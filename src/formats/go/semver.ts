// Go's semantic versions (pure): parsing, canonical form, ordering and pseudo-versions, as
// golang.org/x/mod/semver and module define them. Spec: https://go.dev/ref/mod#versions

export interface Semver {
  major: string;
  minor: string;
  patch: string;
  /** "" or "-rc.1" */
  prerelease: string;
  /** "" or "+incompatible" */
  build: string;
  /** `v1` or `v1.2` (valid, but never canonical) */
  short: boolean;
}

const NUMBER = /^(0|[1-9]\d*)$/;
const IDENT = /^[0-9A-Za-z-]+$/;

/** A Go semantic version (`v1`, `v1.2`, `v1.2.3[-pre][+build]`), or null. */
export function parseSemver(v: string): Semver | null {
  const match = /^v(\d+)(?:\.(\d+)(?:\.(\d+)(-[^+]*)?(\+.*)?)?)?$/.exec(v);
  if (!match) return null;
  const [, major = "", minor, patch, prerelease = "", build = ""] = match;
  if (!NUMBER.test(major) || (minor !== undefined && !NUMBER.test(minor)) || (patch !== undefined && !NUMBER.test(patch))) return null;
  if (prerelease && !prerelease.slice(1).split(".").every((id) => IDENT.test(id) && (!/^\d+$/.test(id) || NUMBER.test(id)))) return null;
  if (build && !build.slice(1).split(".").every((id) => IDENT.test(id))) return null;
  return { major, minor: minor ?? "0", patch: patch ?? "0", prerelease, build, short: patch === undefined };
}

/** `module.CanonicalVersion`: `vX.Y.Z[-pre]`, keeping only a `+incompatible` build suffix. */
export function canonicalVersion(v: string): string | null {
  const parsed = parseSemver(v);
  if (!parsed) return null;
  return `v${parsed.major}.${parsed.minor}.${parsed.patch}${parsed.prerelease}${parsed.build === "+incompatible" ? parsed.build : ""}`;
}

export const majorOf = (v: string) => `v${parseSemver(v)?.major ?? ""}`;
export const isIncompatible = (v: string) => parseSemver(v)?.build === "+incompatible";
export const isPrerelease = (v: string) => (parseSemver(v)?.prerelease ?? "") !== "";

const compareNumbers = (a: string, b: string) => (a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0);

function comparePrerelease(a: string, b: string): number {
  if (a === b) return 0;
  if (a === "") return 1;
  if (b === "") return -1;
  const x = a.slice(1).split(".");
  const y = b.slice(1).split(".");
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [p, q] = [x[i]!, y[i]!];
    if (p === q) continue;
    const [pn, qn] = [/^\d+$/.test(p), /^\d+$/.test(q)];
    if (pn && qn) return compareNumbers(p, q);
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return x.length - y.length;
}

/** `semver.Compare`: the build suffix is ignored; invalid versions sort first. */
export function compareVersions(a: string, b: string): number {
  const x = parseSemver(a);
  const y = parseSemver(b);
  if (!x || !y) return x ? 1 : y ? -1 : 0;
  return (
    compareNumbers(x.major, y.major) || compareNumbers(x.minor, y.minor) || compareNumbers(x.patch, y.patch) || Math.sign(comparePrerelease(x.prerelease, y.prerelease))
  );
}

const PSEUDO = /^v\d+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** `module.IsPseudoVersion`: a version the go command makes up for a commit (never listed in `@v/list`). */
export function isPseudoVersion(v: string): boolean {
  return v.split("-").length > 2 && PSEUDO.test(v) && parseSemver(v) !== null;
}
