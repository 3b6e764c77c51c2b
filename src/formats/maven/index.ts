// The Maven format (mvn, Gradle, sbt): GitLab's Maven repository API at project, group and instance level.
// Spec: ../shared/reference/gitlab-spec.md §3; docs/formats/maven.md.
import type { FormatModule } from "../format";
import { MAVEN } from "./download";
import { renderMavenError } from "./errors";
import { mavenRoutes } from "./routes";
import { mavenPageSnippets } from "./snippets";

export const mavenFormat: FormatModule = {
  packageType: MAVEN,
  displayName: "Maven",
  routes: mavenRoutes,
  renderError: renderMavenError,
  snippets: mavenPageSnippets,
};
