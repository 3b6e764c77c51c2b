// Terraform module coordinates (pure): name and system as GitLab accepts them, SemVer versions and their
// order, and the package name and file name GitLab stores (`<name>/<system>`, `<name>-<system>-<version>.tgz`).
// Spec: ../shared/reference/gitlab-spec.md §12 "Rules"; GitLab Gitlab::Regex.semver_regex and
// terraform_module_package_name_regex; app/services/packages/terraform_module/create_package_service.rb.
import { comparePrecedence, compareText, parseSemver } from "../semver";

export const PACKAGE_TYPE = "terraform_module";

/** Module name or system: 1–64 of lowercase letters, digits and `-` (GitLab's CI template turns spaces and `_` into `-`). */
const NAME_PART = /^[a-z0-9-]{1,64}$/;


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

/** SemVer 2.0.0, as GitLab's semver_regex (no leading `v`, no leading zeros). */
export function isSemver(version: string): boolean {
  return version.length <= 255 && parseSemver(version) !== null;
}

/** `<name>/<system>`: the package name GitLab stores and the Packages API lists. */
export const packageNameOf = ({ name, system }: ModuleCoordinates): string => `${name}/${system}`;

/** `<name>-<system>-<version>.tgz`: the one file of a module version. */
export const fileNameOf = ({ name, system, version }: ModuleVersion): string => `${name}-${system}-${version}.tgz`;

/** SemVer precedence (build metadata ignored; equal precedence falls back to the text, for a stable order). */
export function compareSemver(a: string, b: string): number {
  const x = parseSemver(a);
  const y = parseSemver(b);
  return (x && y ? comparePrecedence(x, y) : 0) || compareText(a, b);
}

/** The highest version by SemVer precedence (GitLab's `order_metadatum_semver_desc.first`). */
export function latestOf(versions: string[]): string | undefined {
  return [...versions].sort(compareSemver).pop();
}
