// The Helm format: a chart repository per project and channel (helm repo add, helm install, helm cm-push).
// Spec: ../shared/reference/gitlab-spec.md §6; docs/formats/helm.md.
import type { FormatModule } from "../format";
import { renderHelmError } from "./errors";
import { HELM, helmRoutes } from "./routes";
import { helmPageSnippets } from "./snippets";

export const helmFormat: FormatModule = {
  packageType: HELM,
  displayName: "Helm",
  routes: helmRoutes,
  renderError: renderHelmError,
  snippets: helmPageSnippets,
};
