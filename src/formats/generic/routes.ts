// The one Generic route: PUT/GET/HEAD of a file and the chunked-upload API under the same path,
// dispatched by method and path suffix. The access each kind of request needs is declared in one table
// and applied before the handler, so a handler starts with its resolved project or read scope.
// Spec: ../shared/reference/gitlab-spec.md §5; GitLab lib/api/generic_packages.rb.
import { Hono, type Context, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import { projectAccess, projectLevel, projectOf, readAccess, scopeOf } from "../../http/access";
import { handleChunked, type UploadRequest } from "./chunked";
import { downloadFile } from "./download";
import { parseGenericPath, type GenericCoordinates } from "./parse";
import { parseUploadQuery, uploadFile } from "./upload";

const PATH = "/projects/:id/packages/generic/*";
const MARKER = "/packages/generic/";
const READS = new Set(["GET", "HEAD"]);

/** What a request to the Generic path is, judged from its method and path suffix. */
type GenericRoute = { kind: "download" | "upload"; coordinates: GenericCoordinates } | { kind: "chunked"; request: UploadRequest };

/**
 * The access each kind needs. A download is read_package on the project, resolved as a project-level
 * read scope so it carries the one edge-caching rule; uploads and every chunked-upload call need create_package.
 */
const ACCESS: Record<GenericRoute["kind"], MiddlewareHandler<AppEnv>> = {
  download: readAccess(projectLevel),
  upload: projectAccess("create_package"),
  chunked: projectAccess("create_package"),
};

/** The still-encoded path after /packages/generic/, so every segment is decoded exactly once by the parser. */
function rawRest(c: Context<AppEnv>): string {
  const pathname = new URL(c.req.url).pathname;
  return pathname.slice(pathname.indexOf(MARKER) + MARKER.length);
}

function genericRouteOf(c: Context<AppEnv>): GenericRoute {
  const method = c.req.method;
  const request = parseGenericPath(method, rawRest(c));
  if (request.kind !== "file") return { kind: "chunked", request };
  if (method === "PUT") return { kind: "upload", coordinates: request.coordinates };
  if (READS.has(method)) return { kind: "download", coordinates: request.coordinates };
  throw new AppError("method_not_allowed", "405 Method Not Allowed");
}

/**
 * Judge the request, then apply its access. Anonymous writes are refused before the path is judged
 * (GitLab's authenticate_non_get!); the path and an upload's query are judged before access, as
 * Grape validates parameters before the endpoint authorises.
 */
const genericAccess: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!READS.has(c.req.method) && c.var.registry.isAnonymous) throw new AppError("unauthorized");
  const route = genericRouteOf(c);
  if (route.kind === "upload") parseUploadQuery(c);
  return ACCESS[route.kind](c, next);
};

export const genericRoutes = new Hono<AppEnv>();

// curl --upload-file f.bin -H "PRIVATE-TOKEN: …" …/generic/:name/:version/f.bin  (Expect: 100-continue, then the body)
// curl -H "PRIVATE-TOKEN: …" -o f.bin …/generic/:name/:version/f.bin
// scripts/upload-large.mjs: POST …/f.bin/uploads, PUT …/uploads/<id>/parts/<n>, POST …/uploads/<id>/complete (chunked.ts)
genericRoutes.on(["GET", "HEAD", "PUT", "POST", "DELETE"], PATH, genericAccess, async (c) => {
  const route = genericRouteOf(c);
  switch (route.kind) {
    case "download":
      return downloadFile(c, scopeOf(c), route.coordinates);
    case "upload":
      return uploadFile(c, projectOf(c), route.coordinates);
    case "chunked":
      return handleChunked(c, projectOf(c), route.request);
  }
});
