// What the v1 and v2 routes share: access at project and instance level, JSON answers, recipe reads through
// the scope (edge-cached for anonymous public reads), file serving, binary search and the URLs answers carry.
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env";
import type { PackageAction } from "../../core/auth/policy";
import { AppError } from "../../core/errors";
import { missIn, type PackageFileRow, type PackageWithFiles, type ReadScope, type ScopeLevel } from "../../core/registry";
import { projectAccess, projectLevel, readAccess, scopeOf } from "../../http/access";
import { withEdgeCache } from "../../http/edge-cache";
import { serveBlob } from "../../http/serve-blob";
import { parseConaninfo, parseFileName, parseRecipe, projectPathOfUser, refPath, type RecipeRef } from "./reference";
import { filesOf, packageReferencesOf, recipeRow, type FileSelector } from "./store";

export type Level = "project" | "instance";
const JSON_CACHE = "private, max-age=0, must-revalidate";
const FILE_CACHE = "public, max-age=300";
const CONANINFO_MAX_BYTES = 256 * 1024;

export const recipeOf = (c: Context<AppEnv>) => parseRecipe(c.req.param());

/** Instance level: the project named by the recipe's user (`group+project`). */
function instanceProjectPath(c: Context<AppEnv>): string {
  const path = projectPathOfUser(recipeOf(c).user);
  if (!path) throw new AppError("not_found", "404 Package Not Found - the recipe user must be the project path with '+' at instance level");
  return path;
}
const instanceLevel = (c: Context<AppEnv>): ScopeLevel => ({ kind: "project_paths", paths: [instanceProjectPath(c)] });

export const readAt = (level: Level) => readAccess(level === "project" ? projectLevel : instanceLevel);
export const writeAt = (level: Level, action: PackageAction): MiddlewareHandler<AppEnv> =>
  level === "project"
    ? projectAccess(action)
    : async (c, next) => {
        c.set("project", await c.var.registry.authorize(instanceProjectPath(c), action));
        await next();
      };

export function json(c: Context<AppEnv>, body: unknown): Response {
  return c.json(body, 200, { "Cache-Control": JSON_CACHE });
}

/** A metadata answer built from the recipe in the scope; the edge cache keeps it for anonymous public reads. */
export function readRecipe(c: Context<AppEnv>, build: (row: PackageWithFiles | null, ref: RecipeRef, scope: ReadScope) => Promise<Response> | Response): Promise<Response> {
  const scope = scopeOf(c);
  const ref = recipeOf(c);
  return withEdgeCache(c, scope.cache, async () => build(await recipeRow(c, scope, ref), ref, scope));
}

export function needFiles(scope: ReadScope, files: Map<string, PackageFileRow>, what: string): Map<string, PackageFileRow> {
  if (files.size === 0) throw missIn(scope, what);
  return files;
}

export const md5Snapshot = (files: Map<string, PackageFileRow>) => Object.fromEntries([...files].map(([name, file]) => [name, file.md5]));
export const urlMap = (files: Iterable<string>, url: (name: string) => string) => Object.fromEntries([...files].map((name) => [name, url(name)]));
export const fileListing = (files: Map<string, PackageFileRow>) => ({ files: Object.fromEntries([...files.keys()].map((name) => [name, {}])) });

/** Where a level's v1 endpoints live, for the URLs the answers carry. */
export function v1Base(c: Context<AppEnv>, level: Level, projectId: number): string {
  const origin = new URL(c.req.url).origin;
  return level === "project" ? `${origin}/api/v4/projects/${projectId}/packages/conan/v1` : `${origin}/api/v4/packages/conan/v1`;
}

export const fileUrl = (base: string, ref: RecipeRef, selector: FileSelector, fileName: string) =>
  selector.type === "recipe"
    ? `${base}/files/${refPath(ref)}/${selector.recipeRevision}/export/${fileName}`
    : `${base}/files/${refPath(ref)}/${selector.recipeRevision}/package/${selector.packageReference}/${selector.packageRevision}/${fileName}`;

/** Binary search: `{package_id: {settings, options, requires, recipe_hash}}` from each binary's conaninfo.txt. */
export async function searchPackages(c: Context<AppEnv>, row: PackageWithFiles | null, recipeRevision: string, packageRevision: (pkg: string) => string | undefined): Promise<Response> {
  const recipeHash = filesOf(row, { type: "recipe", recipeRevision }).get("conanmanifest.txt")?.md5 ?? "";
  const entries = await Promise.all(
    packageReferencesOf(row, recipeRevision).map(async (pkg) => {
      const prev = packageRevision(pkg);
      if (prev === undefined) return null;
      const info = filesOf(row, { type: "package", recipeRevision, packageReference: pkg, packageRevision: prev }).get("conaninfo.txt");
      const bytes = info && info.size <= CONANINFO_MAX_BYTES ? await c.var.registry.blobSource({ id: info.blobId, size: info.size }).read(0, info.size) : null;
      const parsed = parseConaninfo(bytes ? new TextDecoder().decode(bytes) : "");
      return [pkg, { settings: parsed.settings, options: parsed.options, requires: parsed.requires, full_requires: parsed.requires, recipe_hash: recipeHash }] as const;
    }),
  );
  return json(c, Object.fromEntries(entries.filter((e) => e !== null)));
}

/** A recipe or package file, inert and as an attachment (serveBlob). */
export function serveFile(c: Context<AppEnv>, selector: (c: Context<AppEnv>) => FileSelector, kind: "recipe" | "package"): Promise<Response> {
  const scope = scopeOf(c);
  return withEdgeCache(c, scope.cache, async () => {
    const fileName = parseFileName(c.req.param("file"), kind);
    const file = filesOf(await recipeRow(c, scope, recipeOf(c)), selector(c)).get(fileName);
    if (!file) throw missIn(scope, "Package file");
    return serveBlob(c.env.BLOBS, c.req.raw, file, { contentType: fileName.endsWith(".tgz") ? "application/gzip" : "text/plain; charset=utf-8", cacheControl: FILE_CACHE });
  });
}
