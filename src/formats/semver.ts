// SemVer 2.0.0 (https://semver.org) for the formats whose versions are SemVer: npm, Cargo, Helm, Terraform
// modules. Parsing and precedence live here; each format keeps only its own rule for what precedence leaves
// open (invalid versions, ties) and its own length limit. Pure.

const IDENTIFIER = "(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)";
const PATTERN = `(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-(${IDENTIFIER}(?:\\.${IDENTIFIER})*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?`;
const STRICT = new RegExp(`^${PATTERN}$`);
/** Helm's charts may carry a leading `v` (Gitlab::Regex.helm_version_regex, Masterminds semver). */
const WITH_V = new RegExp(`^v?${PATTERN}$`);

export interface SemVer {
  core: [bigint, bigint, bigint];
  /** Dot-separated pre-release identifiers; empty for a release. */
  prerelease: string[];
}

/** The version's parts, or null when it is not SemVer 2.0.0 (no leading zeros; build metadata allowed and ignored). */
export function parseSemver(version: string, options: { leadingV?: boolean } = {}): SemVer | null {
  const m = (options.leadingV ? WITH_V : STRICT).exec(version);
  if (!m) return null;
  return { core: [BigInt(m[1]!), BigInt(m[2]!), BigInt(m[3]!)], prerelease: m[4] ? m[4].split(".") : [] };
}

/** Precedence (spec item 11) as -1, 0 or 1: build metadata ignored, a pre-release before its release. */
export function comparePrecedence(a: SemVer, b: SemVer): number {
  for (let i = 0; i < 3; i++) {
    if (a.core[i]! !== b.core[i]!) return a.core[i]! < b.core[i]! ? -1 : 1;
  }
  const x = a.prerelease;
  const y = b.prerelease;
  if (x.length === 0 || y.length === 0) return Math.sign(y.length - x.length);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    const pNumeric = /^\d+$/.test(p);
    const qNumeric = /^\d+$/.test(q);
    if (pNumeric && qNumeric) return BigInt(p) < BigInt(q) ? -1 : 1;
    if (pNumeric !== qNumeric) return pNumeric ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

/** Plain text order, for what precedence leaves open. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
