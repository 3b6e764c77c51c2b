// Go routes under /api/v4: the GOPROXY protocol at project level (GitLab has no group or instance Go
// proxy), plus the upload that fills it. Each route declares its access; handlers start with a resolved
// project or read scope. Spec: ../shared/reference/gitlab-spec.md §10; https://go.dev/ref/mod#goproxy-protocol
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import { projectAccess, projectLevel, projectOf, readAccess, scopeOf } from "../../http/access";
import { parseGoRequest, type GoRequest } from "./parse";
import { GOLANG, serveGoRead } from "./proxy";
import type { PackageReads } from "../../core/registry";
import { uploadModuleZip } from "./upload";

const MARKER = "/packages/go/";

/** The module, version and document the URL names; a malformed one is `code` (404 for reads, 400 for uploads). */
function goRequestOf(c: Context<AppEnv>, code: "not_found" | "bad_request"): GoRequest {
  // go percent-encodes `!` (`%21acme`) and may encode `+`: decode the raw path once.
  const raw = new URL(c.req.url).pathname;
  const parsed = parseGoRequest(decoded(raw.slice(raw.indexOf(MARKER) + MARKER.length)));
  if (!parsed.ok) throw new AppError(code, `${code === "not_found" ? "404 Not Found" : "400 Bad request"} - ${parsed.message}`);
  return parsed.value;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // malformed escapes stay as they are and fail the path rules
  }
}

/** The path is judged before access (it needs no lookup), so a malformed one answers alike for everyone. */
const validPath = (code: "not_found" | "bad_request") => async (c: Context<AppEnv>, next: () => Promise<void>) => {
  goRequestOf(c, code);
  await next();
};

/** The module's rows serveGoRead asks for (one version when the request names one), with the access check. */
function goReads(c: Context<AppEnv>): PackageReads {
  const request = goRequestOf(c, "not_found");
  return { packageType: GOLANG, name: request.modulePath, ...("version" in request ? { version: request.version } : {}) };
}

export const goRoutes = new Hono<AppEnv>();

// Publishing (no go command does it; GitLab takes modules from git tags): build the zip as
// `go mod download` stores it (golang.org/x/mod/zip), then
//   curl --user <username>:<token> --upload-file v1.0.0.zip …/packages/go/<escaped module>/@v/v1.0.0.zip
// ← 201 {"message":"201 Created"}; 400 for a zip the go command would refuse; 409 for a version that exists.
// Access is decided before a byte of the body is read.
goRoutes.put("/projects/:id/packages/go/*", validPath("bad_request"), projectAccess("create_package"), async (c) => {
  const request = goRequestOf(c, "bad_request");
  if (request.kind !== "zip") throw new AppError("method_not_allowed", "405 Method Not Allowed - upload <module>/@v/<version>.zip; the .mod and .info come from it");
  return uploadModuleZip(c, projectOf(c), request.modulePath, request.version);
});

// go get example.test/acme/hello@v1.0.0 with GOPROXY=https://HOST/api/v4/projects/<id>/packages/go and
// Basic credentials from ~/.netrc (sent over HTTPS only):
//   GET <module>/@v/v1.0.0.info, then the path-prefix probes <prefix>/@v/v1.0.0.info (each must be 404 or 410),
//   GET <module>/@v/v1.0.0.zip, <module>/@v/v1.0.0.mod; `go list -m -versions` GETs <module>/@v/list;
//   `go get <module>` (no version) GETs @v/list, then @latest when the list is empty.
goRoutes.get("/projects/:id/packages/go/*", validPath("not_found"), readAccess(projectLevel, goReads), (c) => serveGoRead(c, scopeOf(c), goRequestOf(c, "not_found")));
