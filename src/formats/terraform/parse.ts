// Terraform module coordinates (pure): name and system as GitLab accepts them, SemVer versions and their
// order, and the package name and file name GitLab stores (`<name>/<system>`, `<name>-<system>-<version>.tgz`).
// Spec: ../shared/reference/gitlab-spec.md §12 "Rules"; GitLab Gitlab::Regex.semver_regex and
// terraform_module_package_name_regex; app/services/packages/terraform_module/create_package_service.rb.

export const PACKAGE_TYPE = "terraform_module";

/** Module name or system: 1–64 of lowercase letters, digits and `-` (GitLab's CI template turns spaces and `_` into `-`). */
const NAME_PART = /^[a-z0-9-]{1,64}$/;

const NUMERIC = "0|[1-9]\\d*";
const PRERELEASE_ID = "(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)";
/** SemVer 2.0.0, as GitLab's semver_regex (no leading `v`, no leading zeros). */
const SEMVER = new RegExp(`^(${NUMERIC})\\.(${NUMERIC})\\.(${NUMERIC})(?:-(${PRERELEASE_ID}(?:\\.${PRERELEASE_ID})*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$`);

export interface ModuleCoordinates {
  name: string;
  system: string;
}

export interface ModuleVersion extends ModuleCoordinates {
  version: string;
}

/** Why a name, system or version is refused, or null when it is valid. */
export function invalidNamePart(field: "module_name" | "module_system", value: string): string | null {
  return NAME_PART.test(value) ? null : `${field} is invalid: 1 to 64 lowercase letters (a-z), digits (0-9) or hyphens`;
}

export function isSemver(version: string): boolean {
  return version.length <= 255 && SEMVER.test(version);
}

/** `<name>/<system>`: the package name GitLab stores and the Packages API lists. */
export const packageNameOf = ({ name, system }: ModuleCoordinates): string => `${name}/${system}`;

/** `<name>-<system>-<version>.tgz`: the one file of a module version. */
export const fileNameOf = ({ name, system, version }: ModuleVersion): string => `${name}-${system}-${version}.tgz`;

/** SemVer precedence (build metadata ignored; equal precedence falls back to the text, for a stable order). */
export function compareSemver(a: string, b: string): number {
  const pa = SEMVER.exec(a);
  const pb = SEMVER.exec(b);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  for (let i = 1; i <= 3; i++) {
    const diff = Number(pa[i]) - Number(pb[i]);
    if (diff !== 0) return Math.sign(diff);
  }
  const byPrerelease = comparePrerelease(pa[4], pb[4]);
  if (byPrerelease !== 0) return byPrerelease;
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePrerelease(a: string | undefined, b: string | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  const xs = a.split(".");
  const ys = b.split(".");
  for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
    const x = xs[i];
    const y = ys[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const xNum = /^\d+$/.test(x);
    const yNum = /^\d+$/.test(y);
    if (xNum && yNum) {
      const diff = Number(x) - Number(y);
      if (diff !== 0) return Math.sign(diff);
    } else if (xNum !== yNum) {
      return xNum ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

/** The highest version by SemVer precedence (GitLab's `order_metadatum_semver_desc.first`). */
export function latestOf(versions: string[]): string | undefined {
  return [...versions].sort(compareSemver).pop();
}
