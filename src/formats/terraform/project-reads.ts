// Project-level reads: GitLab's download of a module for terraform's HTTP source (Basic auth from .netrc),
// and the versions document of one project (a Packyard addition: GitLab has no project-level listing).
// Spec: gitlab-spec.md §12 "Project endpoints"; GitLab lib/api/terraform/modules/v1/project_packages.rb.
//
// source = "https://HOST/api/v4/projects/:id/packages/terraform/modules/hello/local/1.0.0?terraform-get=1"
//   GET …/hello/local/1.0.0?terraform-get=1 → 204, X-Terraform-Get: <same URL>?archive=tgz (GitLab does not look first)
//   GET …/hello/local/1.0.0?archive=tgz (go-getter strips archive=) → the .tgz; without a version: the latest
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import { missIn, type ReadScope } from "../../core/registry";
import { withEdgeCache } from "../../http/edge-cache";
import { buildVersionsDocument } from "./metadata";
import { archiveOf, jsonDocument, moduleVersion, moduleVersions, serveArchive, sourceOf } from "./modules";
import type { ModuleCoordinates } from "./parse";

/** GET /projects/:id/packages/terraform/modules/:name/:system[/:version][?terraform-get=1] */
export async function downloadFromProject(c: Context<AppEnv>, scope: ReadScope, module: ModuleCoordinates, version?: string): Promise<Response> {
  const terraformGet = c.req.query("terraform-get");
  if (terraformGet !== undefined) {
    if (terraformGet !== "1") throw new AppError("bad_request", "terraform-get does not have a valid value");
    const url = new URL(c.req.url);
    return new Response(null, { status: 204, headers: { "X-Terraform-Get": `${url.origin}${url.pathname}?archive=tgz`, "Cache-Control": "private, no-store" } });
  }
  return withEdgeCache(c, scope.cache, async () => {
    const row = await moduleVersion(c, scope, module, version);
    return serveArchive(c, archiveOf(scope, module, row));
  });
}

/** GET /projects/:id/packages/terraform/modules/:name/:system/versions (Packyard): the protocol's versions document for one project. */
export async function listProjectVersions(c: Context<AppEnv>, scope: ReadScope, module: ModuleCoordinates): Promise<Response> {
  return withEdgeCache(c, scope.cache, async () => {
    const rows = await moduleVersions(c, scope, module);
    if (rows.length === 0) throw missIn(scope);
    return jsonDocument(buildVersionsDocument(module.system, rows.map((r) => r.version), sourceOf(c, scope, rows[0])));
  });
}
