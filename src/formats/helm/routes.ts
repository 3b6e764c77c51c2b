// Helm routes under /api/v4 (project level only, as GitLab): the channel's index.yaml, chart and provenance
// downloads, and the chart upload helm cm-push sends. Access is declared on each route.
// Spec: ../shared/reference/gitlab-spec.md §6; client sequences above each route.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import { projectAccess, projectLevel, readAccess } from "../../http/access";
import { isValidChannel } from "./names";
import { helmReads, serveChartFile, serveIndex } from "./read";
import { uploadChart } from "./upload";

export { HELM } from "./names";

/** A channel GitLab would not accept is a 400 for everyone, before access is resolved (Grape validates params first). */
const validChannel = async (c: Context<AppEnv>, next: () => Promise<void>) => {
  if (!isValidChannel(c.req.param("channel") ?? "")) throw new AppError("bad_request", "channel is invalid", { field: "error" });
  await next();
};

export const helmRoutes = new Hono<AppEnv>();
const prefix = "/projects/:id/packages/helm";

// helm repo add --username <user> --password <token> acme http://HOST/api/v4/projects/<id>/packages/helm/stable
//   GET …/helm/stable/index.yaml   (anonymous first; Basic after a 401 challenge, or up front once configured)
// helm cm-push reads the same document first, for serverInfo.contextPath.
helmRoutes.get(`${prefix}/:channel/index.yaml`, validChannel, readAccess(projectLevel, helmReads.index), serveIndex);

// helm install acme/mychart --version 0.1.0 [--verify]
//   GET …/helm/stable/charts/mychart-0.1.0.tgz        (the `urls` entry of index.yaml, relative to the channel)
//   GET …/helm/stable/charts/mychart-0.1.0.tgz.prov   (with --verify)
helmRoutes.get(`${prefix}/:channel/charts/:file`, validChannel, readAccess(projectLevel, helmReads.file), serveChartFile);

// helm cm-push mychart-0.1.0.tgz acme   (or: curl --user <user>:<token> --form chart=@mychart-0.1.0.tgz [--form prov=@….prov])
//   POST …/helm/api/stable/charts   multipart/form-data: chart (the .tgz), optional prov; cm-push adds ?force
//   ← 201 {"message":"201 Created"}; 400 for an invalid chart or a provenance file of another chart.
// Access is decided before a byte of the body is read.
helmRoutes.post(`${prefix}/api/:channel/charts`, validChannel, projectAccess("create_package"), uploadChart);
