// The npm format: GitLab's npm registry API (publish, install, dist-tags, deprecate, unpublish, search).
import type { FormatModule } from "../format";
import { renderNpmError } from "./errors";
import { commitTarget } from "./package";
import { npmPlanners } from "./planners";
import { npmRoutes } from "./routes";
import { npmPageSnippets } from "./snippets";

export const npmFormat: FormatModule = {
  packageType: "npm",
  displayName: "npm",
  routes: npmRoutes,
  renderError: renderNpmError,
  planners: npmPlanners,
  commitTarget,
  snippets: npmPageSnippets,
};
