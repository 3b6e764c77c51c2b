// A distribution is stored as a hidden package of type "debian" named `distribution:<codename>` (no table of
// its own: formats do not touch the schema). Its metadata holds the distribution's fields and the index
// entries of every binary uploaded to it; the `debian.index` planner updates those entries inside the
// coordinator of that package, so concurrent uploads to one distribution all land.
import { AppError } from "../../core/errors";
import type { PackageState, Planner } from "../../core/publish/planners";
import type { PlannedOp } from "../../core/publish/types";
import type { StoredKey } from "./signing";

export const DEBIAN = "debian";
export const DISTRIBUTION_VERSION = "";
export const distributionPackageName = (codename: string) => `distribution:${codename}`;

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

/** One binary package file in a distribution's index. */
export interface IndexEntry {
  package: string;
  version: string;
  architecture: string;
  component: string;
  fileName: string;
  size: number;
  md5: string;
  sha1: string;
  sha256: string;
  /** The control stanza as read from the .deb (without Filename, Size and checksums). */
  control: string;
  /** Set when read at group level: the group pool path carries the project id. */
  projectId?: number;
}

export interface DistributionMetadata {
  distribution: DistributionFields;
  /** Absent when the instance has no signing secret: the distribution is then served unsigned. */
  signing_key?: StoredKey;
  entries: IndexEntry[];
  updated_at: string;
}

const sameSlot = (a: IndexEntry, b: IndexEntry) =>
  a.package === b.package && a.version === b.version && a.architecture === b.architecture && a.component === b.component;

/** Adds entries (a re-upload of the same package, version, architecture and component replaces the old one). */
export const indexPlanner: Planner = (state: PackageState, input: unknown): PlannedOp[] => {
  const { entries, now } = input as { entries: IndexEntry[]; now: string };
  const row = state.versions.find((v) => v.version === DISTRIBUTION_VERSION);
  if (!row) throw new AppError("not_found", "404 Distribution Not Found");
  const current = (row.metadata as unknown as DistributionMetadata).entries ?? [];
  const kept = current.filter((e) => !entries.some((n) => sameSlot(e, n)));
  const patch: Partial<DistributionMetadata> = { entries: [...kept, ...entries], updated_at: now };
  return [{ kind: "update_version", version: DISTRIBUTION_VERSION, metadataPatch: patch as Record<string, unknown> }];
};

/** Updates the distribution's fields (PUT), keeping its entries. */
export const updatePlanner: Planner = (state: PackageState, input: unknown): PlannedOp[] => {
  const { fields, now } = input as { fields: Partial<DistributionFields>; now: string };
  const row = state.versions.find((v) => v.version === DISTRIBUTION_VERSION);
  if (!row) throw new AppError("not_found", "404 Distribution Not Found");
  const current = (row.metadata as unknown as DistributionMetadata).distribution;
  const patch: Partial<DistributionMetadata> = { distribution: { ...current, ...fields, codename: current.codename }, updated_at: now };
  return [{ kind: "update_version", version: DISTRIBUTION_VERSION, metadataPatch: patch as Record<string, unknown> }];
};

/** GitLab's pool path: `pool/<codename>/<letter>/<name>/<version>/<file>`, letter `lib?` for lib* names. */
export function poolPath(codename: string, entry: Pick<IndexEntry, "package" | "version" | "fileName" | "projectId">): string {
  const letter = entry.package.startsWith("lib") && entry.package.length > 3 ? entry.package.slice(0, 4) : entry.package.slice(0, 1);
  const project = entry.projectId === undefined ? "" : `${entry.projectId}/`;
  return `pool/${codename}/${project}${letter}/${entry.package}/${entry.version}/${entry.fileName}`;
}
