// Reads and writes of Conan files on top of the registry context. A Conan recipe is one package
// (name, version, user, channel); every uploaded file is a package file whose metadata says what it is:
//   {conan_file_type: "recipe_file", recipe_revision}                                   export/<file>
//   {conan_file_type: "package_file", recipe_revision, package_reference, package_revision}   package/<ref>/<rev>/<file>
// as GitLab's conan_file_metadata rows do. Re-uploads add a file; the newest file of a name is served.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import type { PackageFileRow, PackageWithFiles, ProjectContext, ProjectSet } from "../../core/registry";
import { declaredLength, maxUploadBytes } from "../../http/request-body";
import { DELETE_PLANNER, type DeleteInput, type DeleteTarget } from "./planners";
import { CONAN, normalizedNameOf, type RecipeRef } from "./reference";

/** Which files of a recipe a request means. */
export type FileSelector =
  | { type: "recipe"; recipeRevision: string }
  | { type: "package"; recipeRevision: string; packageReference: string; packageRevision: string };

export interface FileMeta {
  conan_file_type: "recipe_file" | "package_file";
  recipe_revision: string;
  package_reference?: string;
  package_revision?: string;
}

export const metaOf = (file: PackageFileRow): Partial<FileMeta> => file.metadata as Partial<FileMeta>;

export function matches(file: PackageFileRow, selector: FileSelector): boolean {
  const meta = metaOf(file);
  if (meta.recipe_revision !== selector.recipeRevision) return false;
  if (selector.type === "recipe") return meta.conan_file_type === "recipe_file";
  return meta.conan_file_type === "package_file" && meta.package_reference === selector.packageReference && meta.package_revision === selector.packageRevision;
}

/** The recipe's package (newest first across the scope's projects; a scope here holds one project). */
export async function recipeRow(c: Context<AppEnv>, where: ProjectSet, ref: RecipeRef): Promise<PackageWithFiles | null> {
  const rows = await c.var.registry.versions(where, CONAN, normalizedNameOf(ref), { version: ref.version });
  return rows[0] ?? null;
}

/** The newest file of each name that the selector matches. */
export function filesOf(row: PackageWithFiles | null, selector: FileSelector): Map<string, PackageFileRow> {
  const out = new Map<string, PackageFileRow>();
  if (!row) return out;
  for (const file of [...row.files].sort((a, b) => b.id - a.id)) {
    if (matches(file, selector) && !out.has(file.fileName)) out.set(file.fileName, file);
  }
  return out;
}

export interface RevisionEntry {
  revision: string;
  time: string;
}

/** Revisions newest first: recipe revisions, or a package reference's revisions within a recipe revision. */
export function revisionsOf(row: PackageWithFiles | null, of: { recipeRevision?: string; packageReference?: string }): RevisionEntry[] {
  if (!row) return [];
  const seen = new Map<string, number>();
  for (const file of row.files) {
    const meta = metaOf(file);
    let revision: string | undefined;
    if (of.packageReference === undefined) revision = meta.conan_file_type === "recipe_file" ? meta.recipe_revision : undefined;
    else if (meta.conan_file_type === "package_file" && meta.recipe_revision === of.recipeRevision && meta.package_reference === of.packageReference) revision = meta.package_revision;
    if (revision === undefined) continue;
    const time = file.createdAt.getTime();
    if ((seen.get(revision) ?? -1) < time) seen.set(revision, time);
  }
  return [...seen.entries()].sort((a, b) => b[1] - a[1]).map(([revision, time]) => ({ revision, time: new Date(time).toISOString() }));
}

/** Package references that have files in a recipe revision. */
export function packageReferencesOf(row: PackageWithFiles | null, recipeRevision: string): string[] {
  const out = new Set<string>();
  for (const file of row?.files ?? []) {
    const meta = metaOf(file);
    if (meta.conan_file_type === "package_file" && meta.recipe_revision === recipeRevision && meta.package_reference) out.add(meta.package_reference);
  }
  return [...out];
}

/** Streams the request body into the blob store and commits it as one file of the recipe. */
export async function storeFile(c: Context<AppEnv>, project: ProjectContext, ref: RecipeRef, selector: FileSelector, fileName: string): Promise<Response> {
  const registry = c.var.registry;
  const length = declaredLength(c);
  // An empty PUT (the client's checksum-deploy probe) stores nothing, as GitLab skips empty uploads.
  if (length === 0 || !c.req.raw.body) return c.body(null, 200);
  const sha1 = c.req.header("x-checksum-sha1")?.trim().toLowerCase();
  const expected = sha1 && /^[0-9a-f]{40}$/.test(sha1) ? { sha1 } : {};
  // Snapshots and recipe hashes are md5s; GitLab keeps md5 and sha1 (the declared X-Checksum-Sha1, verified by R2).
  const blob = await registry.putBlob(c.req.raw.body, { contentLength: length, maxBytes: maxUploadBytes(c), expected, digests: ["md5", "sha1"] });
  if (blob.size === 0) {
    await registry.discardBlob(blob);
    return c.body(null, 200);
  }
  const metadata: FileMeta =
    selector.type === "recipe"
      ? { conan_file_type: "recipe_file", recipe_revision: selector.recipeRevision }
      : { conan_file_type: "package_file", recipe_revision: selector.recipeRevision, package_reference: selector.packageReference, package_revision: selector.packageRevision };
  await registry.commit({ projectId: project.project.id, packageType: CONAN, name: ref.name, normalizedName: normalizedNameOf(ref) }, [
    {
      kind: "publish",
      version: ref.version,
      files: [{ blob, fileName, metadata: { ...metadata } }],
      // GitLab stores a re-uploaded file again; the newest is served.
      duplicates: { kind: "allow" },
      metadata: { package_username: ref.user, package_channel: ref.channel },
      recordBuild: fileName === "conanfile.py",
    },
  ]);
  return c.body(null, 200);
}

/** Removes what `target` picks from the recipe version, decided inside its coordinator (planners.ts). */
export async function removeFromRecipe(c: Context<AppEnv>, project: ProjectContext, ref: RecipeRef, target: DeleteTarget): Promise<void> {
  const input: DeleteInput = { version: ref.version, target };
  await c.var.registry.commit({ projectId: project.project.id, packageType: CONAN, name: ref.name, normalizedName: normalizedNameOf(ref) }, [
    { kind: "plan", planner: DELETE_PLANNER, input },
  ]);
}
