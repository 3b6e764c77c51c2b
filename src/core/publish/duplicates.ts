// GitLab's "Allow duplicates" namespace setting with its exception regex (inverse semantics when allowed),
// read from the settings of the project's own namespace (GitLab: `project.namespace.package_settings`).
// The pattern is wrapped as GitLab wraps it, `\A<pattern>\z`, so it must match the whole name or the whole
// version (an alternation `a|b` becomes `\Aa|b\z`, as on GitLab). Patterns are a group owner's text: they
// run on RE2 (re2js), linear in the input, as GitLab runs them on its untrusted-regexp RE2 wrapper.
// Spec: ../shared/reference/gitlab-spec.md §0.3; GitLab app/models/namespace/package_setting.rb,
// app/services/packages/maven/find_or_create_package_service.rb (SNAPSHOT file names).
import { RE2JS } from "re2js";
import type { NamespacePackageSettings } from "../../db/schema";
import { packageSettingsOf } from "../settings/package-settings";
import type { DuplicateSetting } from "./types";

const MAX_PATTERN_LENGTH = 255;

export function duplicatesAllowed(stored: NamespacePackageSettings | null | undefined, setting: DuplicateSetting, name: string, version: string): boolean {
  const settings = packageSettingsOf(stored);
  const allowed = settings[`${setting}_duplicates_allowed`];
  const pattern = settings[`${setting}_duplicate_exception_regex`];
  // A versionless package (Maven's artifact-level metadata) has no version to match: GitLab's nil never matches.
  const matches = pattern !== "" && (anchoredMatch(pattern, name) || (version !== "" && anchoredMatch(pattern, version)));
  // Allowed: the regex names what may NOT be duplicated. Disallowed: the regex names the exceptions that may.
  return allowed ? !matches : matches;
}

/**
 * Whether an upload repeats a file the version already has. Maven SNAPSHOT versions compare names with their
 * unique-snapshot part (`-yyyyMMdd.HHmmss-N`) removed, so a new build of a SNAPSHOT is a duplicate of the last.
 */
export function repeatsFile(setting: DuplicateSetting, version: string, existing: string[], incoming: string[]): string | undefined {
  const strip = setting === "maven" && version.endsWith("-SNAPSHOT") ? stripSnapshotParts : (name: string) => name;
  const known = new Set(existing.map(strip));
  return incoming.find((name) => known.has(strip(name)));
}

/** GitLab's MAVEN_SNAPSHOT_DYNAMIC_PARTS: the last `-<date>.<time>-<build>` of the name, removed wherever it occurs. */
const SNAPSHOT_DYNAMIC_PARTS = /^.{0,1000}(-\d{8}\.\d{6}-\d+).{0,1000}$/s;

export function stripSnapshotParts(fileName: string): string {
  const dynamic = SNAPSHOT_DYNAMIC_PARTS.exec(fileName)?.[1];
  return dynamic ? fileName.split(dynamic).join("") : fileName;
}

/** Why a duplicate-exception (or forwarding) pattern cannot be saved, or null when it can (checked when settings are written). */
export function invalidDuplicatePattern(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `is too long (maximum is ${MAX_PATTERN_LENGTH} characters)`;
  try {
    RE2JS.compile(anchored(pattern));
    return null;
  } catch (error) {
    return `is an invalid regular expression: ${error instanceof Error ? error.message : String(error)}`;
  }
}

const anchored = (pattern: string) => `\\A${pattern}\\z`;

/** `\A<pattern>\z` against the whole text, on RE2; a pattern that does not compile matches nothing. */
export function anchoredMatch(pattern: string, text: string): boolean {
  try {
    return RE2JS.compile(anchored(pattern)).matcher(text).find();
  } catch {
    return false;
  }
}
