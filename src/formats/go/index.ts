// The Go format: a GOPROXY per project, filled by uploading module zips (GitLab serves modules from git
// tags instead). Spec: ../shared/reference/gitlab-spec.md §10; docs/formats/go.md.
import type { FormatModule } from "../format";
import { renderGoError } from "./errors";
import { GOLANG } from "./proxy";
import { goRoutes } from "./routes";
import { goPageSnippets } from "./snippets";

export const goFormat: FormatModule = {
  packageType: GOLANG,
  displayName: "Go",
  routes: goRoutes,
  renderError: renderGoError,
  snippets: goPageSnippets,
};
