// The registry context: one object per request (`c.var.registry`), made by a middleware in app.ts. It
// holds the request's only D1 handle and the actor, memoises the actor's roles, resolves read scopes,
// authorises project actions, reads packages and commits writes through the publish coordinator with
// the author derived from the actor. Formats use it and never import db/client, drizzle or the schema.
import { createDb, type Db } from "../../db/client";
import type { PackageStatus } from "../../db/schema";
import type { Bindings } from "../../env";
import { userOf, type Actor } from "../auth/actor";
import type { PackageAction } from "../auth/policy";
import type { RangedSource } from "../archive";
import { blobSource, discardBlob, putBlob, type OptionalDigest, type PutBlobOptions, type StoredBlob, type StoredBlobWith } from "../blobs";
import {
  getFileBySha256,
  getPackageFileById,
  getPackageVersions,
  getTags,
  INSTALLABLE_STATUSES,
  listPackageNames,
  type PackageWithFiles,
  type TagRow,
} from "../packages";
import { commitPackage, type CommitSuccess } from "../publish/client";
import type { CommitAuthor, CommitOp, CommitTarget } from "../publish/types";
import { allows, authorizeProject, loadRoles, type ProjectContext } from "../tenancy";
import { resolveReadScope, type ReadScope, type ScopeLevel } from "./read-scope";

export type RegistryBindings = Pick<Bindings, "DB" | "BLOBS" | "PUBLISH_COORDINATOR">;

/** Where package reads look: a resolved scope, or projects already authorised. */
export type ProjectSet = ReadScope | ProjectContext[];

export interface VersionFilter {
  version?: string;
  statuses?: PackageStatus[];
}

export class Registry {
  /** For the core, the management API and the pages; formats call the methods instead. */
  readonly db: Db;
  private rolesPromise: Promise<Map<string, number>> | null = null;

  constructor(
    private readonly env: RegistryBindings,
    readonly actor: Actor,
    d1: D1Database = env.DB,
  ) {
    this.db = createDb(d1);
  }

  /** The actor's memberships ("Project:1" / "Namespace:4" → access level), loaded once per request. */
  roles = (): Promise<Map<string, number>> => {
    this.rolesPromise ??= loadRoles(this.db, this.actor);
    return this.rolesPromise;
  };

  /** A project by `:id` on which the actor may do `action` (401/403/404 as GitLab, unknown = private). */
  authorize(projectRef: string, action: PackageAction): Promise<ProjectContext> {
    return authorizeProject(this.db, this.actor, projectRef, action, this.roles);
  }

  /** Whether the actor may also do `action` on a project already authorised (no lookups). */
  allows(project: ProjectContext, action: PackageAction): boolean {
    return allows(this.actor, project, action);
  }

  readScope(level: ScopeLevel): Promise<ReadScope> {
    return resolveReadScope(this.db, this.actor, this.roles, level);
  }

  /** Installable versions of a name (newest package first) with their files; `statuses` widens or narrows that. */
  versions(where: ProjectSet, packageType: string, normalizedName: string, filter: VersionFilter = {}): Promise<PackageWithFiles[]> {
    return getPackageVersions(this.db, { projectIds: idsOf(where), packageType, normalizedName, statuses: filter.statuses ?? INSTALLABLE_STATUSES, version: filter.version });
  }

  tags(where: ProjectSet, packageType: string, normalizedName: string): Promise<TagRow[]> {
    return getTags(this.db, idsOf(where), packageType, normalizedName);
  }

  fileBySha256(where: ProjectSet, packageType: string, sha256: string, fileName?: string) {
    return getFileBySha256(this.db, idsOf(where), packageType, sha256, fileName);
  }

  /** One package file by id, within these projects (e.g. the file a publish just created). */
  fileById(where: ProjectSet, fileId: number) {
    return getPackageFileById(this.db, idsOf(where), fileId);
  }

  packageNames(where: ProjectSet, packageType: string) {
    return listPackageNames(this.db, idsOf(where), packageType);
  }

  /** Stream an upload into R2 (the format's digests, size limit, declared digests); committed later by `commit`. */
  putBlob<D extends OptionalDigest = never>(body: ReadableStream<Uint8Array> | null, options: PutBlobOptions<D> & { digests: readonly D[] }): Promise<StoredBlobWith<D>> {
    return putBlob(this.env, body, options);
  }

  /** Drop an upload that will not be committed (a refusal found before the commit). */
  discardBlob(blob: StoredBlob): Promise<void> {
    return discardBlob(this.env, blob.id).catch(() => undefined);
  }

  /** A stored blob (an upload, or a package file's `{id: blobId, size}`) read by range: archives are never read whole. */
  blobSource(blob: { id: string; size: number }): RangedSource {
    return blobSource(this.env.BLOBS, blob);
  }

  /** Apply ops to one package atomically through its coordinator; creator and CI build come from the actor. */
  commit(target: CommitTarget, ops: CommitOp[]): Promise<CommitSuccess> {
    return commitPackage(this.env, { ...target, ops, author: authorOf(this.actor) });
  }
}

export function authorOf(actor: Actor): CommitAuthor {
  const buildInfo = actor.kind === "job_token" ? { pipelineId: actor.pipeline.id, ref: actor.pipeline.ref, sha: actor.pipeline.sha, userId: actor.user.id } : null;
  return { creatorId: userOf(actor)?.id ?? null, buildInfo };
}

const idsOf = (where: ProjectSet): number[] => (Array.isArray(where) ? where.map((p) => p.project.id) : where.projectIds);
