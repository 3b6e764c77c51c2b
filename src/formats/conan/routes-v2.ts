// Conan v2 (revisions) at project level (/projects/:id/packages/conan/v2); revision `0` is refused.
//
// `conan install` (Conan 2): GET conans/<ref>/latest → GET …/revisions/<rrev>/files → GET each file →
//   GET …/revisions/<rrev>/search → GET …/packages/<id>/latest → …/revisions/<prev>/files → GET each.
// `conan upload` (Conan 2): GET conans/<ref>/revisions/<rrev>/files (404: not there yet) →
//   PUT …/revisions/<rrev>/files/<file> → PUT …/packages/<id>/revisions/<prev>/files/<file>.
// `conan remove`: DELETE the reference, a recipe revision, its binaries or one package revision.
import type { Context, Hono } from "hono";
import type { AppEnv } from "../../env";
import { missIn } from "../../core/registry";
import { projectOf, scopeOf } from "../../http/access";
import { authenticate, checkCredentials } from "./auth";
import { fileListing, json, needFiles, readAt, readRecipe, recipeOf, searchPackages, serveFile, writeAt } from "./http";
import { parseFileName, parsePackageReference, parseRevision, refText } from "./reference";
import { searchInScope } from "./search";
import { filesOf, removeFromRecipe, revisionsOf, storeFile, type FileSelector } from "./store";

const V2 = "/projects/:id/packages/conan/v2";
const REF = `${V2}/conans/:name/:version/:user/:channel`;
const rrevOf = (c: Context<AppEnv>) => parseRevision(c.req.param("rrev"), "v2");
const prevOf = (c: Context<AppEnv>) => parseRevision(c.req.param("prev"), "v2");
const pkgOf = (c: Context<AppEnv>) => parsePackageReference(c.req.param("pkg"));
const recipe2 = (c: Context<AppEnv>): FileSelector => ({ type: "recipe", recipeRevision: rrevOf(c) });
const package2 = (c: Context<AppEnv>): FileSelector => ({ type: "package", recipeRevision: rrevOf(c), packageReference: pkgOf(c), packageRevision: prevOf(c) });

export function mountV2(routes: Hono<AppEnv>): void {
  const read = readAt("project");
  const write = writeAt("project", "create_package");
  const destroy = writeAt("project", "destroy_package");

  routes.get(`${V2}/ping`, (c) => c.body("", 200, { "X-Conan-Server-Capabilities": "revisions", "Cache-Control": "no-store" }));
  routes.get(`${V2}/users/authenticate`, authenticate);
  routes.get(`${V2}/users/check_credentials`, checkCredentials);
  routes.get(`${V2}/conans/search`, read, (c) => searchInScope(c, scopeOf(c)));

  routes.get(`${REF}/latest`, read, (c) =>
    readRecipe(c, (row, _ref, scope) => {
      const latest = revisionsOf(row, {})[0];
      if (!latest) throw missIn(scope, "Recipe");
      return json(c, latest);
    }),
  );
  routes.get(`${REF}/revisions`, read, (c) =>
    readRecipe(c, (row, ref, scope) => {
      const revisions = revisionsOf(row, {});
      if (revisions.length === 0) throw missIn(scope, "Recipe");
      return json(c, { reference: refText(ref), revisions });
    }),
  );
  routes.get(`${REF}/search`, read, (c) =>
    readRecipe(c, (row) => {
      const latest = revisionsOf(row, {})[0]?.revision;
      return latest ? searchPackages(c, row, latest, (pkg) => revisionsOf(row, { recipeRevision: latest, packageReference: pkg })[0]?.revision) : json(c, {});
    }),
  );
  routes.get(`${REF}/revisions/:rrev/search`, read, (c) =>
    readRecipe(c, (row) => searchPackages(c, row, rrevOf(c), (pkg) => revisionsOf(row, { recipeRevision: rrevOf(c), packageReference: pkg })[0]?.revision)),
  );
  routes.get(`${REF}/revisions/:rrev/files`, read, (c) => readRecipe(c, (row, _ref, scope) => json(c, fileListing(needFiles(scope, filesOf(row, recipe2(c)), "Recipe")))));
  routes.get(`${REF}/revisions/:rrev/files/:file`, read, (c) => serveFile(c, recipe2, "recipe"));
  routes.put(`${REF}/revisions/:rrev/files/:file`, write, (c) => storeFile(c, projectOf(c), recipeOf(c), recipe2(c), parseFileName(c.req.param("file"), "recipe")));

  routes.get(`${REF}/revisions/:rrev/packages/:pkg/latest`, read, (c) =>
    readRecipe(c, (row, _ref, scope) => {
      const latest = revisionsOf(row, { recipeRevision: rrevOf(c), packageReference: pkgOf(c) })[0];
      if (!latest) throw missIn(scope, "Package");
      return json(c, latest);
    }),
  );
  routes.get(`${REF}/revisions/:rrev/packages/:pkg/revisions`, read, (c) =>
    readRecipe(c, (row, ref, scope) => {
      const revisions = revisionsOf(row, { recipeRevision: rrevOf(c), packageReference: pkgOf(c) });
      if (revisions.length === 0) throw missIn(scope, "Package");
      return json(c, { reference: `${refText(ref)}#${rrevOf(c)}:${pkgOf(c)}`, revisions });
    }),
  );
  routes.get(`${REF}/revisions/:rrev/packages/:pkg/revisions/:prev/files`, read, (c) =>
    readRecipe(c, (row, _ref, scope) => json(c, fileListing(needFiles(scope, filesOf(row, package2(c)), "Package")))),
  );
  routes.get(`${REF}/revisions/:rrev/packages/:pkg/revisions/:prev/files/:file`, read, (c) => serveFile(c, package2, "package"));
  routes.put(`${REF}/revisions/:rrev/packages/:pkg/revisions/:prev/files/:file`, write, (c) =>
    storeFile(c, projectOf(c), recipeOf(c), package2(c), parseFileName(c.req.param("file"), "package")),
  );

  // Deletes, each decided inside the recipe's coordinator (planners.ts).
  routes.delete(REF, destroy, async (c) => {
    await removeFromRecipe(c, projectOf(c), recipeOf(c), { kind: "recipe" });
    return json(c, {});
  });
  routes.delete(`${REF}/revisions/:rrev`, destroy, async (c) => {
    await removeFromRecipe(c, projectOf(c), recipeOf(c), { kind: "recipe_revision", recipeRevision: rrevOf(c) });
    return json(c, {});
  });
  routes.delete(`${REF}/revisions/:rrev/packages`, destroy, async (c) => {
    await removeFromRecipe(c, projectOf(c), recipeOf(c), { kind: "packages", recipeRevision: rrevOf(c) });
    return json(c, {});
  });
  routes.delete(`${REF}/revisions/:rrev/packages/:pkg/revisions/:prev`, destroy, async (c) => {
    await removeFromRecipe(c, projectOf(c), recipeOf(c), { kind: "package_revision", recipeRevision: rrevOf(c), packageReference: pkgOf(c), packageRevision: prevOf(c) });
    return json(c, {});
  });
}
