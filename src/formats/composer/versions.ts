// Composer versions (pure): Composer's VersionParser::normalize (composer/semver 3.3), and GitLab's rule
// for which versions a Composer package may have (SemVer, or a dev version).
// Spec: ../shared/reference/gitlab-spec.md §7; https://getcomposer.org/doc/articles/versions.md

const MODIFIER = "[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*)?)?([.-]?dev)?";
const CLASSICAL = new RegExp(`^v?(\\d{1,5})(\\.\\d+)?(\\.\\d+)?(\\.\\d+)?${MODIFIER}$`, "i");
const DATE_BASED = new RegExp(`^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3})?)${MODIFIER}$`, "i");
const BRANCH = /^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$/i;
const STABILITIES = "stable|RC|beta|alpha|dev";

/** GitLab's `composer_dev_version_regex`: versions built from branches. */
const DEV_VERSION = /(^dev-)|(-dev$)/;
/** GitLab's `semver_regex` (https://semver.org), which every other Composer version must match. */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const MAX_VERSION_LENGTH = 255;

function expandStability(stability: string): string {
  const lower = stability.toLowerCase();
  return { a: "alpha", b: "beta", p: "patch", pl: "patch", rc: "RC" }[lower] ?? lower;
}

/** Composer's normalised form of a version (`1.2` → `1.2.0.0`, `1.x-dev` → `1.9999999.9999999.9999999-dev`), or null when Composer refuses it. */
export function normalizeVersion(input: string): string | null {
  let version = input.trim();
  const alias = /^([^,\s]+) +as +([^,\s]+)$/.exec(version);
  if (alias) version = alias[1]!;
  const flag = new RegExp(`@(?:${STABILITIES})$`, "i").exec(version);
  if (flag) version = version.slice(0, version.length - flag[0].length);
  if (version === "master" || version === "trunk" || version === "default") version = `dev-${version}`;
  if (version.slice(0, 4).toLowerCase() === "dev-") return `dev-${version.slice(4)}`;
  const build = /^([^,\s+]+)\+[^\s]+$/.exec(version);
  if (build) version = build[1]!;

  let matches = CLASSICAL.exec(version);
  let index = 5;
  let normalized = "";
  if (matches) {
    normalized = matches[1]! + (matches[2] || ".0") + (matches[3] || ".0") + (matches[4] || ".0");
  } else {
    matches = DATE_BASED.exec(version);
    index = 2;
    if (matches) normalized = matches[1]!.replace(/\D/g, ".");
  }
  if (matches) {
    const stability = matches[index];
    if (stability) {
      if (stability === "stable") return normalized;
      const number = matches[index + 1];
      normalized += `-${expandStability(stability)}${number ? number.replace(/^[.-]+/, "") : ""}`;
    }
    if (matches[index + 2]) normalized += "-dev";
    return normalized;
  }
  const dev = /^(.*?)[.-]?dev$/i.exec(version);
  if (dev) {
    const branch = normalizeBranch(dev[1]!);
    if (!branch.includes("dev-")) return branch;
  }
  return null;
}

/** Composer's normalizeBranch: numeric branches become `…9999999-dev`, others `dev-<name>`. */
function normalizeBranch(name: string): string {
  const trimmed = name.trim();
  const m = BRANCH.exec(trimmed);
  if (!m) return `dev-${trimmed}`;
  let version = "";
  for (let i = 1; i < 5; i++) version += m[i] !== undefined ? m[i]!.replace(/[*X]/g, "x") : ".x";
  return `${version.replace(/x/g, "9999999")}-dev`;
}

/** A dev version (from a branch): listed in `p2/<name>~dev.json`, not in `p2/<name>.json`. */
export const isDevVersion = (version: string) => DEV_VERSION.test(version);

const hasControlCharacter = (text: string) => [...text].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);

export type VersionCheck = { ok: true; version: string; normalized: string } | { ok: false; message: string };

/**
 * The version a package is stored under: trimmed, a leading `v` dropped as GitLab does for tags
 * (`v1.2.3` → `1.2.3`), then SemVer or a dev version (GitLab's validation), and one Composer can read.
 */
export function checkVersion(input: string): VersionCheck {
  const trimmed = input.trim();
  const version = /^v\d/i.test(trimmed) ? trimmed.slice(1) : trimmed;
  const invalid = { ok: false as const, message: `Validation failed: Version is invalid (${JSON.stringify(input.slice(0, 100))}: use SemVer such as 1.2.3, or a dev version such as dev-main or 1.x-dev)` };
  if (version === "" || version.length > MAX_VERSION_LENGTH || /\s/.test(version) || hasControlCharacter(version)) return invalid;
  if (!isDevVersion(version) && !SEMVER.test(version)) return invalid;
  const normalized = normalizeVersion(version);
  if (normalized === null) return invalid;
  return { ok: true, version, normalized };
}
