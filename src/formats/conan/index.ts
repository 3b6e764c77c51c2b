// The Conan format: GitLab's Conan repository API, v1 at project and instance level, v2 (revisions) at
// project level. Spec: ../shared/reference/gitlab-spec.md §8; docs/formats/conan.md.
import { registerFormatTokens } from "../../core/auth/format-tokens";
import type { FormatModule } from "../format";
import { renderConanError } from "./errors";
import { conanPlanners } from "./planners";
import { CONAN } from "./reference";
import { conanRoutes } from "./routes";
import { conanPageSnippets } from "./snippets";
import { conanTokenVerifier } from "./token";

// The tokens users/authenticate answers resolve, on Conan routes, to the credential they were minted from.
registerFormatTokens(conanTokenVerifier);

export const conanFormat: FormatModule = {
  packageType: CONAN,
  displayName: "Conan",
  routes: conanRoutes,
  renderError: renderConanError,
  planners: conanPlanners,
  snippets: conanPageSnippets,
};
