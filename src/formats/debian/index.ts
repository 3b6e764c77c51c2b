// The Debian format (dput-ng, apt): GitLab's Debian repository API and its distributions API.
// Spec: ../shared/reference/gitlab-spec.md §11; docs/formats/debian.md.
import type { FormatModule } from "../format";
import { DEBIAN, DISTRIBUTIONS, updatePlanner } from "./distribution";
import { renderDebianError } from "./errors";
import { debianRoutes } from "./routes";
import { debianPageSnippets } from "./snippets";
import { INCOMING, INCOMING_EXPIRES_SECONDS } from "./upload";

export const debianFormat: FormatModule = {
  packageType: DEBIAN,
  displayName: "Debian",
  routes: debianRoutes,
  renderError: renderDebianError,
  snippets: debianPageSnippets,
  planners: { "debian.update": updatePlanner },
  // A project's distributions (hidden) and the files waiting for their .changes (processing); files no
  // .changes claimed are removed after three hours (GitLab's CleanupDanglingPackageFilesWorker, THREE_HOUR).
  internalPackages: [
    { normalizedName: DISTRIBUTIONS, status: "hidden" },
    { normalizedName: INCOMING, status: "processing", filesExpireAfterSeconds: INCOMING_EXPIRES_SECONDS },
  ],
};
