// Where Terraform module writes commit, and GitLab's rule that decides whether a module name may exist in
// two projects of one top-level namespace (the group's `terraform_module` duplicate setting).
// Spec: gitlab-spec.md §0.3 and §12 "Rules"; GitLab app/services/packages/terraform_module/create_package_service.rb.
import { RE2JS } from "re2js";
import type { CommitTarget } from "../../core/publish/types";
import type { PackageStatus, ProjectContext } from "../../core/registry";
import { PACKAGE_TYPE } from "./parse";

/** Every status but pending_destruction: what GitLab's uniqueness checks count (`not_pending_destruction`). */
export const EXISTING_STATUSES: PackageStatus[] = ["default", "hidden", "processing", "error", "deprecated"];

/**
 * Every write of a module in this project. The coordinator is keyed by the top-level namespace (as npm's),
 * so two publishes of one name in two projects of the namespace queue behind each other and the core's
 * root-namespace check (uniqueInRootNamespace) cannot race. Packages API and page deletes use it too.
 */
export function commitTarget(ctx: ProjectContext, name: string): CommitTarget {
  const root = ctx.subject.namespaceIds[0] ?? ctx.namespace.id;
  return { projectId: ctx.project.id, packageType: PACKAGE_TYPE, name, normalizedName: name, coordinatorKey: `root-namespace:${root}` };
}

/** The duplicate fields of a namespace's package settings (the rest are other formats'). */
export interface TerraformDuplicateSettings {
  terraform_module_duplicates_allowed?: boolean;
  terraform_module_duplicate_exception_regex?: string;
}

/**
 * Whether `name` may exist in another project of the namespace. GitLab: allowed when any of the project's
 * namespace and its ancestors allows it, where one allows it when `duplicates_allowed` XOR the exception
 * regex matches the whole name (`\A…\z`). Default: not allowed. Packyard reads the project's own namespace
 * and the top-level one (the settings the core reads for every format).
 */
export function duplicateNamesAllowed(settings: TerraformDuplicateSettings[], name: string): boolean {
  return settings.some((s) => {
    const pattern = s.terraform_module_duplicate_exception_regex ?? "";
    const matches = pattern !== "" && wholeMatch(pattern, name);
    return s.terraform_module_duplicates_allowed === true ? !matches : matches;
  });
}

/** RE2 (linear time: the pattern is a group owner's text); a pattern that does not compile matches nothing. */
function wholeMatch(pattern: string, name: string): boolean {
  try {
    return RE2JS.compile(pattern).matcher(name).matches();
  } catch {
    return false;
  }
}
