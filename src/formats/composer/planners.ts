// The Composer commit target and planner, both used inside the publish coordinator.
// GitLab's rule for publishing a version again: the same content is refused (400), different content
// replaces the version (its metadata and its archive). Spec: ../shared/reference/gitlab-spec.md §7.
//
//   composer.replace(state, {version, sha256, seenSha256, staleFileIds}):
//     current = archive_sha256 of the version in state (null when there is none)
//     current == sha256      → 400, nothing changes
//     current != seenSha256  → 409 (another upload of this version landed since the route read it)
//     otherwise              → remove the files the route saw (the publish op in the same batch adds the new one)
import { AppError } from "../../core/errors";
import type { Planner } from "../../core/publish/planners";
import type { CommitTarget, PlannedOp } from "../../core/publish/types";
import type { ProjectContext } from "../../core/registry";
import { PACKAGE_TYPE } from "./parse";

export const REPLACE_PLANNER = "composer.replace";

export interface ReplaceInput {
  version: string;
  sha256: string;
  seenSha256: string | null;
  staleFileIds: number[];
}

export const replaceVersion: Planner = (state, raw) => {
  const input = raw as ReplaceInput;
  const row = state.versions.find((v) => v.version === input.version);
  const current = typeof row?.metadata.archive_sha256 === "string" ? row.metadata.archive_sha256 : null;
  if (current === input.sha256) throw new AppError("bad_request", `400 Bad request - ${input.version} already holds this archive`);
  if (current !== input.seenSha256) throw new AppError("conflict", `409 Conflict - ${input.version} changed while this archive was uploaded; upload it again`);
  return input.staleFileIds.map((fileId): PlannedOp => ({ kind: "remove_file", fileId }));
};

export const composerPlanners: Record<string, Planner> = { [REPLACE_PLANNER]: replaceVersion };

/**
 * Every Composer write of `name` in this project. The coordinator is keyed by the top-level namespace, so
 * two projects of one top-level group cannot publish the same name and version at the same time: group-level
 * installs never see two archives for one version (uniqueInRootNamespace, checked in the coordinator).
 */
export function commitTarget(ctx: ProjectContext, name: string): CommitTarget {
  const root = ctx.subject.namespaceIds[0] ?? ctx.namespace.id;
  return { projectId: ctx.project.id, packageType: PACKAGE_TYPE, name, normalizedName: name.toLowerCase(), coordinatorKey: `root-namespace:${root}` };
}
