// `conan search <pattern> -r <remote>`: GET conans/search?q=<pattern>[&ignorecase=False] →
// {"results": ["name/version@user/channel", …]}, newest first, at most 500 (GitLab's PackageFinder).
// Project level: the project's recipes. Instance level: a literal `@group+project` user searches that project;
// any other pattern searches every project the caller may read (as GitLab's public_or_visible_to_user).
// Spec: ../shared/reference/gitlab-spec.md §8; GitLab app/services/packages/conan/search_service.rb.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import type { ReadScope, Registry } from "../../core/registry";
import { withEdgeCache } from "../../http/edge-cache";
import { CONAN, parseRecipeQuery, queryMatches, recipeOfName, refText, type RecipeQuery, type RecipeRef } from "./reference";

const SEARCH_LIMIT = 500;
/** Version reads in flight at once while the core has no read for many names (see recipeVersions). */
const READS_AT_ONCE = 8;
const JSON_CACHE = "private, max-age=0, must-revalidate";

const queryOf = (c: Context<AppEnv>) => parseRecipeQuery(c.req.query("q") ?? "", c.req.query("ignorecase")?.toLowerCase() !== "false");

/** Project level (v1 and v2): the recipes of the route's scope. */
export function searchInScope(c: Context<AppEnv>, scope: ReadScope): Promise<Response> {
  const query = queryOf(c);
  return withEdgeCache(c, scope.cache, async () => c.json({ results: query ? await findRecipes(c.var.registry, scope, query) : [] }, 200, { "Cache-Control": JSON_CACHE }));
}

/** Instance level: the project a literal `@group+project` names, else every project the caller may read. */
export async function searchInstance(c: Context<AppEnv>): Promise<Response> {
  const query = queryOf(c);
  if (!query) return c.json({ results: [] }, 200, { "Cache-Control": JSON_CACHE });
  const scope = await c.var.registry.readScope(query.projectPath ? { kind: "project_paths", paths: [query.projectPath] } : { kind: "readable" }).catch((error: unknown) => {
    // A hidden or unknown project finds nothing (GitLab answers an empty list, not 401/404).
    if (error instanceof AppError && (error.code === "not_found" || error.code === "unauthorized")) return null;
    throw error;
  });
  if (!scope) return c.json({ results: [] }, 200, { "Cache-Control": JSON_CACHE });
  return searchInScope(c, scope);
}

/** Matching recipe references in the scope, newest first, at most SEARCH_LIMIT. */
async function findRecipes(registry: Registry, scope: ReadScope, query: RecipeQuery): Promise<string[]> {
  const found = (await recipeVersions(registry, scope, query)).filter((r) => queryMatches(query, r.ref));
  found.sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
  return [...new Set(found.map((r) => refText(r.ref)))].slice(0, SEARCH_LIMIT);
}

/**
 * Every version of the scope's Conan names that can match the query. Stand-in for the core read this wants
 * ("all versions of every name of a type in a scope", one query, no files): the names in one query, then the
 * versions of the names the query can match, READS_AT_ONCE at a time.
 */
async function recipeVersions(registry: Registry, scope: ReadScope, query: RecipeQuery): Promise<{ ref: RecipeRef; createdAt: number; id: number }[]> {
  const names = (await registry.packageNames(scope, CONAN)).map((n) => n.normalizedName).filter((name) => queryMatches({ ...query, version: null }, recipeOfName(name)));
  const out: { ref: RecipeRef; createdAt: number; id: number }[] = [];
  for (let i = 0; i < names.length; i += READS_AT_ONCE) {
    const batch = names.slice(i, i + READS_AT_ONCE);
    const rows = await Promise.all(batch.map((name) => registry.versions(scope, CONAN, name)));
    rows.forEach((versions, j) => {
      for (const row of versions) out.push({ ref: recipeOfName(batch[j]!, row.version), createdAt: row.createdAt.getTime(), id: row.id });
    });
  }
  return out;
}
