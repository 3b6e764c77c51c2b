// Conan routes under /api/v4. v1 at project level (/projects/:id/packages/conan/v1) and instance level
// (/packages/conan/v1, where the recipe's `user` is the project path with `+`); v2 (revisions) at project
// level. Spec: ../shared/reference/gitlab-spec.md §8; protocol: conan-io/conan rest_client_v1.py / _v2.py.
//
// `conan upload` (v1): GET v1/ping → GET v1/users/check_credentials (401 → GET v1/users/authenticate with
//   Basic, the answer sent as Bearer from then on) → GET conans/<ref> (recipe snapshot, 404 first) →
//   POST conans/<ref>/upload_urls {file: size} → PUT each URL (files/<ref>/0/export/<file>) → per binary
//   GET conans/<ref>/packages/<id> → POST …/packages/<id>/upload_urls → PUT files/<ref>/0/package/<id>/0/<file>.
// `conan install` (v1): GET conans/<ref>/digest → GET conanmanifest.txt → GET conans/<ref>/download_urls →
//   GET each → GET conans/<ref>/packages/<id>/digest → …/download_urls → GET each.
// Conan 2 / revisions: GET v2/conans/<ref>/latest → GET …/revisions/<rrev>/files → GET each file →
//   GET …/revisions/<rrev>/search → GET …/packages/<id>/latest → …/revisions/<prev>/files → GET each;
//   upload: GET …/revisions (is it there?) → PUT …/revisions/<rrev>/files/<file> → PUT package files.
import { Hono, type Context, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env";
import type { PackageAction } from "../../core/auth/policy";
import { blobKey } from "../../core/blobs";
import { AppError } from "../../core/errors";
import { missIn, type PackageFileRow, type PackageWithFiles, type ReadScope, type ScopeLevel } from "../../core/registry";
import { projectAccess, projectLevel, projectOf, readAccess, scopeOf } from "../../http/access";
import { withEdgeCache } from "../../http/edge-cache";
import { readLimitedJson } from "../../http/request-body";
import { serveBlob } from "../../http/serve-blob";
import { CONAN, globMatcher, literalPrefix, parseConaninfo, parseFileName, parsePackageReference, parseRecipe, parseRevision, projectPathOfUser, refPath, refText, type RecipeRef } from "./reference";
import { filesOf, metaOf, packageReferencesOf, recipeRow, removeFiles, revisionsOf, storeFile, type FileSelector } from "./store";

type Level = "project" | "instance";
const V1_REVISION = "0";
const JSON_CACHE = "private, max-age=0, must-revalidate";
const FILE_CACHE = "public, max-age=300";
const SEARCH_LIMIT = 500;
const REF = "/conans/:name/:version/:user/:channel";
const FILES = "/files/:name/:version/:user/:channel/:rrev";

export const conanRoutes = new Hono<AppEnv>();

const recipeOf = (c: Context<AppEnv>) => parseRecipe(c.req.param());

/** Instance level: the project named by the recipe's user (`group+project`). */
function instanceProjectPath(c: Context<AppEnv>): string {
  const path = projectPathOfUser(recipeOf(c).user);
  if (!path) throw new AppError("not_found", "404 Package Not Found - the recipe user must be the project path with '+' at instance level");
  return path;
}
const instanceLevel = (c: Context<AppEnv>): ScopeLevel => ({ kind: "project_paths", paths: [instanceProjectPath(c)] });

const readAt = (level: Level) => readAccess(level === "project" ? projectLevel : instanceLevel);
const writeAt = (level: Level, action: PackageAction): MiddlewareHandler<AppEnv> =>
  level === "project"
    ? projectAccess(action)
    : async (c, next) => {
        c.set("project", await c.var.registry.authorize(instanceProjectPath(c), action));
        await next();
      };

/** Where a level's v1 endpoints live, for the URLs the answers carry. */
function v1Base(c: Context<AppEnv>, level: Level, projectId: number): string {
  const origin = new URL(c.req.url).origin;
  return level === "project" ? `${origin}/api/v4/projects/${projectId}/packages/conan/v1` : `${origin}/api/v4/packages/conan/v1`;
}

const fileUrl = (base: string, ref: RecipeRef, selector: FileSelector, fileName: string) =>
  selector.type === "recipe"
    ? `${base}/files/${refPath(ref)}/${selector.recipeRevision}/export/${fileName}`
    : `${base}/files/${refPath(ref)}/${selector.recipeRevision}/package/${selector.packageReference}/${selector.packageRevision}/${fileName}`;

const v1Recipe: FileSelector = { type: "recipe", recipeRevision: V1_REVISION };
const v1Package = (packageReference: string): FileSelector => ({ type: "package", recipeRevision: V1_REVISION, packageReference, packageRevision: V1_REVISION });

function json(c: Context<AppEnv>, body: unknown): Response {
  return c.json(body, 200, { "Cache-Control": JSON_CACHE });
}

/** A metadata answer built from the recipe in the scope; the edge cache keeps it for anonymous public reads. */
function readRecipe(c: Context<AppEnv>, build: (row: PackageWithFiles | null, ref: RecipeRef, scope: ReadScope) => Promise<Response> | Response): Promise<Response> {
  const scope = scopeOf(c);
  return withEdgeCache(c, scope.cache, async () => build(await recipeRow(c, scope, recipeOf(c)), recipeOf(c), scope));
}

function needFiles(scope: ReadScope, files: Map<string, PackageFileRow>, what: string): Map<string, PackageFileRow> {
  if (files.size === 0) throw missIn(scope, what);
  return files;
}

const md5Snapshot = (files: Map<string, PackageFileRow>) => Object.fromEntries([...files].map(([name, file]) => [name, file.md5]));
const urlMap = (files: Iterable<string>, url: (name: string) => string) => Object.fromEntries([...files].map((name) => [name, url(name)]));

/** `conan search <pattern>`: `name/version@user/channel` of the scope's recipes, newest first, at most 500. */
function searchRecipes(c: Context<AppEnv>, scope: ReadScope): Promise<Response> {
  return withEdgeCache(c, scope.cache, () => findRecipes(c, scope));
}

async function findRecipes(c: Context<AppEnv>, scope: ReadScope): Promise<Response> {
  const query = c.req.query("q") ?? "*";
  const matches = globMatcher(query);
  const prefix = literalPrefix(query);
  const registry = c.var.registry;
  const names = await registry.packageNames(scope, CONAN);
  const found: { text: string; at: number }[] = [];
  for (const { normalizedName } of names) {
    const [name = "", userChannel = ""] = normalizedName.split("@");
    if (!name.toLowerCase().startsWith(prefix)) continue;
    const [user = "_", channel = "_"] = userChannel.split("/");
    for (const row of await registry.versions(scope, CONAN, normalizedName)) {
      const text = refText({ name, version: row.version, user, channel });
      if (matches(text)) found.push({ text, at: row.createdAt.getTime() });
    }
  }
  found.sort((a, b) => b.at - a.at);
  return json(c, { results: [...new Set(found.map((f) => f.text))].slice(0, SEARCH_LIMIT) });
}

/** Package search: `{package_id: {settings, options, requires, recipe_hash}}` from each binary's conaninfo.txt. */
async function searchPackages(c: Context<AppEnv>, row: PackageWithFiles | null, recipeRevision: string, packageRevision: (pkg: string) => string | undefined): Promise<Response> {
  const out: Record<string, unknown> = {};
  for (const pkg of packageReferencesOf(row, recipeRevision)) {
    const prev = packageRevision(pkg);
    if (prev === undefined) continue;
    const info = filesOf(row, { type: "package", recipeRevision, packageReference: pkg, packageRevision: prev }).get("conaninfo.txt");
    const text = info && info.size <= 256 * 1024 ? await (await c.env.BLOBS.get(blobKey(info.blobId)))?.text() : undefined;
    const parsed = parseConaninfo(text ?? "");
    out[pkg] = { settings: parsed.settings, options: parsed.options, requires: parsed.requires, full_requires: parsed.requires, recipe_hash: filesOf(row, { type: "recipe", recipeRevision }).get("conanmanifest.txt")?.md5 ?? "" };
  }
  return json(c, out);
}

function serveFile(c: Context<AppEnv>, selector: (c: Context<AppEnv>) => FileSelector, kind: "recipe" | "package"): Promise<Response> {
  const scope = scopeOf(c);
  return withEdgeCache(c, scope.cache, async () => {
    const fileName = parseFileName(c.req.param("file"), kind);
    const file = filesOf(await recipeRow(c, scope, recipeOf(c)), selector(c)).get(fileName);
    if (!file) throw missIn(scope, "Package file");
    return serveBlob(c.env.BLOBS, c.req.raw, file, { contentType: fileName.endsWith(".tgz") ? "application/gzip" : "text/plain; charset=utf-8", cacheControl: FILE_CACHE });
  });
}

function deletedPackageJson(row: { id: number; projectId: number; name: string; version: string }) {
  return { id: row.id, project_id: row.projectId, name: row.name, version: row.version, package_type: CONAN, status: "default" };
}

// ---- v1, project and instance level ------------------------------------------------------------

for (const level of ["project", "instance"] as const) {
  const v1 = level === "project" ? "/projects/:id/packages/conan/v1" : "/packages/conan/v1";

  // The client reads the capabilities header; `revisions` sends Conan 2 (and Conan 1 with revisions) to v2,
  // which GitLab serves at project level only.
  conanRoutes.get(`${v1}/ping`, (c) => c.body("", 200, { "X-Conan-Server-Capabilities": level === "project" ? "revisions" : "", "Cache-Control": "no-store" }));

  // Basic → the token the client sends as Bearer (see docs/formats/conan.md: the credential itself, not a JWT).
  conanRoutes.get(`${v1}/users/authenticate`, authenticate);
  conanRoutes.get(`${v1}/users/check_credentials`, checkCredentials);

  if (level === "project") conanRoutes.get(`${v1}/conans/search`, readAt(level), (c) => searchRecipes(c, scopeOf(c)));
  else conanRoutes.get(`${v1}/conans/search`, instanceSearch);

  conanRoutes.get(`${v1}${REF}`, readAt(level), (c) => readRecipe(c, (row, _ref, scope) => json(c, md5Snapshot(needFiles(scope, filesOf(row, v1Recipe), "Recipe")))));
  conanRoutes.get(`${v1}${REF}/digest`, readAt(level), (c) =>
    readRecipe(c, (row, ref, scope) => {
      needFiles(scope, filesOf(row, v1Recipe), "Recipe");
      return json(c, urlMap(["conanmanifest.txt"], (name) => fileUrl(v1Base(c, level, scope.projectIds[0] ?? 0), ref, v1Recipe, name)));
    }),
  );
  conanRoutes.get(`${v1}${REF}/download_urls`, readAt(level), (c) =>
    readRecipe(c, (row, ref, scope) => json(c, urlMap(needFiles(scope, filesOf(row, v1Recipe), "Recipe").keys(), (name) => fileUrl(v1Base(c, level, scope.projectIds[0] ?? 0), ref, v1Recipe, name)))),
  );
  conanRoutes.get(`${v1}${REF}/search`, readAt(level), (c) => readRecipe(c, (row) => searchPackages(c, row, V1_REVISION, () => V1_REVISION)));
  conanRoutes.post(`${v1}${REF}/upload_urls`, writeAt(level, "create_package"), async (c) => uploadUrls(c, level, v1Recipe, "recipe"));

  conanRoutes.get(`${v1}${REF}/packages/:pkg`, readAt(level), (c) =>
    readRecipe(c, (row, _ref, scope) => json(c, md5Snapshot(needFiles(scope, filesOf(row, v1Package(parsePackageReference(c.req.param("pkg")))), "Package")))),
  );
  conanRoutes.get(`${v1}${REF}/packages/:pkg/digest`, readAt(level), (c) =>
    readRecipe(c, (row, ref, scope) => {
      const selector = v1Package(parsePackageReference(c.req.param("pkg")));
      needFiles(scope, filesOf(row, selector), "Package");
      return json(c, urlMap(["conanmanifest.txt"], (name) => fileUrl(v1Base(c, level, scope.projectIds[0] ?? 0), ref, selector, name)));
    }),
  );
  conanRoutes.get(`${v1}${REF}/packages/:pkg/download_urls`, readAt(level), (c) =>
    readRecipe(c, (row, ref, scope) => {
      const selector = v1Package(parsePackageReference(c.req.param("pkg")));
      return json(c, urlMap(needFiles(scope, filesOf(row, selector), "Package").keys(), (name) => fileUrl(v1Base(c, level, scope.projectIds[0] ?? 0), ref, selector, name)));
    }),
  );
  conanRoutes.post(`${v1}${REF}/packages/:pkg/upload_urls`, writeAt(level, "create_package"), async (c) =>
    uploadUrls(c, level, v1Package(parsePackageReference(c.req.param("pkg"))), "package"),
  );

  // `conan remove <ref>`: the whole recipe; `conan remove <ref> -p <id>`: POST packages/delete {package_ids}.
  conanRoutes.delete(`${v1}${REF}`, writeAt(level, "destroy_package"), async (c) => {
    const project = projectOf(c);
    const ref = recipeOf(c);
    const row = await recipeRow(c, [project], ref);
    if (!row) throw new AppError("not_found", "404 Package Not Found");
    await removeFiles(c, project, ref, () => true);
    return json(c, deletedPackageJson(row));
  });
  conanRoutes.post(`${v1}${REF}/packages/delete`, writeAt(level, "destroy_package"), async (c) => {
    const body = (await readLimitedJson(c, 64 * 1024)) as { package_ids?: unknown } | null;
    const ids = Array.isArray(body?.package_ids) ? body.package_ids.map((id) => parsePackageReference(String(id))) : null;
    await removeFiles(c, projectOf(c), recipeOf(c), (file) => {
      const meta = metaOf(file);
      return meta.conan_file_type === "package_file" && (ids === null || ids.length === 0 || ids.includes(meta.package_reference ?? ""));
    });
    return json(c, {});
  });

  // Files: the URLs upload_urls / download_urls hand out (revision 0 in v1).
  const recipeFileSelector = (c: Context<AppEnv>): FileSelector => ({ type: "recipe", recipeRevision: parseRevision(c.req.param("rrev"), "v1") });
  const packageFileSelector = (c: Context<AppEnv>): FileSelector => ({
    type: "package",
    recipeRevision: parseRevision(c.req.param("rrev"), "v1"),
    packageReference: parsePackageReference(c.req.param("pkg")),
    packageRevision: parseRevision(c.req.param("prev"), "v1"),
  });
  conanRoutes.get(`${v1}${FILES}/export/:file`, readAt(level), (c) => serveFile(c, recipeFileSelector, "recipe"));
  conanRoutes.get(`${v1}${FILES}/package/:pkg/:prev/:file`, readAt(level), (c) => serveFile(c, packageFileSelector, "package"));
  conanRoutes.put(`${v1}${FILES}/export/:file`, writeAt(level, "create_package"), (c) =>
    storeFile(c, projectOf(c), recipeOf(c), recipeFileSelector(c), parseFileName(c.req.param("file"), "recipe")),
  );
  conanRoutes.put(`${v1}${FILES}/package/:pkg/:prev/:file`, writeAt(level, "create_package"), (c) =>
    storeFile(c, projectOf(c), recipeOf(c), packageFileSelector(c), parseFileName(c.req.param("file"), "package")),
  );
}

async function uploadUrls(c: Context<AppEnv>, level: Level, selector: FileSelector, kind: "recipe" | "package"): Promise<Response> {
  const body = await readLimitedJson(c, 64 * 1024);
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new AppError("bad_request", "400 Bad request - the body must be {file_name: size}");
  const names = Object.keys(body).filter((name) => {
    try {
      parseFileName(name, kind);
      return true;
    } catch {
      return false; // GitLab answers only for the files it stores
    }
  });
  const base = v1Base(c, level, projectOf(c).project.id);
  return json(c, urlMap(names, (name) => fileUrl(base, recipeOf(c), selector, name)));
}

function authenticate(c: Context<AppEnv>): Response {
  if (c.var.registry.isAnonymous) throw new AppError("unauthorized", "401 Unauthorized");
  const authorization = c.req.header("authorization") ?? "";
  const [scheme = "", value = ""] = authorization.split(/\s+/);
  let token = "";
  if (/^bearer$/i.test(scheme)) token = value;
  else if (/^basic$/i.test(scheme)) {
    const decoded = atob(value);
    token = decoded.slice(decoded.indexOf(":") + 1);
  } else token = c.req.header("private-token") ?? c.req.header("job-token") ?? c.req.header("deploy-token") ?? "";
  if (!token) throw new AppError("unauthorized", "401 Unauthorized");
  return c.text(token, 200, { "Cache-Control": "no-store" });
}

function checkCredentials(c: Context<AppEnv>): Response {
  if (c.var.registry.isAnonymous) throw new AppError("unauthorized", "401 Unauthorized");
  return c.text("ok", 200, { "Cache-Control": "no-store" });
}

/** Instance-level search reads the project a `@group+project/channel` pattern names; other patterns find nothing here. */
async function instanceSearch(c: Context<AppEnv>): Promise<Response> {
  const query = c.req.query("q") ?? "";
  const user = /@([^/*?]+)\//.exec(query)?.[1];
  const path = user ? projectPathOfUser(user) : null;
  if (!path) return json(c, { results: [] });
  return searchRecipes(c, await c.var.registry.readScope({ kind: "project_paths", paths: [path] }));
}

// ---- v2 (revisions), project level ---------------------------------------------------------------

const V2 = "/projects/:id/packages/conan/v2";
const read2 = readAt("project");
const write2 = writeAt("project", "create_package");
const delete2 = writeAt("project", "destroy_package");
const rrevOf = (c: Context<AppEnv>) => parseRevision(c.req.param("rrev"), "v2");
const prevOf = (c: Context<AppEnv>) => parseRevision(c.req.param("prev"), "v2");
const pkgOf = (c: Context<AppEnv>) => parsePackageReference(c.req.param("pkg"));
const recipe2 = (c: Context<AppEnv>): FileSelector => ({ type: "recipe", recipeRevision: rrevOf(c) });
const package2 = (c: Context<AppEnv>): FileSelector => ({ type: "package", recipeRevision: rrevOf(c), packageReference: pkgOf(c), packageRevision: prevOf(c) });
const fileListing = (files: Map<string, PackageFileRow>) => ({ files: Object.fromEntries([...files.keys()].map((name) => [name, {}])) });

conanRoutes.get(`${V2}/ping`, (c) => c.body("", 200, { "X-Conan-Server-Capabilities": "revisions", "Cache-Control": "no-store" }));
conanRoutes.get(`${V2}/users/authenticate`, authenticate);
conanRoutes.get(`${V2}/users/check_credentials`, checkCredentials);
conanRoutes.get(`${V2}/conans/search`, read2, (c) => searchRecipes(c, scopeOf(c)));

conanRoutes.get(`${V2}${REF}/latest`, read2, (c) =>
  readRecipe(c, (row, _ref, scope) => {
    const latest = revisionsOf(row, {})[0];
    if (!latest) throw missIn(scope, "Recipe");
    return json(c, latest);
  }),
);
conanRoutes.get(`${V2}${REF}/revisions`, read2, (c) =>
  readRecipe(c, (row, ref, scope) => {
    const revisions = revisionsOf(row, {});
    if (revisions.length === 0) throw missIn(scope, "Recipe");
    return json(c, { reference: refText(ref), revisions });
  }),
);
conanRoutes.get(`${V2}${REF}/search`, read2, (c) =>
  readRecipe(c, (row) => {
    const latest = revisionsOf(row, {})[0]?.revision;
    return latest ? searchPackages(c, row, latest, (pkg) => revisionsOf(row, { recipeRevision: latest, packageReference: pkg })[0]?.revision) : json(c, {});
  }),
);
conanRoutes.get(`${V2}${REF}/revisions/:rrev/search`, read2, (c) =>
  readRecipe(c, (row) => searchPackages(c, row, rrevOf(c), (pkg) => revisionsOf(row, { recipeRevision: rrevOf(c), packageReference: pkg })[0]?.revision)),
);
conanRoutes.get(`${V2}${REF}/revisions/:rrev/files`, read2, (c) => readRecipe(c, (row, _ref, scope) => json(c, fileListing(needFiles(scope, filesOf(row, recipe2(c)), "Recipe")))));
conanRoutes.get(`${V2}${REF}/revisions/:rrev/files/:file`, read2, (c) => serveFile(c, recipe2, "recipe"));
conanRoutes.put(`${V2}${REF}/revisions/:rrev/files/:file`, write2, (c) => storeFile(c, projectOf(c), recipeOf(c), recipe2(c), parseFileName(c.req.param("file"), "recipe")));

conanRoutes.get(`${V2}${REF}/revisions/:rrev/packages/:pkg/latest`, read2, (c) =>
  readRecipe(c, (row, _ref, scope) => {
    const latest = revisionsOf(row, { recipeRevision: rrevOf(c), packageReference: pkgOf(c) })[0];
    if (!latest) throw missIn(scope, "Package");
    return json(c, latest);
  }),
);
conanRoutes.get(`${V2}${REF}/revisions/:rrev/packages/:pkg/revisions`, read2, (c) =>
  readRecipe(c, (row, ref, scope) => {
    const revisions = revisionsOf(row, { recipeRevision: rrevOf(c), packageReference: pkgOf(c) });
    if (revisions.length === 0) throw missIn(scope, "Package");
    return json(c, { reference: `${refText(ref)}#${rrevOf(c)}:${pkgOf(c)}`, revisions });
  }),
);
conanRoutes.get(`${V2}${REF}/revisions/:rrev/packages/:pkg/revisions/:prev/files`, read2, (c) =>
  readRecipe(c, (row, _ref, scope) => json(c, fileListing(needFiles(scope, filesOf(row, package2(c)), "Package")))),
);
conanRoutes.get(`${V2}${REF}/revisions/:rrev/packages/:pkg/revisions/:prev/files/:file`, read2, (c) => serveFile(c, package2, "package"));
conanRoutes.put(`${V2}${REF}/revisions/:rrev/packages/:pkg/revisions/:prev/files/:file`, write2, (c) =>
  storeFile(c, projectOf(c), recipeOf(c), package2(c), parseFileName(c.req.param("file"), "package")),
);

// Deletes: a recipe (every revision), one recipe revision (with its binaries), a recipe revision's
// binaries, one package revision.
conanRoutes.delete(`${V2}${REF}`, delete2, async (c) => {
  await removeFiles(c, projectOf(c), recipeOf(c), () => true);
  return json(c, {});
});
conanRoutes.delete(`${V2}${REF}/revisions/:rrev`, delete2, async (c) => {
  const rrev = rrevOf(c);
  await removeFiles(c, projectOf(c), recipeOf(c), (file) => metaOf(file).recipe_revision === rrev);
  return json(c, {});
});
conanRoutes.delete(`${V2}${REF}/revisions/:rrev/packages`, delete2, async (c) => {
  const rrev = rrevOf(c);
  await removeFiles(c, projectOf(c), recipeOf(c), (file) => metaOf(file).recipe_revision === rrev && metaOf(file).conan_file_type === "package_file");
  return json(c, {});
});
conanRoutes.delete(`${V2}${REF}/revisions/:rrev/packages/:pkg/revisions/:prev`, delete2, async (c) => {
  const selector = package2(c);
  await removeFiles(c, projectOf(c), recipeOf(c), (file) => {
    const meta = metaOf(file);
    return selector.type === "package" && meta.conan_file_type === "package_file" && meta.recipe_revision === selector.recipeRevision && meta.package_reference === selector.packageReference && meta.package_revision === selector.packageRevision;
  });
  return json(c, {});
});
