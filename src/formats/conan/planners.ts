// Conan deletes, decided inside the recipe's publish coordinator against its files as they are then, so a
// file uploaded while a delete waits is either deleted with the rest of its revision or uploaded after it,
// never half of one:
//
//   route:        commit(recipe, [{plan "conan.delete", {version, what}}])
//   coordinator:  state = versions with files → doomed = files `what` picks in `version`
//                 none → 404; all of the version's files → remove_version; else remove_file per doomed file
import { AppError } from "../../core/errors";
import type { PackageState, PlannedFile, Planner } from "../../core/publish/planners";
import type { PlannedOp } from "../../core/publish/types";
import type { FileMeta } from "./store";

export const DELETE_PLANNER = "conan.delete";

/** What a delete removes from one recipe version. */
export type DeleteTarget =
  /** the recipe: every revision, every binary (v1 and v2 DELETE of the reference) */
  | { kind: "recipe" }
  /** one recipe revision with its binaries (v2) */
  | { kind: "recipe_revision"; recipeRevision: string }
  /** binaries of a recipe revision: all, or those package references (v1 `packages/delete`, v2 `…/packages`) */
  | { kind: "packages"; recipeRevision: string; packageReferences?: string[] }
  /** one package revision (v2) */
  | { kind: "package_revision"; recipeRevision: string; packageReference: string; packageRevision: string };

export interface DeleteInput {
  version: string;
  target: DeleteTarget;
}

/** Whether a file (by its Conan metadata) is one a delete target removes. */
export function picks(target: DeleteTarget, meta: Partial<FileMeta>): boolean {
  switch (target.kind) {
    case "recipe":
      return true;
    case "recipe_revision":
      return meta.recipe_revision === target.recipeRevision;
    case "packages":
      return (
        meta.conan_file_type === "package_file" &&
        meta.recipe_revision === target.recipeRevision &&
        (!target.packageReferences?.length || target.packageReferences.includes(meta.package_reference ?? ""))
      );
    case "package_revision":
      return (
        meta.conan_file_type === "package_file" &&
        meta.recipe_revision === target.recipeRevision &&
        meta.package_reference === target.packageReference &&
        meta.package_revision === target.packageRevision
      );
  }
}

export const planDelete: Planner = Object.assign(
  (state: PackageState, raw: unknown): PlannedOp[] => {
    const input = raw as DeleteInput;
    const row = state.versions.find((v) => v.version === input.version);
    if (row && input.target.kind === "recipe") return [{ kind: "remove_version", version: input.version }];
    const files: PlannedFile[] = row?.files ?? [];
    const doomed = files.filter((file) => picks(input.target, file.metadata as Partial<FileMeta>));
    if (doomed.length === 0) throw new AppError("not_found", "404 Package Not Found");
    if (doomed.length === files.length) return [{ kind: "remove_version", version: input.version }];
    return doomed.map((file) => ({ kind: "remove_file", fileId: file.id }));
  },
  { readsFiles: true },
);

export const conanPlanners: Record<string, Planner> = { [DELETE_PLANNER]: planDelete };
