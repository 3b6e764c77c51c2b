// GitLab's "Allow duplicates" group setting with its exception regex (inverse semantics when allowed).
// Patterns are a group owner's text: they run on RE2 (re2js), whose matching time is linear in the input,
// as GitLab runs them on its untrusted-regexp RE2 wrapper, so no pattern can hang a publish.
// Spec: ../shared/reference/gitlab-spec.md §0.3.
import { RE2JS } from "re2js";
import type { NamespacePackageSettings } from "../../db/schema";
import type { DuplicateSetting } from "./types";

const MAX_PATTERN_LENGTH = 255;

export function duplicatesAllowed(settings: NamespacePackageSettings, setting: DuplicateSetting, name: string, version: string): boolean {
  const allowed = (settings[`${setting}_duplicates_allowed` as keyof NamespacePackageSettings] as boolean | undefined) ?? setting !== "terraform_module";
  const pattern = (settings[`${setting}_duplicate_exception_regex` as keyof NamespacePackageSettings] as string | undefined) ?? "";
  const matches = pattern !== "" && safeTest(pattern, name, version);
  // Allowed: the regex names what may NOT be duplicated. Disallowed: the regex names the exceptions that may.
  return allowed ? !matches : matches;
}

/** Why a duplicate-exception pattern cannot be saved, or null when it can (checked when settings are written). */
export function invalidDuplicatePattern(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `is too long (maximum is ${MAX_PATTERN_LENGTH} characters)`;
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (error) {
    return `is an invalid regular expression: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function safeTest(pattern: string, name: string, version: string): boolean {
  try {
    const re = RE2JS.compile(pattern);
    return re.matcher(name).find() || re.matcher(version).find();
  } catch {
    return false;
  }
}
