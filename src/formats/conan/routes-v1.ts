// Conan v1 at project level (/projects/:id/packages/conan/v1) and instance level (/packages/conan/v1, where
// the recipe's `user` is the project path with `+`). v1 clients know one revision, `0`.
//
// `conan upload` (v1): GET ping → GET users/check_credentials (401 → GET users/authenticate with Basic, the
//   answer sent as Bearer from then on) → GET conans/<ref> (recipe snapshot, 404 first) →
//   POST conans/<ref>/upload_urls {file: size} → PUT each URL (files/<ref>/0/export/<file>) → per binary
//   GET conans/<ref>/packages/<id> → POST …/packages/<id>/upload_urls → PUT files/<ref>/0/package/<id>/0/<file>.
// `conan install` (v1): GET conans/<ref>/digest → GET conanmanifest.txt → GET conans/<ref>/download_urls →
//   GET each → GET conans/<ref>/packages/<id>/digest → …/download_urls → GET each.
// `conan remove <ref>`: DELETE conans/<ref>; `conan remove <ref> -p <id>`: POST conans/<ref>/packages/delete.
import type { Context, Hono } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import { projectOf, scopeOf } from "../../http/access";
import { readLimitedJson } from "../../http/request-body";
import { authenticate, checkCredentials } from "./auth";
import { fileUrl, json, md5Snapshot, needFiles, readAt, readRecipe, recipeOf, searchPackages, serveFile, urlMap, v1Base, writeAt, type Level } from "./http";
import { CONAN, parseFileName, parsePackageReference, parseRevision } from "./reference";
import { searchInScope, searchInstance } from "./search";
import { filesOf, recipeRow, removeFromRecipe, storeFile, type FileSelector } from "./store";

const V1_REVISION = "0";
const REF = "/conans/:name/:version/:user/:channel";
const FILES = "/files/:name/:version/:user/:channel/:rrev";
const v1Recipe: FileSelector = { type: "recipe", recipeRevision: V1_REVISION };
const v1Package = (packageReference: string): FileSelector => ({ type: "package", recipeRevision: V1_REVISION, packageReference, packageRevision: V1_REVISION });
const pkgOf = (c: Context<AppEnv>) => parsePackageReference(c.req.param("pkg"));

export function mountV1(routes: Hono<AppEnv>, level: Level): void {
  const v1 = level === "project" ? "/projects/:id/packages/conan/v1" : "/packages/conan/v1";
  const base = (c: Context<AppEnv>, projectId: number) => v1Base(c, level, projectId);
  const read = readAt(level);
  const write = writeAt(level, "create_package");
  const destroy = writeAt(level, "destroy_package");

  // The client reads the capabilities header; `revisions` sends Conan 2 (and Conan 1 with revisions) to v2,
  // which GitLab serves at project level only.
  routes.get(`${v1}/ping`, (c) => c.body("", 200, { "X-Conan-Server-Capabilities": level === "project" ? "revisions" : "", "Cache-Control": "no-store" }));
  routes.get(`${v1}/users/authenticate`, authenticate);
  routes.get(`${v1}/users/check_credentials`, checkCredentials);

  if (level === "project") routes.get(`${v1}/conans/search`, read, (c) => searchInScope(c, scopeOf(c)));
  else routes.get(`${v1}/conans/search`, searchInstance);

  routes.get(`${v1}${REF}`, read, (c) => readRecipe(c, (row, _ref, scope) => json(c, md5Snapshot(needFiles(scope, filesOf(row, v1Recipe), "Recipe")))));
  routes.get(`${v1}${REF}/digest`, read, (c) =>
    readRecipe(c, (row, ref, scope) => {
      needFiles(scope, filesOf(row, v1Recipe), "Recipe");
      return json(c, urlMap(["conanmanifest.txt"], (name) => fileUrl(base(c, row?.projectId ?? 0), ref, v1Recipe, name)));
    }),
  );
  routes.get(`${v1}${REF}/download_urls`, read, (c) =>
    readRecipe(c, (row, ref, scope) => json(c, urlMap(needFiles(scope, filesOf(row, v1Recipe), "Recipe").keys(), (name) => fileUrl(base(c, row?.projectId ?? 0), ref, v1Recipe, name)))),
  );
  routes.get(`${v1}${REF}/search`, read, (c) => readRecipe(c, (row) => searchPackages(c, row, V1_REVISION, () => V1_REVISION)));
  routes.post(`${v1}${REF}/upload_urls`, write, (c) => uploadUrls(c, base(c, projectOf(c).project.id), v1Recipe, "recipe"));

  routes.get(`${v1}${REF}/packages/:pkg`, read, (c) => readRecipe(c, (row, _ref, scope) => json(c, md5Snapshot(needFiles(scope, filesOf(row, v1Package(pkgOf(c))), "Package")))));
  routes.get(`${v1}${REF}/packages/:pkg/digest`, read, (c) =>
    readRecipe(c, (row, ref, scope) => {
      const selector = v1Package(pkgOf(c));
      needFiles(scope, filesOf(row, selector), "Package");
      return json(c, urlMap(["conanmanifest.txt"], (name) => fileUrl(base(c, row?.projectId ?? 0), ref, selector, name)));
    }),
  );
  routes.get(`${v1}${REF}/packages/:pkg/download_urls`, read, (c) =>
    readRecipe(c, (row, ref, scope) => {
      const selector = v1Package(pkgOf(c));
      return json(c, urlMap(needFiles(scope, filesOf(row, selector), "Package").keys(), (name) => fileUrl(base(c, row?.projectId ?? 0), ref, selector, name)));
    }),
  );
  routes.post(`${v1}${REF}/packages/:pkg/upload_urls`, write, (c) => uploadUrls(c, base(c, projectOf(c).project.id), v1Package(pkgOf(c)), "package"));

  // The whole recipe: GitLab answers the deleted package.
  routes.delete(`${v1}${REF}`, destroy, async (c) => {
    const project = projectOf(c);
    const ref = recipeOf(c);
    const row = await recipeRow(c, [project], ref);
    if (!row) throw new AppError("not_found", "404 Package Not Found");
    await removeFromRecipe(c, project, ref, { kind: "recipe" });
    return json(c, { id: row.id, project_id: row.projectId, name: row.name, version: row.version, package_type: CONAN, status: "default" });
  });
  // Binaries: those of `package_ids`, or all when it is empty or missing.
  routes.post(`${v1}${REF}/packages/delete`, destroy, async (c) => {
    const body = (await readLimitedJson(c, 64 * 1024)) as { package_ids?: unknown } | null;
    const ids = Array.isArray(body?.package_ids) ? body.package_ids.map((id) => parsePackageReference(String(id))) : undefined;
    await removeFromRecipe(c, projectOf(c), recipeOf(c), { kind: "packages", recipeRevision: V1_REVISION, packageReferences: ids });
    return json(c, {});
  });

  // Files: the URLs upload_urls / download_urls hand out (revision 0 in v1).
  const recipeFile = (c: Context<AppEnv>): FileSelector => ({ type: "recipe", recipeRevision: parseRevision(c.req.param("rrev"), "v1") });
  const packageFile = (c: Context<AppEnv>): FileSelector => ({
    type: "package",
    recipeRevision: parseRevision(c.req.param("rrev"), "v1"),
    packageReference: pkgOf(c),
    packageRevision: parseRevision(c.req.param("prev"), "v1"),
  });
  routes.get(`${v1}${FILES}/export/:file`, read, (c) => serveFile(c, recipeFile, "recipe"));
  routes.get(`${v1}${FILES}/package/:pkg/:prev/:file`, read, (c) => serveFile(c, packageFile, "package"));
  routes.put(`${v1}${FILES}/export/:file`, write, (c) => storeFile(c, projectOf(c), recipeOf(c), recipeFile(c), parseFileName(c.req.param("file"), "recipe")));
  routes.put(`${v1}${FILES}/package/:pkg/:prev/:file`, write, (c) => storeFile(c, projectOf(c), recipeOf(c), packageFile(c), parseFileName(c.req.param("file"), "package")));
}

/** `{file: size}` → `{file: url}` for the files GitLab stores (others are left out of the answer). */
async function uploadUrls(c: Context<AppEnv>, base: string, selector: FileSelector, kind: "recipe" | "package"): Promise<Response> {
  const body = await readLimitedJson(c, 64 * 1024);
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new AppError("bad_request", "400 Bad request - the body must be {file_name: size}");
  const names = Object.keys(body).filter((name) => {
    try {
      parseFileName(name, kind);
      return true;
    } catch {
      return false;
    }
  });
  return json(c, urlMap(names, (name) => fileUrl(base, recipeOf(c), selector, name)));
}
