// npm's planners: pure functions the publish coordinator runs against the package's rows in one project
// as they are at that moment, so what a deprecate, an unpublish or a dist-tag removal changes is decided
// and written in ONE atomic commit (all of it, or nothing when a planner refuses).
//
//   handler: commit(target, [{kind: "plan", planner: "npm.packument_update", input: packumentClaims(body)}])
//   coordinator: state = rows + tags of the name  →  ops = planner(state, input)  →  one db.batch
import { AppError } from "../../core/errors";
import type { PackageState, Planner } from "../../core/publish/planners";
import type { PlannedOp } from "../../core/publish/types";
import { INSTALLABLE_STATUSES } from "../../core/registry";
import { deprecationChanges, packumentUpdate, type DeprecationChange } from "./metadata";
import { isValidTag } from "./parse";

export const PLANNERS = {
  deprecate: "npm.deprecate",
  packumentUpdate: "npm.packument_update",
  removeTarball: "npm.remove_tarball",
  removeDistTag: "npm.remove_dist_tag",
} as const;

/** What clients see of the package: installable versions (manifests by version) and the tags pointing at them. */
function installableOf(state: PackageState) {
  const rows = state.versions.filter((v) => INSTALLABLE_STATUSES.includes(v.status));
  if (rows.length === 0) throw new AppError("not_found", "404 Package Not Found");
  const manifests = new Map(rows.map((r) => [r.version, r.metadata]));
  const tags = new Map([...state.tags].filter(([, version]) => manifests.has(version)));
  return { versions: rows.map((r) => r.version), manifests, tags };
}

const deprecationOp = (change: DeprecationChange): PlannedOp => ({
  kind: "update_version",
  version: change.version,
  status: change.message ? "deprecated" : "default",
  metadataPatch: { deprecated: change.message || null },
});

/** npm deprecate (PUT of the packument with `versions[v].deprecated`): every changed version, one commit. */
export const planDeprecate: Planner = (state, claims) => deprecationChanges(claims, installableOf(state).manifests).map(deprecationOp);

/**
 * npm unpublish pkg@ver (PUT /-rev/<rev> with the packument minus versions): tag moves, tag removals,
 * version removals and deprecations as one commit. Removing every version this way is refused (DELETE does it).
 */
export const planPackumentUpdate: Planner = (state, claims) => {
  const { versions, manifests, tags } = installableOf(state);
  const update = packumentUpdate(claims, versions, tags);
  const badTag = update.setTags.find((t) => !isValidTag(t.tag));
  if (badTag) throw new AppError("bad_request", `400 Bad request - invalid dist-tag ${JSON.stringify(badTag.tag)}`);
  if (update.removeVersions.length === versions.length) throw new AppError("bad_request", "400 Bad request - use DELETE /-rev/<rev> to remove every version");
  const removed = new Set(update.removeVersions);
  return [
    ...update.setTags.map(({ tag, version }): PlannedOp => ({ kind: "set_tag", tag, version })),
    ...update.removeTags.map((tag): PlannedOp => ({ kind: "remove_tag", tag })),
    ...update.removeVersions.map((version): PlannedOp => ({ kind: "remove_version", version })),
    ...deprecationChanges(claims, manifests)
      .filter((change) => !removed.has(change.version))
      .map(deprecationOp),
  ];
};

/** DELETE of a tarball (the last step of npm unpublish pkg@ver): its version, or 404 when already gone (npm treats that as done). */
export const planRemoveTarball: Planner = (state, input) => {
  const { version } = input as { version: string | null };
  const present = state.versions.some((v) => v.version === version && INSTALLABLE_STATUSES.includes(v.status));
  if (!version || !present) throw new AppError("not_found", "404 Package file Not Found");
  return [{ kind: "remove_version", version }];
};

/** npm dist-tag rm: 404 when the project's package has no such tag. */
export const planRemoveDistTag: Planner = (state, input) => {
  const { tag } = input as { tag: string };
  if (!state.tags.has(tag)) throw new AppError("not_found", "404 Package tag Not Found");
  return [{ kind: "remove_tag", tag }];
};

export const npmPlanners: Record<string, Planner> = {
  [PLANNERS.deprecate]: planDeprecate,
  [PLANNERS.packumentUpdate]: planPackumentUpdate,
  [PLANNERS.removeTarball]: planRemoveTarball,
  [PLANNERS.removeDistTag]: planRemoveDistTag,
};
