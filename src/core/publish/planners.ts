// Planners: pure functions a format registers so that a multi-step change (npm unpublish of some
// versions, deprecating many versions, moving tags) is decided inside the coordinator, against the
// package's rows as they are at that moment, and applied as one atomic batch.
//
//   coordinator: state = read package rows + tags  →  ops = planner(state, input)  →  plan each op  →  db.batch
import type { PackageStatus } from "../../db/schema";
import { AppError } from "../errors";
import type { PlannedOp } from "./types";

export interface PlannedVersion {
  id: number;
  version: string;
  status: PackageStatus;
  metadata: Record<string, unknown>;
  createdAt: Date;
  /** Its files, read in the same batch, only when the planner declares `readsFiles`. */
  files?: PlannedFile[];
}

export interface PlannedFile {
  id: number;
  fileName: string;
  metadata: Record<string, unknown>;
  createdAt: Date;
}

/** The package's current rows in this project (every status) and its tags (tag → version). */
export interface PackageState {
  versions: PlannedVersion[];
  tags: Map<string, string>;
}

/** `readsFiles`: the state carries every version's files (Conan picks files of a revision to delete). */
export type Planner = ((state: PackageState, input: unknown) => PlannedOp[]) & { readsFiles?: boolean };

const planners = new Map<string, Planner>();

/** Called once per format at module load (src/formats/index.ts); names are `<format>.<what>`. */
export function registerPlanners(entries: Record<string, Planner>): void {
  for (const [name, planner] of Object.entries(entries)) planners.set(name, planner);
}

export function plannerFor(name: string): Planner {
  const planner = planners.get(name);
  if (!planner) throw new AppError("internal", `no planner named ${name}`);
  return planner;
}
