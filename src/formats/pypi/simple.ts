// pip's side: the simple repository API (index and project pages, HTML or JSON by Accept) and file
// downloads, at project level and at group level (every readable project of the group and its subgroups).
// Spec: gitlab-spec.md §2, PEP 503 / 691 / 700.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { missIn, newestPerVersion, type PackageReads, type ReadScope } from "../../core/registry";
import { notFound } from "../../core/errors";
import { groupLevel, projectLevel, readAccess, scopeOf } from "../../http/access";
import { withEdgeCache } from "../../http/edge-cache";
import { serveBlob } from "../../http/serve-blob";
import { isValidName, normalizeName } from "./names";
import { negotiate, renderIndex, renderProjectPage, type PageFile } from "./simple-pages";
import { PACKAGE_TYPE } from "./upload";
import { orForwarded } from "../../core/forwarding";
import { forwardFile, forwardProjectPage } from "./forwarding";

/** A name that can never exist is a 404 for everyone, before access is resolved. */
const validName = async (c: Context<AppEnv>, next: () => Promise<void>) => {
  if (!isValidName(c.req.param("name") ?? "")) throw notFound("404 Package Not Found");
  await next();
};

/** What each handler reads, fetched with the access check in one round trip. */
const indexReads = (): PackageReads => ({ packageType: PACKAGE_TYPE, namesOnly: true });
const pageReads = (c: Context<AppEnv>): PackageReads | undefined => {
  const requested = c.req.param("name") ?? "";
  // Other spellings and a missing slash only redirect.
  if (requested !== normalizeName(requested) || !c.req.path.endsWith("/")) return undefined;
  return { packageType: PACKAGE_TYPE, name: requested };
};
const fileReads = (c: Context<AppEnv>): PackageReads | undefined => {
  const sha256 = c.req.param("sha256") ?? "";
  return /^[0-9a-f]{64}$/i.test(sha256) ? { packageType: PACKAGE_TYPE, fileSha256: sha256, fileName: c.req.param("filename") } : undefined;
};

export const simpleRoutes = new Hono<AppEnv>();

for (const [prefix, levelOf] of [
  ["/projects/:id/packages/pypi", projectLevel],
  ["/groups/:id/-/packages/pypi", groupLevel],
] as const) {
  // pip/uv listing (rare; `pip search` is gone): GET …/simple/ → every package name.
  simpleRoutes.get(`${prefix}/simple`, readAccess(levelOf, indexReads), (c) => index(c, scopeOf(c)));
  simpleRoutes.get(`${prefix}/simple/`, readAccess(levelOf, indexReads), (c) => index(c, scopeOf(c)));
  // pip install --index-url http://__token__:<token>@HOST<prefix>/simple acme-hello
  //   GET <prefix>/simple/acme-hello/  Accept: application/vnd.pypi.simple.v1+json, …+html;q=0.1, text/html;q=0.01
  //   → page with files at ../../files/<sha256>/<file>#sha256=<sha256>
  //   GET <prefix>/files/<sha256>/<file>   (the same Basic credentials, sent up front)
  simpleRoutes.get(`${prefix}/simple/:name`, validName, readAccess(levelOf, pageReads), (c) => projectPage(c, scopeOf(c)));
  simpleRoutes.get(`${prefix}/simple/:name/`, validName, readAccess(levelOf, pageReads), (c) => projectPage(c, scopeOf(c)));
  simpleRoutes.get(`${prefix}/files/:sha256/:filename`, readAccess(levelOf, fileReads), (c) => download(c, scopeOf(c)));
}

/** Index pages and project pages are negotiated on Accept: each rendering is its own cache entry. */

async function index(c: Context<AppEnv>, scope: ReadScope) {
  return withEdgeCache(c, scope.cache, async () => {
    const rendering = negotiate(c.req.header("accept"));
    const names = await c.var.registry.packageNames(scope, PACKAGE_TYPE);
    const seen = new Set<string>();
    const entries = names.filter((n) => !seen.has(n.normalizedName) && seen.add(n.normalizedName));
    const body = renderIndex(rendering, scope.title, entries, new URL(c.req.url).pathname.endsWith("/"));
    return simpleResponse(body, rendering.contentType);
  });
}

/** A project page; other spellings of the name, or no trailing slash, redirect to `…/simple/<normalised>/` as PyPI does. */
async function projectPage(c: Context<AppEnv>, scope: ReadScope) {
  const requested = c.req.param("name")!;
  const normalizedName = normalizeName(requested);
  const url = new URL(c.req.url);
  if (requested !== normalizedName || !url.pathname.endsWith("/")) {
    const base = url.pathname.replace(/\/[^/]*\/?$/, "");
    return c.redirect(`${base}/${normalizedName}/${url.search}`, 301);
  }
  const local = () => withEdgeCache(c, scope.cache, async () => {
    const rendering = negotiate(c.req.header("accept"));
    const versions = newestPerVersion(await c.var.registry.versions(scope, PACKAGE_TYPE, normalizedName));
    if (versions.length === 0) throw missIn(scope);
    versions.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
    const files: PageFile[] = versions.flatMap((pkg) =>
      [...pkg.files].reverse().map((file) => ({
        fileName: file.fileName,
        sha256: file.sha256,
        size: file.size,
        uploadedAt: file.createdAt,
        requiresPython: String(file.metadata.requires_python || pkg.metadata.requires_python || ""),
      })),
    );
    const body = renderProjectPage(rendering, { name: normalizedName, versions: versions.map((v) => v.version), files });
    return simpleResponse(body, rendering.contentType);
  });
  // A name this level does not have: forwarded to the PyPI upstream when the level's settings say so.
  return orForwarded(local, () => forwardProjectPage(c, scope, normalizedName));
}

async function download(c: Context<AppEnv>, scope: ReadScope) {
  const sha256 = c.req.param("sha256")!;
  const fileName = c.req.param("filename")!;
  if (!/^[0-9a-f]{64}$/i.test(sha256)) throw notFound("404 Package Not Found");
  // Range requests get their own cache variant (206s are never stored), so a HIT is always a whole file.
  const local = () =>
    withEdgeCache(c, scope.cache, async () => {
      const found = await c.var.registry.fileBySha256(scope, PACKAGE_TYPE, sha256, fileName);
      if (!found) throw missIn(scope);
      return serveBlob(c.env.BLOBS, c.req.raw, found.file, { contentType: "application/octet-stream", cacheControl: "public, max-age=31536000, immutable" });
    });
  return orForwarded(local, () => forwardFile(c, scope, sha256, fileName));
}

/** Index documents change with every publish: clients revalidate; the edge cache keys on the revision. */
function simpleResponse(body: string, contentType: string): Response {
  return new Response(body, { headers: { "Content-Type": contentType, Vary: "Accept", "Cache-Control": "max-age=0, must-revalidate" } });
}
