// The Conan format: GitLab's Conan repository API, v1 at project and instance level, v2 (revisions) at
// project level. Spec: ../shared/reference/gitlab-spec.md §8; docs/formats/conan.md.
import type { FormatModule } from "../format";
import { renderConanError } from "./errors";
import { CONAN } from "./reference";
import { conanRoutes } from "./routes";
import { conanPageSnippets } from "./snippets";

export const conanFormat: FormatModule = {
  packageType: CONAN,
  displayName: "Conan",
  routes: conanRoutes,
  renderError: renderConanError,
  snippets: conanPageSnippets,
};
