// The Generic format: PUT/GET/HEAD of files under /projects/:id/packages/generic/:name/:version/<path>,
// plus the chunked-upload API on the same paths. Errors use GitLab's JSON shapes.
// Spec: ../shared/reference/gitlab-spec.md §5; docs/formats/generic.md.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import type { FormatModule } from "../format";
import { AppError, statusOf } from "../../core/errors";
import { renderGitlabError } from "../../http/errors";
import { parseGenericPath } from "./parse";
import { uploadFile } from "./upload";
import { downloadFile } from "./download";
import { handleChunked } from "./chunked";
import { genericPageSnippets } from "./snippets";

const routes = new Hono<AppEnv>();
const PATH = "/projects/:id/packages/generic/*";
const MARKER = "/packages/generic/";

routes.on(["GET", "HEAD", "PUT", "POST", "DELETE"], PATH, async (c) => {
  const method = c.req.method;
  // Anonymous writes are refused before the path is judged, as GitLab's authenticate_non_get! does.
  if (method !== "GET" && method !== "HEAD" && c.get("actor").kind === "anonymous") throw new AppError("unauthorized");
  const request = parseGenericPath(method, rawRest(c));
  if (request.kind !== "file") return handleChunked(c, request);
  if (method === "PUT") return uploadFile(c, request.coordinates);
  if (method === "GET" || method === "HEAD") return downloadFile(c, request.coordinates);
  throw new AppError("method_not_allowed", "405 Method Not Allowed");
});

/** The still-encoded path after /packages/generic/, so every segment is decoded exactly once by the parser. */
function rawRest(c: Context<AppEnv>): string {
  const pathname = new URL(c.req.url).pathname;
  return pathname.slice(pathname.indexOf(MARKER) + MARKER.length);
}

function renderError(c: Context<AppEnv>, error: AppError): Response {
  // Grape's parameter validation answers {"error": "<param> is invalid"}.
  if (error.code === "bad_request" && typeof error.details?.field === "string") {
    return c.json({ error: error.message }, 400, { "Cache-Control": "private, no-store" });
  }
  if (error.code === "duplicate_not_allowed") {
    return c.json({ message: "400 Bad request - Duplicate package is not allowed" }, statusOf(error.code), { "Cache-Control": "private, no-store" });
  }
  return renderGitlabError(c, error);
}

export const genericFormat: FormatModule = {
  packageType: "generic",
  displayName: "Generic",
  routes,
  renderError,
  snippets: genericPageSnippets,
};
