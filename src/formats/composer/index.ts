// The Composer format: zip archives uploaded per version, installed with `composer` from a group or a project.
// Spec: ../shared/reference/gitlab-spec.md §7; docs/formats/composer.md.
import type { FormatModule } from "../format";
import { renderComposerError } from "./errors";
import { PACKAGE_TYPE } from "./parse";
import { commitTarget, composerPlanners } from "./planners";
import { composerRoutes } from "./routes";
import { composerPageSnippets } from "./snippets";

export const composerFormat: FormatModule = {
  packageType: PACKAGE_TYPE,
  displayName: "Composer",
  routes: composerRoutes,
  renderError: renderComposerError,
  planners: composerPlanners,
  commitTarget,
  snippets: composerPageSnippets,
};
