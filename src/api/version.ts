// GET /version: which GitLab API this instance answers as. Spec: GitLab doc/api/version.md, lib/api/version.rb
// (authenticated; api, read_api or read_user). Scripts and clients (python-gitlab, the Terraform provider) read
// `version` to decide which endpoints and fields exist: it names the GitLab release whose API this subset follows
// (docs/gitlab-compatibility.md), and `revision` names Packyard's own build.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { requireUser } from "./current-actor";

/** The GitLab release whose REST API (fields, defaults, rules) the management subset follows. */
export const GITLAB_API_VERSION = "18.0.0";
export const PACKYARD_REVISION = "packyard-0.1.0";

export const versionRoutes = new Hono<AppEnv>();

versionRoutes.get("/version", (c) => {
  requireUser(c, false, ["read_user"]);
  return c.json({
    version: GITLAB_API_VERSION,
    revision: PACKYARD_REVISION,
    kas: { enabled: false, externalUrl: null, externalK8sProxyUrl: null, version: null },
    enterprise: false,
  });
});
