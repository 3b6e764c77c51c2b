// The Terraform module format: GitLab's Terraform module registry (upload at project level; the module
// registry protocol in a top-level namespace; project-level downloads for HTTP sources).
// Spec: ../shared/reference/gitlab-spec.md §12; docs/formats/terraform.md.
import type { FormatModule } from "../format";
import { renderTerraformError } from "./errors";
import { commitTarget } from "./package";
import { PACKAGE_TYPE } from "./parse";
import { terraformRootRoutes, terraformRoutes } from "./routes";
import { terraformPageSnippets } from "./snippets";

export const terraformFormat: FormatModule = {
  packageType: PACKAGE_TYPE,
  displayName: "Terraform module",
  routes: terraformRoutes,
  rootRoutes: terraformRootRoutes,
  renderError: renderTerraformError,
  commitTarget,
  snippets: terraformPageSnippets,
};
