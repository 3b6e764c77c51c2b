// The RubyGems format: gem push to a project; gem install and Bundler read the project's compact index,
// Marshal indexes and dependency API; gem yank. Spec: ../shared/reference/gitlab-spec.md §9; docs/formats/rubygems.md.
import type { FormatModule } from "../format";
import { renderRubygemsError } from "./errors";
import { RUBYGEMS } from "./release";
import { rubygemsRoutes } from "./routes";
import { rubygemsPageSnippets } from "./snippets";
import { planYank, YANK_PLANNER } from "./yank";

export const rubygemsFormat: FormatModule = {
  packageType: RUBYGEMS,
  displayName: "RubyGems",
  routes: rubygemsRoutes,
  renderError: renderRubygemsError,
  snippets: rubygemsPageSnippets,
  planners: { [YANK_PLANNER]: planYank },
};
