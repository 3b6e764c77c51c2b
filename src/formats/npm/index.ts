// The npm format: GitLab's npm registry API (publish, install, dist-tags, deprecate, unpublish, search).
import type { FormatModule } from "../format";
import { renderNpmError } from "./errors";
import { isNpmPath, npmRoutes } from "./routes";

export const npmFormat: FormatModule = {
  name: "npm",
  routes: npmRoutes,
  ownsPath: isNpmPath,
  renderError: renderNpmError,
};
