// pip's side: the simple repository API (index and project pages, HTML or JSON by Accept) and file
// downloads, at project level and at group level (every readable project of the group and its subgroups).
// Spec: gitlab-spec.md §2, PEP 503 / 691 / 700.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { createDb, type Db } from "../../db/client";
import { authorizeGroupRead, authorizeProject, readableProjectsInGroup, type ProjectContext } from "../../core/tenancy";
import { notFound } from "../../core/errors";
import { getFileBySha256, getPackageVersions, listPackageNames, newestPerVersion } from "../../core/packages";
import { anonymousMayPull, revisionsOf, withEdgeCache } from "../../http/edge-cache";
import { serveBlob } from "../../http/serve-blob";
import { isValidName, normalizeName } from "./names";
import { negotiate, renderIndex, renderProjectPage, type PageFile } from "./simple-pages";
import { PACKAGE_TYPE } from "./upload";

/** The projects a request reads from, and what the edge cache needs to know about them. */
interface ReadScope {
  db: Db;
  title: string;
  projectIds: number[];
  anonymousPullable: boolean;
  revisions: string[];
}

async function projectScope(c: Context<AppEnv>): Promise<ReadScope> {
  const db = createDb(c.env.DB);
  const ctx = await authorizeProject(db, c.get("actor"), c.req.param("id")!, "read_package");
  return { db, title: ctx.project.name, projectIds: [ctx.project.id], anonymousPullable: anonymousMayPull(ctx.subject), revisions: revisionsOf([ctx.project]) };
}

async function groupScope(c: Context<AppEnv>): Promise<ReadScope> {
  const db = createDb(c.env.DB);
  const actor = c.get("actor");
  const group = await authorizeGroupRead(db, actor, c.req.param("id")!);
  const readable: ProjectContext[] = await readableProjectsInGroup(db, actor, group);
  return {
    db,
    title: group.name,
    projectIds: readable.map((p) => p.project.id),
    anonymousPullable: group.visibility === "public" && readable.every((p) => anonymousMayPull(p.subject)),
    revisions: [`g${group.id}`, ...revisionsOf(readable.map((p) => p.project))],
  };
}

export const simpleRoutes = new Hono<AppEnv>();

for (const [prefix, scopeOf] of [
  ["/projects/:id/packages/pypi", projectScope],
  ["/groups/:id/-/packages/pypi", groupScope],
] as const) {
  // pip/uv listing (rare; `pip search` is gone): GET …/simple/ → every package name.
  simpleRoutes.get(`${prefix}/simple`, async (c) => index(c, await scopeOf(c)));
  simpleRoutes.get(`${prefix}/simple/`, async (c) => index(c, await scopeOf(c)));
  // pip install --index-url http://__token__:<token>@HOST<prefix>/simple acme-hello
  //   GET <prefix>/simple/acme-hello/  Accept: application/vnd.pypi.simple.v1+json, …+html;q=0.1, text/html;q=0.01
  //   → page with files at ../../files/<sha256>/<file>#sha256=<sha256>
  //   GET <prefix>/files/<sha256>/<file>   (the same Basic credentials, sent up front)
  simpleRoutes.get(`${prefix}/simple/:name`, async (c) => projectPage(c, scopeOf));
  simpleRoutes.get(`${prefix}/simple/:name/`, async (c) => projectPage(c, scopeOf));
  simpleRoutes.get(`${prefix}/files/:sha256/:filename`, async (c) => download(c, await scopeOf(c)));
}

async function index(c: Context<AppEnv>, scope: ReadScope) {
  return withEdgeCache(c, { anonymousPullable: scope.anonymousPullable, revisions: scope.revisions, varyOn: ["Accept"] }, async () => {
    const rendering = negotiate(c.req.header("accept"));
    const names = await listPackageNames(scope.db, scope.projectIds, PACKAGE_TYPE);
    const seen = new Set<string>();
    const entries = names.filter((n) => !seen.has(n.normalizedName) && seen.add(n.normalizedName));
    const body = renderIndex(rendering, scope.title, entries, new URL(c.req.url).pathname.endsWith("/"));
    return simpleResponse(body, rendering.contentType);
  });
}

/** A project page; other spellings of the name, or no trailing slash, redirect to `…/simple/<normalised>/` as PyPI does. */
async function projectPage(c: Context<AppEnv>, scopeOf: (c: Context<AppEnv>) => Promise<ReadScope>) {
  const requested = c.req.param("name")!;
  if (!isValidName(requested)) throw notFound("404 Package Not Found");
  const scope = await scopeOf(c);
  const normalizedName = normalizeName(requested);
  const url = new URL(c.req.url);
  if (requested !== normalizedName || !url.pathname.endsWith("/")) {
    const base = url.pathname.replace(/\/[^/]*\/?$/, "");
    return c.redirect(`${base}/${normalizedName}/${url.search}`, 301);
  }
  return withEdgeCache(c, { anonymousPullable: scope.anonymousPullable, revisions: scope.revisions, varyOn: ["Accept"] }, async () => {
    const rendering = negotiate(c.req.header("accept"));
    const versions = newestPerVersion(await getPackageVersions(scope.db, { projectIds: scope.projectIds, packageType: PACKAGE_TYPE, normalizedName }));
    if (versions.length === 0) throw notFound("404 Package Not Found");
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
}

async function download(c: Context<AppEnv>, scope: ReadScope) {
  const sha256 = c.req.param("sha256")!;
  const fileName = c.req.param("filename")!;
  if (!/^[0-9a-f]{64}$/i.test(sha256)) throw notFound("404 Package Not Found");
  // Range requests get their own cache variant (206s are never stored), so a HIT is always a whole file.
  return withEdgeCache(c, { anonymousPullable: scope.anonymousPullable, revisions: scope.revisions, varyOn: ["Range"] }, async () => {
    const found = await getFileBySha256(scope.db, scope.projectIds, PACKAGE_TYPE, sha256, fileName);
    if (!found) throw notFound("404 Package Not Found");
    return serveBlob(c.env.BLOBS, c.req.raw, found.file, { contentType: "application/octet-stream", attachment: true, cacheControl: "public, max-age=31536000, immutable" });
  });
}

/** Index documents change with every publish: clients revalidate; the edge cache keys on the revision. */
function simpleResponse(body: string, contentType: string): Response {
  return new Response(body, { headers: { "Content-Type": contentType, Vary: "Accept", "Cache-Control": "max-age=0, must-revalidate" } });
}
