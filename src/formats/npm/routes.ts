// The npm routes at project (/projects/:id/packages/npm), group (/groups/:id/-/packages/npm) and instance
// (/packages/npm) level. One catch-all per level hands the raw rest of the path to `parseNpmPath`, because
// scoped names arrive both as `@scope%2fname` and as `@scope/name` and Hono decodes `%2f` in params; the
// table below declares, per endpoint kind and method, the access the dispatcher applies before the handler.
// Spec: ../shared/reference/gitlab-spec.md §1.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import { applyAccess, DEPLOY_TOKEN_MAINTENANCE, read, readOpenAtInstance, write, type Level, type NpmAccess, type NpmRequest } from "./access";
import { NpmParseError, parseNpmPath, type NpmEndpoint } from "./parse";
import { answerAudit, getDistTags, getPackument, getTarball, searchPackages } from "./read-handlers";
import { deleteDistTag, deletePackage, deleteTarball, putDistTag, putPackument, putPackumentRevision } from "./write-handlers";

const MARKER = "/packages/npm";

type Method = "GET" | "PUT" | "DELETE" | "POST";
type Kind = NpmEndpoint["kind"];
interface Route<K extends Kind> {
  access: NpmAccess;
  handle: (c: Context<AppEnv>, request: NpmRequest<Extract<NpmEndpoint, { kind: K }>>) => Promise<Response>;
}

/**
 * Who may do what (GitLab §15): installs read; publish and dist-tag add need Developer; deprecate, unpublish
 * and dist-tag rm need Maintainer (`destroy_package`). A packument PUT is a publish at project level (the
 * handler asks for `destroy_package` too when the body turns out to be a deprecation) and can only be a
 * deprecation elsewhere. Group and instance writes go to the project holding the newest version. As in GitLab, a
 * `write_package_registry` deploy token may also deprecate and remove dist-tags (./access.ts).
 */
const ROUTES: { [K in Kind]: Partial<Record<Method, Route<K>>> } = {
  packument: {
    GET: { access: read, handle: getPackument },
    PUT: { access: write("create_package", "destroy_package", DEPLOY_TOKEN_MAINTENANCE), handle: putPackument },
  },
  package_rev: {
    PUT: { access: write("destroy_package"), handle: putPackumentRevision },
    DELETE: { access: write("destroy_package"), handle: deletePackage },
  },
  tarball: { GET: { access: read, handle: getTarball } },
  tarball_rev: { DELETE: { access: write("destroy_package"), handle: deleteTarball } },
  dist_tags: { GET: { access: read, handle: getDistTags } },
  dist_tag: {
    PUT: { access: write("create_package"), handle: putDistTag },
    DELETE: { access: write("destroy_package", "destroy_package", DEPLOY_TOKEN_MAINTENANCE), handle: deleteDistTag },
  },
  search: { GET: { access: readOpenAtInstance, handle: searchPackages } },
  audit: { POST: { access: readOpenAtInstance, handle: answerAudit } },
};

export const npmRoutes = new Hono<AppEnv>();
npmRoutes.all(`/projects/:id${MARKER}/*`, (c) => dispatch(c, { kind: "project", ref: c.req.param("id") }));
npmRoutes.all(`/groups/:id/-${MARKER}/*`, (c) => dispatch(c, { kind: "group", ref: c.req.param("id") }));
npmRoutes.all(`${MARKER}/*`, (c) => dispatch(c, { kind: "instance" }));

async function dispatch(c: Context<AppEnv>, level: Level): Promise<Response> {
  const url = new URL(c.req.url);
  const at = url.pathname.indexOf(`${MARKER}/`);
  let endpoint: NpmEndpoint | null;
  try {
    endpoint = parseNpmPath(url.pathname.slice(at + MARKER.length + 1));
  } catch (error) {
    throw error instanceof NpmParseError ? new AppError("bad_request", `400 Bad request - ${error.message}`) : error;
  }
  if (!endpoint) throw new AppError("not_found", "404 Not Found");
  const method = c.req.method === "HEAD" ? "GET" : c.req.method;
  const route = (ROUTES[endpoint.kind] as Partial<Record<string, Route<Kind>>>)[method];
  if (!route) throw new AppError("method_not_allowed", `405 Method Not Allowed - ${c.req.method} is not supported here`);
  const request: NpmRequest = { level, endpoint, prefix: `${url.origin}${url.pathname.slice(0, at + MARKER.length)}` };
  const edgeHit = await applyAccess(c, request, route.access);
  return edgeHit ?? route.handle(c, request);
}
