// GitLab's "Allow duplicates" group setting with its exception regex (inverse semantics when allowed).
// Spec: ../shared/reference/gitlab-spec.md §0.3.
import type { NamespacePackageSettings } from "../../db/schema";
import type { DuplicateSetting } from "./types";

export function duplicatesAllowed(settings: NamespacePackageSettings, setting: DuplicateSetting, name: string, version: string): boolean {
  const allowed = (settings[`${setting}_duplicates_allowed` as keyof NamespacePackageSettings] as boolean | undefined) ?? setting !== "terraform_module";
  const pattern = (settings[`${setting}_duplicate_exception_regex` as keyof NamespacePackageSettings] as string | undefined) ?? "";
  const matches = pattern !== "" && safeTest(pattern, name, version);
  // Allowed: the regex names what may NOT be duplicated. Disallowed: the regex names the exceptions that may.
  return allowed ? !matches : matches;
}

function safeTest(pattern: string, name: string, version: string): boolean {
  try {
    const re = new RegExp(pattern);
    return re.test(name) || re.test(version);
  } catch {
    return false;
  }
}
