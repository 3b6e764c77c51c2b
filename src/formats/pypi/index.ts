// The PyPI format: twine uploads to a project, pip installs from a project or a group.
// Spec: ../shared/reference/gitlab-spec.md §2; docs/formats/pypi.md.
import { Hono } from "hono";
import type { AppEnv } from "../../env";
import type { FormatModule } from "../format";
import { renderPypiError } from "./errors";
import { simpleRoutes } from "./simple";
import { pypiPageSnippets } from "./snippets";
import { uploadRoutes } from "./upload";

const routes = new Hono<AppEnv>();
routes.route("/", uploadRoutes);
routes.route("/", simpleRoutes);

export const pypiFormat: FormatModule = {
  packageType: "pypi",
  displayName: "PyPI",
  routes,
  renderError: renderPypiError,
  snippets: pypiPageSnippets,
};
