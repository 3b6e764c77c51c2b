// Terraform module routes: service discovery, the module registry protocol in a top-level namespace, and the
// project endpoints (upload, download for HTTP sources). Each route declares its access; handlers start with
// a resolved project or read scope. The client's request sequences are above the handlers they reach
// (namespace-reads.ts, project-reads.ts, upload.ts).
// Spec: gitlab-spec.md §12; ../shared/reference/clients.md "Terraform module registry".
import { Hono, type Context, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import type { ScopeLevel } from "../../core/registry";
import { projectAccess, projectLevel, projectOf, readAccess, scopeOf } from "../../http/access";
import { SERVICE_DISCOVERY } from "./metadata";
import { listVersions, locateArchive, redirectToLatest, serveTokenFile, serveVersionFile, showVersion, type NamespaceModule } from "./namespace-reads";
import { invalidNamePart, isSemver, type ModuleCoordinates, type ModuleVersion } from "./parse";
import { downloadFromProject, listProjectVersions } from "./project-reads";
import { uploadModule } from "./upload";

const PROJECT = "/projects/:id/packages/terraform/modules/:name/:system";
const NAMESPACE = "/packages/terraform/modules/v1/:namespace/:name/:system";

const moduleOf = (c: Context<AppEnv>): ModuleCoordinates => ({ name: c.req.param("name") ?? "", system: c.req.param("system") ?? "" });
const namespaceModuleOf = (c: Context<AppEnv>): NamespaceModule => ({ ...moduleOf(c), namespace: c.req.param("namespace") ?? "" });

/** A version named in a read path: SemVer, or no such route (GitLab's route requirement: 404). */
function versionOf(c: Context<AppEnv>): string {
  const version = c.req.param("version") ?? "";
  if (!isSemver(version)) throw new AppError("not_found", "404 Not Found");
  return version;
}

/** `:module_namespace` is the top-level group (or user namespace): its projects the caller may read. */
const namespaceLevel = (c: Context<AppEnv>): ScopeLevel => ({ kind: "root_namespace", path: c.req.param("namespace") ?? "" });

/**
 * An upload's path, judged after refusing anonymous callers and before access (as Grape validates
 * parameters before the endpoint authorises): name and system 1–64 of [a-z0-9-], a SemVer version.
 */
const validUpload: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.var.registry.isAnonymous) throw new AppError("unauthorized");
  uploadedModuleOf(c);
  await next();
};

function uploadedModuleOf(c: Context<AppEnv>): ModuleVersion {
  const module = moduleOf(c);
  const version = c.req.param("version") ?? "";
  for (const [field, value] of [["module_name", module.name], ["module_system", module.system]] as const) {
    const problem = invalidNamePart(field, value);
    if (problem) throw new AppError("bad_request", problem, { field });
  }
  if (!isSemver(version)) throw new AppError("bad_request", "module_version is invalid: it must follow Semantic Versioning (https://semver.org)", { field: "module_version" });
  return { ...module, version };
}

/** The archive URL terraform was given carries a token (no credentials come with it); without one, an ordinary read. */
const namespaceRead = readAccess(namespaceLevel);
const archiveAccess: MiddlewareHandler<AppEnv> = async (c, next) => (c.req.query("token") ? next() : namespaceRead(c, next));

export const terraformRoutes = new Hono<AppEnv>();

/** terraform init: the first request to the module source's host, at the site root (FormatModule.rootRoutes). */
export const terraformRootRoutes = new Hono<AppEnv>();
terraformRootRoutes.get("/.well-known/terraform.json", (c) => c.json(SERVICE_DISCOVERY, 200, { "Cache-Control": "public, max-age=3600" }));

// The module registry protocol (namespace-reads.ts). Literal suffixes are registered before `:version`.
terraformRoutes.get(`${NAMESPACE}/versions`, namespaceRead, (c) => listVersions(c, scopeOf(c), namespaceModuleOf(c)));
terraformRoutes.get(`${NAMESPACE}/download`, namespaceRead, (c) => redirectToLatest(c, scopeOf(c), namespaceModuleOf(c)));
terraformRoutes.get(NAMESPACE, namespaceRead, (c) => showVersion(c, scopeOf(c), namespaceModuleOf(c)));
terraformRoutes.get(`${NAMESPACE}/:version/download`, namespaceRead, (c) => locateArchive(c, scopeOf(c), namespaceModuleOf(c), versionOf(c)));
terraformRoutes.get(`${NAMESPACE}/:version/file`, archiveAccess, (c) => {
  const token = c.req.query("token");
  return token ? serveTokenFile(c, namespaceModuleOf(c), versionOf(c), token) : serveVersionFile(c, scopeOf(c), namespaceModuleOf(c), versionOf(c));
});
terraformRoutes.get(`${NAMESPACE}/:version`, namespaceRead, (c) => showVersion(c, scopeOf(c), namespaceModuleOf(c), versionOf(c)));

// Project endpoints (upload.ts, project-reads.ts).
terraformRoutes.put(`${PROJECT}/:version/file`, validUpload, projectAccess("create_package"), (c) => uploadModule(c, projectOf(c), uploadedModuleOf(c)));
terraformRoutes.get(`${PROJECT}/versions`, readAccess(projectLevel), (c) => listProjectVersions(c, scopeOf(c), moduleOf(c)));
terraformRoutes.get(PROJECT, readAccess(projectLevel), (c) => downloadFromProject(c, scopeOf(c), moduleOf(c)));
terraformRoutes.get(`${PROJECT}/:version`, readAccess(projectLevel), (c) => downloadFromProject(c, scopeOf(c), moduleOf(c), versionOf(c)));
