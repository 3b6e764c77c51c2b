// Crate names and versions as cargo and crates.io rule them, and where a name's file lives in the sparse
// index (pure). Spec: https://doc.rust-lang.org/cargo/reference/registry-index.html#index-files,
// https://doc.rust-lang.org/cargo/reference/manifest.html#the-name-field, https://semver.org/.

import { comparePrecedence, compareText, parseSemver } from "../semver";

/** crates.io's rule: ASCII letters, digits, `-` and `_`, starting with a letter, at most 64 characters. */
const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export const isValidCrateName = (name: string): boolean => NAME.test(name);

/** SemVer 2.0.0, as cargo's `semver` crate parses a published version (build metadata allowed). */
export const isValidVersion = (version: string): boolean => version.length <= 256 && parseSemver(version) !== null;

/**
 * One crate per normalised name: case-insensitive, and `-` equal to `_` (crates.io refuses `foo_bar` once
 * `Foo-Bar` exists). Stored as the package's normalised name, so one coordinator serialises every spelling.
 */
export const normalizeCrateName = (name: string): string => name.toLowerCase().replace(/_/g, "-");

/** A version without its build metadata: `1.0.0+a` and `1.0.0+b` are the same version to cargo. */
export const versionCore = (version: string): string => version.split("+")[0] ?? version;

/** The sparse index path of a crate: `1/a`, `2/ab`, `3/a/abc`, `ab/cd/abcd…` (always lower case). */
export function indexPathOf(name: string): string {
  const n = name.toLowerCase();
  if (n.length <= 2) return `${n.length}/${n}`;
  if (n.length === 3) return `3/${n[0]}/${n}`;
  return `${n.slice(0, 2)}/${n.slice(2, 4)}/${n}`;
}

/** The crate a sparse index path names (lower case), or null when the path is not the one cargo builds for it. */
export function crateOfIndexPath(path: string): string | null {
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (!isValidCrateName(name) || name !== name.toLowerCase()) return null;
  return indexPathOf(name) === path ? name : null;
}

/** SemVer precedence (build metadata ignored); both versions must be valid. */
export function compareVersions(a: string, b: string): number {
  const x = parseSemver(a);
  const y = parseSemver(b);
  return x && y ? comparePrecedence(x, y) : compareText(a, b);
}
