// The npm routes at project (/projects/:id/packages/npm), group (/groups/:id/-/packages/npm) and instance
// (/packages/npm) level. One catch-all per level hands the raw rest of the path to `parseNpmPath`, because
// scoped names arrive both as `@scope%2fname` and as `@scope/name` and Hono decodes `%2f` in params.
// Spec: ../shared/reference/gitlab-spec.md §1.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import { NpmParseError, parseNpmPath, type NpmEndpoint } from "./parse";
import { answerAudit, getDistTags, getPackument, getTarball, searchPackages } from "./read-handlers";
import { deleteDistTag, deletePackage, deleteTarball, putDistTag, putPackument, putPackumentRevision } from "./write-handlers";
import type { Level } from "./scope";

const MARKER = "/packages/npm";

export const npmRoutes = new Hono<AppEnv>();
npmRoutes.all(`/projects/:id${MARKER}/*`, (c) => dispatch(c, { kind: "project", ref: c.req.param("id") }));
npmRoutes.all(`/groups/:id/-${MARKER}/*`, (c) => dispatch(c, { kind: "group", ref: c.req.param("id") }));
npmRoutes.all(`${MARKER}/*`, (c) => dispatch(c, { kind: "instance" }));

/** Whether a path after /api/v4 is an npm path (its errors then render as npm's `{"error": …}`). */
export function isNpmPath(path: string): boolean {
  return /^\/(projects\/[^/]+\/|groups\/[^/]+\/-\/)?packages\/npm(\/|$)/.test(path);
}

async function dispatch(c: Context<AppEnv>, level: Level): Promise<Response> {
  const url = new URL(c.req.url);
  const at = url.pathname.indexOf(`${MARKER}/`);
  const prefix = { url: `${url.origin}${url.pathname.slice(0, at + MARKER.length)}` };
  let endpoint: NpmEndpoint | null;
  try {
    endpoint = parseNpmPath(url.pathname.slice(at + MARKER.length + 1));
  } catch (error) {
    throw error instanceof NpmParseError ? new AppError("bad_request", `400 Bad request - ${error.message}`) : error;
  }
  if (!endpoint) throw new AppError("not_found", "404 Not Found");
  const method = c.req.method === "HEAD" ? "GET" : c.req.method;
  switch (endpoint.kind) {
    case "packument":
      if (method === "GET") return getPackument(c, level, prefix, endpoint.name);
      if (method === "PUT") return putPackument(c, level, endpoint.name);
      break;
    case "package_rev":
      if (method === "PUT") return putPackumentRevision(c, level, endpoint.name);
      if (method === "DELETE") return deletePackage(c, level, endpoint.name);
      break;
    case "tarball":
      if (method === "GET") return getTarball(c, level, endpoint.name, endpoint.fileName);
      break;
    case "tarball_rev":
      if (method === "DELETE") return deleteTarball(c, level, endpoint.name, endpoint.fileName);
      break;
    case "dist_tags":
      if (method === "GET") return getDistTags(c, level, endpoint.name);
      break;
    case "dist_tag":
      if (method === "PUT") return putDistTag(c, level, endpoint.name, endpoint.tag);
      if (method === "DELETE") return deleteDistTag(c, level, endpoint.name, endpoint.tag);
      break;
    case "search":
      if (method === "GET") return searchPackages(c, level);
      break;
    case "audit":
      if (method === "POST") return answerAudit(c, level, endpoint.quick);
      break;
  }
  throw new AppError("method_not_allowed", `405 Method Not Allowed - ${c.req.method} is not supported here`);
}
