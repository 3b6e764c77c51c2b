// How Debian is stored (formats have no tables of their own):
//   - a project's distributions are the versions of one hidden package `distributions`: version = codename,
//     metadata = the fields and the sealed signing key (a few KiB, whatever the number of packages);
//   - every published file carries its place in the metadata of its own row (`distribution`, `distribution_id`
//     = the distribution's version row id, `component`, `architecture`, `kind`, and the control stanza of a
//     .deb/.udeb or the .dsc), so the indexes are built from one query over the distribution's files, and a
//     version deleted through the Packages API drops out of them with nothing else to update;
//   - a distribution deleted and created again gets a new id: files of the old one are not indexed again.
import { AppError } from "../../core/errors";
import type { PackageState, Planner } from "../../core/publish/planners";
import type { PlannedOp } from "../../core/publish/types";
import type { StoredKey } from "./signing";

export const DEBIAN = "debian";
/** The hidden package whose versions are a project's distributions. */
export const DISTRIBUTIONS = "distributions";

export interface DistributionFields {
  codename: string;
  suite: string | null;
  origin: string | null;
  label: string | null;
  version: string | null;
  description: string | null;
  valid_time_duration_seconds: number | null;
  components: string[];
  architectures: string[];
}

export interface DistributionMetadata {
  distribution: DistributionFields;
  /** Absent when the instance has no signing secret: the distribution is then served unsigned. */
  signing_key?: StoredKey;
}

/** A distribution as read: its row id (GitLab's `id`, and the `distribution_id` of its files) and metadata. */
export interface Distribution extends DistributionMetadata {
  id: number;
  projectId: number | null;
}

export type FileKind = "deb" | "udeb" | "ddeb" | "dsc" | "source" | "buildinfo" | "changes";

/** What a published file's metadata says about its place in a distribution. */
export interface DebianFileMetadata {
  distribution: string;
  distribution_id: number;
  component?: string;
  architecture?: string;
  kind: FileKind;
  /** The control stanza of a binary (as read from the .deb) or of a .dsc (without its signature). */
  control?: string;
}

/** Updates a distribution's fields (PUT), inside the coordinator of the `distributions` package. */
export const updatePlanner: Planner = (state: PackageState, input: unknown): PlannedOp[] => {
  const { codename, fields } = input as { codename: string; fields: Partial<DistributionFields> };
  const row = state.versions.find((v) => v.version === codename);
  if (!row) throw new AppError("not_found", "404 Distribution Not Found");
  const current = (row.metadata as unknown as DistributionMetadata).distribution;
  const patch: Partial<DistributionMetadata> = { distribution: { ...current, ...fields, codename: current.codename } };
  return [{ kind: "update_version", version: codename, metadataPatch: patch as Record<string, unknown> }];
};

/** GitLab's pool path: `pool/<codename>/[<project id>/]<letter>/<name>/<version>/<file>`, letter `libx` for lib* names. */
export function poolPath(codename: string, entry: { name: string; version: string; fileName: string; projectId?: number }): string {
  return `${poolDirectory(codename, entry)}/${entry.fileName}`;
}

export function poolDirectory(codename: string, entry: { name: string; version: string; projectId?: number }): string {
  const letter = entry.name.startsWith("lib") && entry.name.length > 3 ? entry.name.slice(0, 4) : entry.name.slice(0, 1);
  const project = entry.projectId === undefined ? "" : `${entry.projectId}/`;
  return `pool/${codename}/${project}${letter}/${entry.name}/${entry.version}`;
}
