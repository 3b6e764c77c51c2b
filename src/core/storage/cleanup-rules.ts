// Cleanup policies, pure: what a policy is, how it is validated, and which versions and files of ONE package
// (a name of a type in a project) it deletes. The preview and the run call the same `selectDeletions` (the run
// inside the package's coordinator, on the rows as they are then), so a preview lists exactly what a run
// deletes unless the package changes in between.
//
//   versions (not versionless, not processing), newest first (created_at, id):
//     kept when: the rule's name_regex_keep matches the name, or name_regex is set and does not match it,
//                among the newest keep_n_latest, version_regex_keep matches, a tag points at it,
//                version_regex is set and does not match, older_than_days is set and it is younger
//     a package a protection rule matches: its latest installable version is always kept
//   files of the versions that stay, per file name newest first: beyond keep_n_duplicated_package_files go
// Patterns run on RE2 as GitLab's duplicate exceptions do, anchored (`\A…\z`).
import type { StoredCleanupRule } from "../../db/schema";
import { anchoredMatch, invalidDuplicatePattern } from "../publish/duplicates";
import type { PackageState } from "../publish/planners";
import type { PlannedOp } from "../publish/types";

/** GitLab's Packages::Cleanup::Policy::KEEP_N_DUPLICATED_PACKAGE_FILES_VALUES ("all": the rule is off). */
export const KEEP_N_DUPLICATED_VALUES = ["all", "1", "10", "20", "30", "40", "50"] as const;
export type KeepNDuplicated = (typeof KEEP_N_DUPLICATED_VALUES)[number];

/** GitLab's fixed cadence (Packages::Cleanup::Policy#set_next_run_at). */
export const CLEANUP_CADENCE_MS = 12 * 60 * 60 * 1000;
export const MAX_RULES = 20;

export type CleanupRule = StoredCleanupRule;

export interface CleanupPolicy {
  keepNDuplicatedPackageFiles: KeepNDuplicated;
  rules: CleanupRule[];
}

export const DEFAULT_POLICY: CleanupPolicy = { keepNDuplicatedPackageFiles: "all", rules: [] };

/** A policy that deletes nothing is never scheduled (GitLab: `active` = keep_n… other than "all"). */
export const isActive = (policy: CleanupPolicy) => policy.keepNDuplicatedPackageFiles !== "all" || policy.rules.length > 0;

/** Validation messages for a rule list as it would be saved; [] when valid. */
export function rulesProblems(rules: CleanupRule[]): string[] {
  const problems: string[] = [];
  if (rules.length > MAX_RULES) problems.push(`rules: at most ${MAX_RULES}`);
  const seen = new Set<string>();
  rules.forEach((rule, i) => {
    const at = `rules[${i}]`;
    if (seen.has(rule.package_type)) problems.push(`${at}: one rule per package_type (${rule.package_type} repeats)`);
    seen.add(rule.package_type);
    if (rule.keep_n_latest === null && rule.older_than_days === null && rule.name_regex === null && rule.version_regex === null) {
      problems.push(`${at}: say what goes: keep_n_latest, older_than_days, name_regex or version_regex`);
    }
    for (const key of ["name_regex", "name_regex_keep", "version_regex", "version_regex_keep"] as const) {
      const pattern = rule[key];
      const problem = pattern === null ? null : invalidDuplicatePattern(pattern);
      if (problem) problems.push(`${at}.${key} ${problem}`);
    }
  });
  return problems;
}

/** What a policy asks of one package: its type's rule (if any) and the duplicate-file limit. */
export interface PackagePolicy {
  rule: CleanupRule | null;
  keepNDuplicatedPackageFiles: KeepNDuplicated;
}

export const policyFor = (policy: CleanupPolicy, packageType: string): PackagePolicy => ({
  rule: policy.rules.find((r) => r.package_type === packageType) ?? null,
  keepNDuplicatedPackageFiles: policy.keepNDuplicatedPackageFiles,
});

/** Whether the policy can delete anything of this type (a package of another type needs no look). */
export const appliesTo = (policy: PackagePolicy) => policy.rule !== null || policy.keepNDuplicatedPackageFiles !== "all";

export interface Deletions {
  /** Whole versions (package rows) with their files. */
  versionIds: number[];
  /** Files of versions that stay. */
  fileIds: number[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const LIVE = new Set(["default", "deprecated"]);

/** The versions and files of one package the policy deletes; `state.versions` must carry files for the duplicate rule. */
export function selectDeletions(name: string, state: PackageState, policy: PackagePolicy, protectedPackage: boolean, now: number): Deletions {
  const newestFirst = [...state.versions].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id);
  const tagged = new Set(state.tags.values());
  const doomed = new Set<number>();
  const rule = policy.rule;
  const nameKept = !rule || (rule.name_regex_keep !== null && anchoredMatch(rule.name_regex_keep, name)) || (rule.name_regex !== null && !anchoredMatch(rule.name_regex, name));
  if (rule && !nameKept) {
    let rank = 0;
    for (const v of newestFirst) {
      if (v.version === "" || v.status === "processing") continue;
      rank++;
      if (rule.keep_n_latest !== null && rank <= rule.keep_n_latest) continue;
      if (tagged.has(v.version)) continue;
      if (rule.version_regex_keep !== null && anchoredMatch(rule.version_regex_keep, v.version)) continue;
      if (rule.version_regex !== null && !anchoredMatch(rule.version_regex, v.version)) continue;
      if (rule.older_than_days !== null && v.createdAt.getTime() > now - rule.older_than_days * DAY_MS) continue;
      doomed.add(v.id);
    }
    if (protectedPackage) {
      const latest = newestFirst.find((v) => v.version !== "" && LIVE.has(v.status));
      if (latest) doomed.delete(latest.id);
    }
  }
  const fileIds: number[] = [];
  if (policy.keepNDuplicatedPackageFiles !== "all") {
    const keep = Number(policy.keepNDuplicatedPackageFiles);
    for (const v of newestFirst) {
      if (doomed.has(v.id) || v.status === "processing") continue;
      const byName = new Map<string, { id: number; createdAt: Date }[]>();
      for (const f of v.files ?? []) byName.set(f.fileName, [...(byName.get(f.fileName) ?? []), f]);
      for (const files of byName.values()) {
        files.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id);
        fileIds.push(...files.slice(keep).map((f) => f.id));
      }
    }
  }
  return { versionIds: newestFirst.filter((v) => doomed.has(v.id)).map((v) => v.id), fileIds: fileIds.sort((a, b) => a - b) };
}

/** The input of the `cleanup.policy` planner (plain data: it crosses Durable Object RPC). */
export interface CleanupPlanInput {
  policy: PackagePolicy;
  now: number;
}

/**
 * The planner the coordinator runs for a policy's commit: the same selection on the package's rows as they are
 * now. `protectedPackage` is the coordinator's own reading of the project's protection rules (never the caller's).
 */
export function planCleanup(name: string, state: PackageState, input: CleanupPlanInput, protectedPackage: boolean): PlannedOp[] {
  const chosen = selectDeletions(name, state, input.policy, protectedPackage, input.now);
  return [...chosen.versionIds.map((packageId) => ({ kind: "remove_package" as const, packageId })), ...chosen.fileIds.map((fileId) => ({ kind: "remove_file" as const, fileId }))];
}
