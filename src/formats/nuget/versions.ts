// NuGet package ids and versions (pure): validation, NuGet's normalisation (`1.0` → `1.0.0`, `1.0.0.0` → `1.0.0`,
// build metadata dropped, leading zeros removed) and NuGet's ordering (numbers, then release labels, case-insensitive).
// Spec: https://learn.microsoft.com/nuget/concepts/package-versioning (normalized version numbers, SemVer 2.0.0).

/** NuGet's PackageIdValidator: word characters separated by single `.`, `-` or `_`, at most 100 characters. */
const ID = /^\w+(?:[.-]\w+)*$/;
export const MAX_ID_LENGTH = 100;

export function isValidId(id: string): boolean {
  return id.length > 0 && id.length <= MAX_ID_LENGTH && ID.test(id);
}

/** Ids are compared case-insensitively: the lower-case id names the package in storage and in URLs. */
export const lowerId = (id: string) => id.toLowerCase();

export interface NugetVersion {
  major: number;
  minor: number;
  patch: number;
  revision: number;
  /** The release label without `-` (`beta.1`), "" for a stable version. */
  release: string;
  /** Build metadata without `+`, "" when none. */
  metadata: string;
}

const IDENT = "[0-9A-Za-z-]+";
const VERSION = new RegExp(`^(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:\\.(\\d+))?(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+(${IDENT}(?:\\.${IDENT})*))?$`);
const MAX_VERSION_LENGTH = 128;
const MAX_PART = 2 ** 31 - 1;

/** A version as NuGet reads it, or null when it is not one. */
export function parseVersion(text: string): NugetVersion | null {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_VERSION_LENGTH) return null;
  const m = VERSION.exec(trimmed);
  if (!m) return null;
  const parts = [m[1], m[2], m[3], m[4]].map((p) => (p === undefined ? 0 : Number(p)));
  if (parts.some((p) => !Number.isSafeInteger(p) || p > MAX_PART)) return null;
  const [major = 0, minor = 0, patch = 0, revision = 0] = parts;
  return { major, minor, patch, revision, release: m[5] ?? "", metadata: m[6] ?? "" };
}

/** NuGet's normalized form: three parts (four when the revision is not 0), the release label, no metadata. */
export function normalizedVersion(v: NugetVersion): string {
  const numbers = `${v.major}.${v.minor}.${v.patch}${v.revision !== 0 ? `.${v.revision}` : ""}`;
  return v.release ? `${numbers}-${v.release}` : numbers;
}

/** The normalized form of a version string, or null when it is not a version. */
export function normalizeVersion(text: string): string | null {
  const parsed = parseVersion(text);
  return parsed ? normalizedVersion(parsed) : null;
}

export const isPrerelease = (v: NugetVersion) => v.release !== "";

/** SemVer 2.0.0 packages (a dotted release label or build metadata) are hidden from clients that do not ask for them. */
export const isSemVer2 = (v: NugetVersion) => v.release.includes(".") || v.metadata !== "";

/** NuGet's order: numeric parts, then a stable version above any prerelease, then labels part by part. */
export function compareVersions(a: NugetVersion, b: NugetVersion): number {
  const numbers = a.major - b.major || a.minor - b.minor || a.patch - b.patch || a.revision - b.revision;
  if (numbers !== 0) return Math.sign(numbers);
  if (a.release === b.release) return 0;
  if (a.release === "") return 1;
  if (b.release === "") return -1;
  const left = a.release.split(".");
  const right = b.release.split(".");
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i];
    const y = right[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const order = compareLabel(x, y);
    if (order !== 0) return order;
  }
  return 0;
}

function compareLabel(x: string, y: string): number {
  const xNumeric = /^\d+$/.test(x);
  const yNumeric = /^\d+$/.test(y);
  if (xNumeric && yNumeric) return Math.sign(Number(x) - Number(y));
  if (xNumeric) return -1;
  if (yNumeric) return 1;
  const lx = x.toLowerCase();
  const ly = y.toLowerCase();
  return lx < ly ? -1 : lx > ly ? 1 : 0;
}

/** Compare two stored (normalized) version strings; strings that do not parse sort first, by text. */
export function compareVersionStrings(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (x && y) return compareVersions(x, y);
  if (x) return 1;
  if (y) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Two version strings name the same NuGet version (`1.0` and `1.0.0.0`, `1.0.0-Beta` and `1.0.0-beta`). */
export function sameVersion(a: string, b: string): boolean {
  const x = normalizeVersion(a);
  const y = normalizeVersion(b);
  return x !== null && y !== null && x.toLowerCase() === y.toLowerCase();
}
