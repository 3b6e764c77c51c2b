// The Maven format (mvn, Gradle, sbt): GitLab's Maven repository API at project, group and instance level.
// Spec: ../shared/reference/gitlab-spec.md §3; docs/formats/maven.md.
import type { FormatModule } from "../format";
import { renderMavenError } from "./errors";
import { mavenRoutes } from "./routes";

const MAVEN_PATH = /^\/(?:projects\/[^/]+\/packages\/maven\/|groups\/[^/]+\/-\/packages\/maven\/|packages\/maven\/)/;

export const maven: FormatModule = {
  name: "maven",
  routes: mavenRoutes,
  ownsPath: (path) => MAVEN_PATH.test(path),
  renderError: renderMavenError,
};
