// What the publish coordinator accepts and answers; plain data so it crosses Durable Object RPC.
import type { PackageStatus } from "../../db/schema";
import type { StoredBlob } from "../blobs";
import type { ErrorCode } from "../errors";

export type DuplicateSetting = "maven" | "generic" | "nuget" | "terraform_module";

/**
 * What happens when the version (or a file of the same name in it) already exists:
 * - reject_version: a second publish of a version fails with package_exists (npm, PyPI sdists are per file, see below)
 * - reject_file_name: the version may grow, but not by a file name it already has (PyPI)
 * - allow: add the file; the newest file of a name is served (Helm, Debian, RubyGems)
 * - setting: the group's duplicate setting decides (Maven, Generic, NuGet, Terraform); refused → duplicate_not_allowed
 */
export type DuplicatePolicy =
  | { kind: "reject_version" }
  | { kind: "reject_file_name" }
  | { kind: "allow" }
  | { kind: "setting"; setting: DuplicateSetting; /** refuse only when a file of that name exists */ perFile: boolean };

export interface NewFile {
  blob: StoredBlob;
  fileName: string;
  metadata?: Record<string, unknown>;
}

export interface BuildInfo {
  pipelineId: number;
  ref: string;
  sha: string;
  userId: number | null;
  /** From a job token of the OIDC exchange: the CI run's page, its workflow and the CI identity (`sub`). */
  pipelineUrl?: string | null;
  workflow?: string | null;
  identity?: string | null;
}

/** The person or deploy token behind a commit, as protection rules judge it (src/core/protection). */
export interface CommitActor {
  kind: "user" | "deploy_token";
  /** Instance administrators pass every protection rule. */
  admin: boolean;
  /**
   * The user's memberships as the request loaded them ("Project:1" / "Namespace:4" → access level): the
   * coordinator takes the highest over the project and the namespaces above it (GitLab's max_member_access).
   */
  roles: [string, number][];
}

/** Who makes a commit: derived from the actor by the registry context, never by a format. */
export interface CommitAuthor {
  creatorId: number | null;
  buildInfo: BuildInfo | null;
  /** Absent: a write of the core itself, held to protection rules as strictly as a deploy token. */
  actor?: CommitActor;
  /** A trusted publisher's job token: the package types and names it may publish (src/core/protection/enforce.ts). */
  limits?: { packageTypes: string[]; namePatterns: string[] };
  /**
   * A cleanup policy's run (src/core/storage): its only op is the CLEANUP_PLANNER plan; protection rules do not
   * refuse it, and the planner never removes the latest version of a package a rule protects. Set by the core only.
   */
  cleanupPolicy?: true;
}

/** The core's planner of cleanup policy runs (src/core/storage/cleanup-rules.ts), run by the coordinator itself. */
export const CLEANUP_PLANNER = "core.cleanup_policy";

/** One change to a package. Every op of a commit is decided against the rows as they were before it. */
export type CommitOp =
  | {
      kind: "publish";
      version: string;
      files: NewFile[];
      duplicates: DuplicatePolicy;
      status?: PackageStatus;
      /** Replaces the version's metadata when it is created; merged into it when the version exists. */
      metadata?: Record<string, unknown>;
      /** Tags to point at this version in the same batch (npm dist-tags). */
      tags?: string[];
      /** Record the CI build of a job-token author with this publish (default true; Maven records it once per deploy). */
      recordBuild?: boolean;
      /**
       * Refuse (package_exists) when another project under the same top-level namespace holds this name and
       * version (`true`: npm, Composer), or this name in any version (`"name"`: Terraform modules, whose names
       * GitLab keeps unique across the namespace unless the duplicate setting allows them). Race-free across projects only when every such publish shares one
       * coordinator: pass a `coordinatorKey` naming the top-level namespace.
       */
      uniqueInRootNamespace?: boolean | "name";
    }
  | { kind: "set_tag"; tag: string; version: string }
  | { kind: "remove_tag"; tag: string }
  | { kind: "update_version"; version: string; status?: PackageStatus; metadataPatch?: Record<string, unknown> }
  | { kind: "remove_version"; version: string }
  | { kind: "remove_package"; packageId: number }
  | { kind: "remove_all_versions" }
  | { kind: "remove_file"; fileId: number }
  /** A format's planner (src/core/publish/planners.ts) turns the package's current state and `input` into ops, inside the coordinator. */
  | { kind: "plan"; planner: string; input: unknown };

/** Ops a planner may return (no nested plans; uploads are published by the route that stored them). */
export type PlannedOp = Exclude<CommitOp, { kind: "plan" } | { kind: "publish" }>;

export interface CommitTarget {
  projectId: number;
  packageType: string;
  name: string;
  normalizedName: string;
  /**
   * Serialise with a wider set than the project (e.g. `root-namespace:12`): every commit naming the same key,
   * type and name goes through one coordinator. Default: the project.
   */
  coordinatorKey?: string;
}

export interface CommitRequest extends CommitTarget {
  ops: CommitOp[];
  author: CommitAuthor;
}

export type CommitResult =
  | { ok: true; packageId: number | null; fileIds: number[]; createdPackage: boolean; revision: number }
  /** `ambiguous`: the commit may still land (it outlived the timeout); uploaded blobs must be left to the cleanup. */
  | { ok: false; code: ErrorCode; message: string; ambiguous?: boolean };

/** One coordinator per package: project (or the target's wider `coordinatorKey`) + format + normalised name. */
export function coordinatorName(projectId: number, packageType: string, normalizedName: string, key?: string): string {
  return `${key ?? projectId}/${packageType}/${normalizedName}`;
}
