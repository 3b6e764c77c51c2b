// The NuGet format: v3 feed (service index, registration, flat container, search, push, symbols, delete) at project
// level, search and metadata at group level, and the v2 OData feed NuGet 2.x and Chocolatey speak.
// Spec: ../shared/reference/gitlab-spec.md §4; docs/formats/nuget.md.
import type { FormatModule } from "../format";
import { renderNugetError } from "./errors";
import { NUGET } from "./package";
import { nugetRoutes } from "./routes";
import { nugetPageSnippets } from "./snippets";

export const nugetFormat: FormatModule = {
  packageType: NUGET,
  displayName: "NuGet",
  routes: nugetRoutes,
  renderError: renderNugetError,
  snippets: nugetPageSnippets,
};
