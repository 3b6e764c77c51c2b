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
  const level = query.projectPath ? { kind: "project_paths" as const, paths: [query.projectPath] } : { kind: "readable" as const };
  const scope = await c.var.registry.readScope(level, { packageType: CONAN }).catch((error: unknown) => {
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
 * Every version of the scope's Conan names that can match the query, from one read of every recipe of the
 * scope (declared with the access check: the same round trip however many names).
 */
async function recipeVersions(registry: Registry, scope: ReadScope, query: RecipeQuery): Promise<{ ref: RecipeRef; createdAt: number; id: number }[]> {
  const nameMatches = new Map<string, boolean>();
  const matches = (name: string) => nameMatches.get(name) ?? nameMatches.set(name, queryMatches({ ...query, version: null }, recipeOfName(name))).get(name)!;
  return (await registry.allVersions(scope, CONAN))
    .filter((row) => matches(row.normalizedName))
    .map((row) => ({ ref: recipeOfName(row.normalizedName, row.version), createdAt: row.createdAt.getTime(), id: row.id }));
}
