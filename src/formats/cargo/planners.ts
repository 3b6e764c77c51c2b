// Cargo's planners: decided inside the publish coordinator of the crate (one per project and normalised
// name), against the crate's rows as they are at that moment, so two racing publishes cannot both pass.
//
//   publish:   commit(crate, [plan "cargo.publish_guard" {name, version}, publish {version, .crate}])
//              guard: same spelling as the versions already there; no version equal up to build metadata
//   yank:      commit(crate, [plan "cargo.yank" {version, yanked}])  →  update_version (status, metadata.yanked)
import { AppError } from "../../core/errors";
import type { PackageState, Planner, PlannedVersion } from "../../core/publish/planners";
import { INSTALLABLE_STATUSES } from "../../core/registry";
import { versionCore } from "./names";

export const PLANNERS = {
  publishGuard: "cargo.publish_guard",
  yank: "cargo.yank",
} as const;

/** crates.io's two refusals: another spelling of an existing crate, and a version published before. */
export const planPublishGuard: Planner = (state, input) => {
  const { name, version } = input as { name: string; version: string };
  const spelled = state.versions.map((v) => v.metadata.name).find((n): n is string => typeof n === "string" && n !== name);
  if (spelled) throw new AppError("bad_request", `crate was previously named \`${spelled}\``);
  const same = state.versions.find((v) => versionCore(v.version) === versionCore(version));
  if (same) throw new AppError("package_exists", `crate version \`${same.version}\` is already uploaded`);
  return [];
};

/** `cargo yank` / `cargo yank --undo`: the version stays in the index and downloadable, flagged `yanked`. */
export const planYank: Planner = (state, input) => {
  const { name, version, yanked } = input as { name: string; version: string; yanked: boolean };
  const target = findVersion(state, version);
  if (!target) throw new AppError("not_found", `crate \`${name}\` does not have a version \`${version}\``);
  return [{ kind: "update_version", version: target.version, status: yanked ? "deprecated" : "default", metadataPatch: { yanked } }];
};

/** The installable version as written, or the one equal to it up to build metadata. */
function findVersion(state: PackageState, version: string): PlannedVersion | undefined {
  const installable = state.versions.filter((v) => INSTALLABLE_STATUSES.includes(v.status));
  const exact = installable.find((v) => v.version === version);
  if (exact) return exact;
  const close = installable.filter((v) => versionCore(v.version) === versionCore(version));
  return close.length === 1 ? close[0] : undefined;
}

export const cargoPlanners: Record<string, Planner> = {
  [PLANNERS.publishGuard]: planPublishGuard,
  [PLANNERS.yank]: planYank,
};
