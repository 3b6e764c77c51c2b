// The Generic format: PUT/GET/HEAD of files under /projects/:id/packages/generic/:name/:version/<path>,
// plus the chunked-upload API on the same paths. Errors use GitLab's JSON shapes.
// Spec: ../shared/reference/gitlab-spec.md §5; docs/formats/generic.md.
import type { FormatModule } from "../format";
import { renderGenericError } from "./errors";
import { PACKAGE_TYPE } from "./publish";
import { genericRoutes } from "./routes";
import { genericPageSnippets } from "./snippets";

export const genericFormat: FormatModule = {
  packageType: PACKAGE_TYPE,
  displayName: "Generic",
  routes: genericRoutes,
  renderError: renderGenericError,
  snippets: genericPageSnippets,
};
