// The registry context: one object per request (`c.var.registry`), made by a middleware in app.ts. It
// holds the request's D1 handles and the actor, memoises the actor's roles, resolves read scopes,
// authorises project actions, reads packages and commits writes through the publish coordinator with
// the author derived from the actor. Formats use it and never import db/client, drizzle or the schema.
//
// Reads cost one D1 round trip: a package route declares what it will read (`PackageReads`), and
// `authorize`/`readScope` send the credential's token rows, the caller's memberships, the project or group
// and those package rows in ONE batch, keyed by the token digest and the `:id` in the URL. Reads run in a
// D1 session that may use a read replica; an answer that finds nothing is asked again of the primary,
// so a version published a moment ago is never a 404 (src/core/registry/read-session.ts).
import type { SQLWrapper } from "drizzle-orm";
import { createDb, type Db } from "../../db/client";
import type { PackageStatus } from "../../db/schema";
import type { Bindings } from "../../env";
import { userOf, type Actor } from "../auth/actor";
import type { Credential } from "../auth/credentials";
import type { PackageAction } from "../auth/policy";
import { actorFromRows, actorQueries, invalidToken, lookupOf, lookupRoleQueries, type ActorLookup, type ResolveOptions } from "../auth/resolve-actor";
import type { RangedSource } from "../archive";
import { blobSource, discardBlob, putBlob, type OptionalDigest, type PutBlobOptions, type StoredBlob, type StoredBlobWith } from "../blobs";
import { AppError } from "../errors";
import {
  distinctNames,
  fileBySha256Queries,
  filesAndPackages,
  filesByMetadataQuery,
  filesWithPackage,
  getFileBySha256,
  getFilesByMetadata,
  getPackageFileById,
  INSTALLABLE_STATUSES,
  listPackageNames,
  packageNamesQuery,
  tagsQuery,
  versionQueries,
  withFiles,
  type FileAndPackage,
  type FileWithPackage,
  type PackageFileRow,
  type PackageName,
  type PackageRow,
  type PackageWithFiles,
  type TagRow,
} from "../packages";
import { commitPackage, type CommitSuccess } from "../publish/client";
import type { CommitActor, CommitAuthor, CommitOp, CommitTarget } from "../publish/types";
import { allows, authorizeFound, rolesFromRows, userRoleQueries, type ProjectContext } from "../tenancy";
import { compiledFileBySha256Queries, compiledTagsQuery, compiledVersionQueries } from "./compiled-reads";
import { foundProject, projectScopeOf, scopeFromRows, scopeQueries, type CompiledLevel, type ReadScope, type ScopeLevel } from "./read-scope";
import { ReadSession } from "./read-session";
import { purgeAccessRecords } from "./edge-access";
import { authorizeGroup, groupRecordQuery, groupRecords, type GroupRecordRow, type GroupRecords } from "../group-records";
import { namespaceIdByRef, type NamespaceRow } from "../tenancy";

export type RegistryBindings = Pick<Bindings, "DB" | "BLOBS" | "PUBLISH_COORDINATOR">;

/** Where package reads look: a resolved scope, or projects already authorised. */
export type ProjectSet = ReadScope | ProjectContext[];

export interface VersionFilter {
  version?: string;
  statuses?: PackageStatus[];
}

/**
 * The package rows a route reads, declared with its access so they come in the same round trip:
 * one name (optionally one version) of a type, or every name of the type when `name` is absent
 * (`versions`, `allVersions`, `tags`). With `namesOnly`, `fileSha256` or `fileMetadata` it is instead what
 * `packageNames`, `fileBySha256` or `filesByMetadata` will ask for (then `name`, `version` and `tags` are
 * ignored). A route that reads several things declares a list; each costs its statements in the one batch.
 */
export interface PackageReads {
  packageType: string;
  name?: string;
  /** Several names instead of one (Bundler's dependency API); `versions` of each answers from them. */
  names?: readonly string[];
  version?: string;
  /** Also the name's tags (npm dist-tags); without a name, the tags of every name. */
  tags?: boolean;
  /** The names of the type only (`packageNames`: index pages that list names). */
  namesOnly?: boolean;
  /** The file with this sha256 (and `fileName`, when given) among the type's packages (`fileBySha256`). */
  fileSha256?: string;
  fileName?: string;
  /** Files whose metadata has `key` = `value` (`filesByMetadata`). */
  fileMetadata?: { key: string; value: string };
  /** At group level: the group's own record of this name (`groupRecords(group, type).get(name)`: Debian's group distributions). */
  groupRecord?: string;
}

/** What a route declares: one read, or several (all sent in the same batch). */
export type ReadPlan = PackageReads | readonly PackageReads[];

/** Who the request is from: an actor already known, or a credential resolved with the first read. */
export type Caller = Actor | { credential: Credential; options: ResolveOptions };

/** One declared read's answer, within the projects the scope allowed. */
interface Prefetched {
  reads: PackageReads;
  projectIds: Set<number>;
  rows: PackageWithFiles[];
  tags: TagRow[] | null;
  names: (PackageName & { projectId: number })[];
  files: FileAndPackage[];
  metadataFiles: FileWithPackage[];
  /** The group's record (`groupRecord` reads) and the group it was read for. */
  record: GroupRecordRow | null;
  namespaceId: number | null;
  /** `rows` by normalized name, made on the first one-name read (index documents read every name in turn). */
  byName?: Map<string, PackageWithFiles[]>;
}

type ReadKind = "rows" | "names" | "sha256" | "metadata" | "record";
const kindOf = (reads: PackageReads): ReadKind =>
  reads.groupRecord !== undefined ? "record" : reads.fileSha256 !== undefined ? "sha256" : reads.fileMetadata ? "metadata" : reads.namesOnly ? "names" : "rows";
const planList = (plan: ReadPlan | null | undefined): readonly PackageReads[] => (!plan ? [] : Array.isArray(plan) ? plan : [plan as PackageReads]);

export class Registry {
  /** The primary: writes, the management API and the pages; formats call the methods instead. */
  readonly db: Db;
  private readonly reads: ReadSession;
  private actorValue: Actor | null;
  private pending: { credential: Credential; options: ResolveOptions; lookup?: Promise<ActorLookup> } | null;
  private rolesPromise: Promise<Map<string, number>> | null = null;
  private prefetched: Prefetched[] = [];
  /** The 401 of a credential that matched no valid token: every later use answers the same, without D1. */
  private rejected: AppError | null = null;
  /** Projects resolved in this request, by id (a commit forgets their edge access records). */
  private readonly authorised = new Map<number, ProjectContext>();

  constructor(
    private readonly env: RegistryBindings,
    caller: Caller,
    d1: D1Database = env.DB,
  ) {
    this.db = createDb(d1);
    this.reads = new ReadSession(d1);
    if ("credential" in caller) {
      this.actorValue = null;
      this.pending = caller;
    } else {
      this.actorValue = caller;
      this.pending = null;
    }
  }

  /** The caller; known once `authorize`, `readScope` or `resolveActor` has run. */
  get actor(): Actor {
    if (!this.actorValue) throw new AppError("internal", "the caller's credential has not been resolved yet (await registry.resolveActor())");
    return this.actorValue;
  }

  /** The request carries no credential (known without D1; a credential that turns out invalid is a 401 later). */
  get isAnonymous(): boolean {
    return this.actorValue?.kind === "anonymous";
  }

  /** Whether the credential still waits for the first read (app.ts resolves it after the route if nothing did). */
  get actorPending(): boolean {
    return this.actorValue === null && this.rejected === null;
  }

  /** The caller, resolving the credential on its own (one round trip) when no read has yet. */
  async resolveActor(): Promise<Actor> {
    if (this.rejected) throw this.rejected;
    if (!this.actorValue) await this.run(null, []);
    return this.actor;
  }

  /** The actor's memberships ("Project:1" / "Namespace:4" → access level), loaded once per request. */
  roles = async (): Promise<Map<string, number>> => {
    const actor = await this.resolveActor();
    this.rolesPromise ??= (async () => {
      const user = userOf(actor);
      if (!user) return new Map<string, number>();
      const [members, owned] = await this.db.batch(userRoleQueries(this.db, user.id));
      return rolesFromRows(user.id, members, owned);
    })();
    return this.rolesPromise;
  };

  /**
   * A project by `:id` on which the actor may do `action` (401/403/404 as GitLab, unknown = private); `action` may
   * depend on who the caller turns out to be (npm asks deploy tokens for less), decided after the one batch.
   */
  async authorize(projectRef: string, action: PackageAction | ((actor: Actor) => PackageAction), reads?: ReadPlan): Promise<ProjectContext> {
    const { scope } = await this.run({ level: { kind: "project", ref: projectRef }, action }, planList(reads));
    return scope.projects[0]!;
  }

  /** Whether the actor may also do `action` on a project already authorised (no lookups). */
  allows(project: ProjectContext, action: PackageAction): boolean {
    return allows(this.actor, project, action);
  }

  /** A group by `:id` on which the actor may do `action`, for data the group itself owns (src/core/group-records.ts). */
  async authorizeGroup(groupRef: string, action: PackageAction): Promise<NamespaceRow> {
    return authorizeGroup(this.db, await this.resolveActor(), groupRef, action, this.roles);
  }

  /** The group's own records of a package type (Debian's group distributions); writes are single statements. */
  groupRecords(group: Pick<NamespaceRow, "id">, packageType: string): GroupRecords {
    const records = groupRecords(this.db, group, packageType);
    const forget = <T>(write: Promise<T>) => write.finally(() => (this.prefetched = []));
    return {
      ...records,
      get: async (name) => {
        const memo = this.prefetched.find((m) => kindOf(m.reads) === "record" && m.reads.packageType === packageType && m.reads.groupRecord === name && m.namespaceId === group.id);
        return memo ? memo.record : records.get(name);
      },
      create: (name, metadata) => forget(records.create(name, metadata)),
      update: (name, patch) => forget(records.update(name, patch)),
      remove: (name) => forget(records.remove(name)),
    };
  }

  async readScope(level: ScopeLevel, reads?: ReadPlan): Promise<ReadScope> {
    return (await this.run({ level, action: null }, planList(reads))).scope;
  }

  /** Installable versions of a name (newest package first) with their files; `statuses` widens or narrows that. */
  async versions(where: ProjectSet, packageType: string, normalizedName: string, filter: VersionFilter = {}): Promise<PackageWithFiles[]> {
    return this.packageRows(where, { packageType, name: normalizedName, version: filter.version }, filter.statuses ?? INSTALLABLE_STATUSES);
  }

  /** Installable versions of every name of a type (index documents: Helm, RubyGems, Composer, NuGet search): one round trip. */
  async allVersions(where: ProjectSet, packageType: string, filter: Pick<VersionFilter, "statuses"> = {}): Promise<PackageWithFiles[]> {
    return this.packageRows(where, { packageType }, filter.statuses ?? INSTALLABLE_STATUSES);
  }

  async tags(where: ProjectSet, packageType: string, normalizedName: string): Promise<TagRow[]> {
    const ids = idsOf(where);
    const memo = this.prefetched.find(
      (m) =>
        m.tags &&
        m.reads.packageType === packageType &&
        (m.reads.name === undefined || m.reads.name === normalizedName) &&
        (m.reads.names === undefined || m.reads.names.includes(normalizedName)) &&
        within(m, ids),
    );
    if (memo?.tags) return memo.tags.filter((t) => ids.includes(t.projectId) && t.normalizedName === normalizedName);
    if (ids.length === 0) return [];
    return this.reads.read(this.db, (db) => tagsQuery(db, ids, packageType, normalizedName).all(), (rows) => rows.length === 0);
  }

  async fileBySha256(where: ProjectSet, packageType: string, sha256: string, fileName?: string): Promise<FileAndPackage | null> {
    const ids = idsOf(where);
    const digest = sha256.toLowerCase();
    const memo = this.prefetched.find(
      (m) => kindOf(m.reads) === "sha256" && m.reads.packageType === packageType && m.reads.fileSha256?.toLowerCase() === digest && (m.reads.fileName || undefined) === (fileName || undefined) && within(m, ids),
    );
    if (memo) return memo.files.find((f) => ids.includes(f.pkg.projectId)) ?? null;
    return this.reads.read(this.db, (db) => getFileBySha256(db, idsOf(where), packageType, sha256, fileName), (row) => row === null);
  }

  /** One package file by id, within these projects (e.g. the file a publish just created). */
  fileById(where: ProjectSet, fileId: number): Promise<PackageFileRow | null> {
    return this.reads.read(this.db, (db) => getPackageFileById(db, idsOf(where), fileId), (row) => row === null);
  }

  async packageNames(where: ProjectSet, packageType: string): Promise<PackageName[]> {
    const ids = idsOf(where);
    const names = this.prefetched.find((m) => kindOf(m.reads) === "names" && m.reads.packageType === packageType && within(m, ids));
    if (names) return distinctNames(names.names, new Set(ids));
    const all = this.prefetched.find((m) => kindOf(m.reads) === "rows" && m.reads.packageType === packageType && m.reads.name === undefined && m.reads.names === undefined && m.reads.version === undefined && within(m, ids));
    if (all) {
      const inWhere = new Set(ids);
      return distinctNames(all.rows.filter((r) => inWhere.has(r.projectId) && INSTALLABLE_STATUSES.includes(r.status)));
    }
    return this.reads.read(this.db, (db) => listPackageNames(db, idsOf(where), packageType), (rows) => rows.length === 0);
  }

  /** Files of installable packages whose file metadata has `key` = `value` (one query; Debian's distribution index). */
  async filesByMetadata(where: ProjectSet, packageType: string, key: string, value: string): Promise<FileWithPackage[]> {
    const ids = idsOf(where);
    const memo = this.prefetched.find(
      (m) => kindOf(m.reads) === "metadata" && m.reads.packageType === packageType && m.reads.fileMetadata?.key === key && m.reads.fileMetadata.value === value && within(m, ids),
    );
    if (memo) return memo.metadataFiles.filter((f) => ids.includes(f.projectId));
    return this.reads.read(this.db, (db) => getFilesByMetadata(db, idsOf(where), packageType, key, value), (rows) => rows.length === 0);
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
  async commit(target: CommitTarget, ops: CommitOp[]): Promise<CommitSuccess> {
    // What was read before this write no longer describes the package.
    this.prefetched = [];
    try {
      // The memberships were read with the authorisation: the coordinator judges protection rules by them.
      return await commitPackage(this.env, { ...target, ops, author: authorOf(this.actor, await this.roles()) });
    } finally {
      // Anonymous readers in this data centre see the write at once (src/core/registry/edge-access.ts).
      const ctx = this.authorised.get(target.projectId);
      if (ctx) await purgeAccessRecords(ctx).catch(() => undefined);
    }
  }

  /** Package rows from what the route declared, or one round trip when it declared something else. */
  private async packageRows(where: ProjectSet, query: PackageReads, statuses: PackageStatus[]): Promise<PackageWithFiles[]> {
    const ids = idsOf(where);
    const memo = this.prefetched.find((m) => covers(m, query, ids));
    if (memo) {
      const inWhere = new Set(ids);
      const rows = query.name === undefined ? memo.rows : rowsNamed(memo, query.name);
      return rows.filter((r) => inWhere.has(r.projectId) && statuses.includes(r.status) && (query.version === undefined || r.version === query.version));
    }
    if (ids.length === 0) return [];
    const packageQuery = { packageType: query.packageType, normalizedName: query.name, version: query.version, statuses };
    return this.reads.read(
      this.db,
      async (db) => {
        const [rows, files] = await db.batch(versionQueries(db, ids, packageQuery));
        return withFiles(rows, files);
      },
      (rows) => rows.length === 0,
    );
  }

  /**
   * The one batch: the credential's rows and memberships (while the actor is unknown), the level's project or
   * group rows and the declared package rows. An answer that denies or finds nothing is asked again of the
   * primary when a replica gave it.
   */
  private async run(target: { level: ScopeLevel; action: PackageAction | ((actor: Actor) => PackageAction) | null } | null, plan: readonly PackageReads[]): Promise<{ scope: ReadScope }> {
    const pending = this.pending;
    if (pending && !pending.lookup) pending.lookup = lookupOf(pending.credential, pending.options);
    const lookup = pending?.lookup ? await pending.lookup : null;
    const attempt = async (db: Db) => {
      const statements: unknown[] = [];
      const slot = (list: readonly unknown[]) => {
        const from = statements.length;
        statements.push(...list);
        return [from, statements.length] as const;
      };
      const actorSlot = lookup && !this.actorValue ? slot(actorQueries(db, lookup)) : null;
      const roleQueries = !target ? null : actorSlot && lookup ? lookupRoleQueries(db, lookup) : this.actorValue && !this.rolesPromise ? knownUserRoleQueries(db, this.actorValue) : null;
      const roleSlot = roleQueries ? slot(roleQueries) : null;
      const scope = target ? scopeQueries(db, target.level) : null;
      const scopeSlot = scope ? slot(scope.queries) : null;
      const readSlots = scope && target ? plan.map((reads) => ({ reads, ...slotsOf(db, target.level, scope, reads, slot) })) : [];
      if (statements.length === 0) return { actor: this.actor, roles: null, scope: null, prefetched: [] };
      const results = (await db.batch(statements as unknown as Parameters<Db["batch"]>[0])) as unknown as unknown[][];
      const part = (range: readonly [number, number] | null) => (range ? results.slice(range[0], range[1]) : []);

      const actor = this.actorValue ?? (lookup ? actorFromRows(this.db, lookup, part(actorSlot), pending!.options) : null);
      if (!actor) {
        rejected = invalidToken();
        throw rejected;
      }
      // Known from here on, even if the rest of the answer is a refusal (a retry need not look again).
      this.actorValue = actor;
      this.pending = null;
      const user = userOf(actor);
      const [memberRows, ownedRows] = part(roleSlot) as [never[], never[]];
      const roles = roleSlot ? (user ? rolesFromRows(user.id, memberRows, ownedRows) : new Map<string, number>()) : null;
      if (!target || !scope) return { actor, roles, scope: null, prefetched: [] };
      const roleMap = roles ?? (await this.rolesPromise) ?? new Map<string, number>();
      const resolved =
        target.action && target.level.kind === "project"
          ? projectScopeOf(authorizeFound(actor, foundProject(part(scopeSlot)), roleMap, typeof target.action === "function" ? target.action(actor) : target.action))
          : scopeFromRows(actor, roleMap, target.level, part(scopeSlot));
      const allowed = new Set(resolved.projectIds);
      const prefetched = readSlots.map(({ reads, main, tags }) => answerOf(reads, allowed, resolved.namespace?.id ?? null, part(main), tags ? (part(tags)[0] as TagRow[]) : null));
      return { actor, roles, scope: resolved, prefetched };
    };
    let rejected: AppError | null = null;
    // Asked again of the primary when a replica found none of what the route declared.
    const outcome = await this.reads.read(this.db, attempt, (o) => plan.length > 0 && o.prefetched.every(isEmpty)).catch((error) => {
      if (rejected && !this.actorValue) this.rejected = rejected;
      throw error;
    });
    if (outcome.roles) this.rolesPromise ??= Promise.resolve(outcome.roles);
    if (outcome.prefetched.length > 0) this.prefetched = outcome.prefetched;
    for (const ctx of outcome.scope?.projects ?? []) this.authorised.set(ctx.project.id, ctx);
    return { scope: outcome.scope! };
  }
}

/** `roles`: the actor's memberships, from which the coordinator derives their level on the project for protection rules. */
export function authorOf(actor: Actor, roles: Map<string, number> = new Map()): CommitAuthor {
  const buildInfo =
    actor.kind === "job_token"
      ? { pipelineId: actor.pipeline.id, ref: actor.pipeline.ref, sha: actor.pipeline.sha, userId: actor.user?.id ?? null, pipelineUrl: actor.pipeline.url ?? null, workflow: actor.pipeline.workflow ?? null, identity: actor.pipeline.identity ?? null }
      : null;
  const user = userOf(actor);
  const commitActor: CommitActor | undefined = user
    ? { kind: "user", admin: user.isAdmin, roles: user.isAdmin ? [] : [...roles] }
    : actor.kind === "deploy_token"
      ? { kind: "deploy_token", admin: false, roles: [] }
      : undefined;
  const limits = actor.kind === "job_token" && actor.publisher ? { packageTypes: actor.publisher.packageTypes, namePatterns: actor.publisher.namePatterns } : undefined;
  return { creatorId: user?.id ?? null, buildInfo, actor: commitActor, ...(limits ? { limits } : {}) };
}

const idsOf = (where: ProjectSet): number[] => (Array.isArray(where) ? where.map((p) => p.project.id) : where.projectIds);

const knownUserRoleQueries = (db: Db, actor: Actor) => {
  const user = userOf(actor);
  return user ? userRoleQueries(db, user.id) : null;
};

/** The statements of one declared read, appended to the batch by `slot`. */
function slotsOf(db: Db, level: ScopeLevel, scope: { projectIds: SQLWrapper; compiled?: CompiledLevel }, reads: PackageReads, slot: (list: readonly unknown[]) => readonly [number, number]) {
  const type = reads.packageType;
  const projects = scope.projectIds;
  const compiled = scope.compiled;
  switch (kindOf(reads)) {
    case "record":
      return { main: level.kind === "group" ? slot([groupRecordQuery(db, namespaceIdByRef(db, level.ref, "group"), type, reads.groupRecord!)]) : null, tags: null };
    case "sha256":
      return {
        main: slot(compiled ? compiledFileBySha256Queries(db, compiled, type, reads.fileSha256!, reads.fileName) : fileBySha256Queries(db, projects, type, reads.fileSha256!, reads.fileName)),
        tags: null,
      };
    case "metadata":
      return { main: slot([filesByMetadataQuery(db, projects, type, reads.fileMetadata!.key, reads.fileMetadata!.value)]), tags: null };
    case "names":
      return { main: slot([packageNamesQuery(db, projects, type)]), tags: null };
    case "rows":
      return {
        main: slot(
          compiled
            ? compiledVersionQueries(db, compiled, reads)
            : versionQueries(db, projects, { packageType: type, normalizedName: reads.name, normalizedNames: reads.names, version: reads.version }),
        ),
        tags: reads.tags ? slot([compiled ? compiledTagsQuery(db, compiled, type, reads.name)[0] : tagsQuery(db, projects, type, reads.name)]) : null,
      };
  }
}

/** One declared read's rows from the batch, kept to the projects the caller may read. */
function answerOf(reads: PackageReads, allowed: Set<number>, namespaceId: number | null, results: unknown[][], tags: TagRow[] | null): Prefetched {
  const answer: Prefetched = { reads, projectIds: allowed, rows: [], tags: null, names: [], files: [], metadataFiles: [], record: null, namespaceId: null };
  switch (kindOf(reads)) {
    case "record": {
      // Only for the group the scope resolved (a group level): elsewhere the record is read when asked for.
      const record = (results[0]?.[0] as GroupRecordRow | undefined) ?? null;
      if (namespaceId !== null && results.length > 0 && (!record || record.namespaceId === namespaceId)) {
        answer.record = record;
        answer.namespaceId = namespaceId;
      }
      break;
    }
    case "sha256":
      answer.files = filesAndPackages(...(results as [PackageRow[], PackageFileRow[]])).filter((f) => allowed.has(f.pkg.projectId));
      break;
    case "metadata":
      answer.metadataFiles = filesWithPackage(results[0] as Parameters<typeof filesWithPackage>[0]).filter((f) => allowed.has(f.projectId));
      break;
    case "names":
      answer.names = (results[0] as Prefetched["names"]).filter((n) => allowed.has(n.projectId));
      break;
    case "rows": {
      const [rows, files] = results as [PackageRow[], PackageFileRow[]];
      answer.rows = withFiles(rows.filter((r) => allowed.has(r.projectId)), files);
      answer.tags = tags ? tags.filter((t) => allowed.has(t.projectId)) : null;
    }
  }
  return answer;
}

/** The prefetched rows of one name, in their order. */
function rowsNamed(memo: Prefetched, name: string): PackageWithFiles[] {
  if (!memo.byName) {
    memo.byName = new Map();
    for (const row of memo.rows) {
      const list = memo.byName.get(row.normalizedName);
      if (list) list.push(row);
      else memo.byName.set(row.normalizedName, [row]);
    }
  }
  return memo.byName.get(name) ?? [];
}

const isEmpty = (p: Prefetched) => p.rows.length === 0 && p.names.length === 0 && p.files.length === 0 && p.metadataFiles.length === 0 && p.record === null;

const within = (memo: Prefetched, ids: number[]) => ids.every((id) => memo.projectIds.has(id));

/** Whether prefetched rows answer a read: same type and name (or all names), same or no version, projects within. */
function covers(memo: Prefetched, query: PackageReads, ids: number[]): boolean {
  if (kindOf(memo.reads) !== "rows") return false;
  if (memo.reads.packageType !== query.packageType) return false;
  if (memo.reads.name !== undefined && memo.reads.name !== query.name) return false;
  if (memo.reads.names !== undefined && (query.name === undefined || !memo.reads.names.includes(query.name))) return false;
  if (memo.reads.version !== undefined && memo.reads.version !== query.version) return false;
  return ids.every((id) => memo.projectIds.has(id));
}
