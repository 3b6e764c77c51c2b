// Cleanup policies: storage, preview and runs (docs/storage.md). Every delete is a commit through the package's
// coordinator, whose planner (CLEANUP_PLANNER) decides again on the rows as they are then; the preview runs the
// same selection on the rows as they are now.
//
//   preview(project):  ONE batch: policy, protection rules, packages of the types it touches, their files, tags
//                      → selectDeletions per package (name of a type)
//   run(project):      preview, then one commit per package that has something to delete (at most `budget`)
//   scheduled:         policies with next_run_at <= now, oldest first, a few per tick: claim (next_run_at += 12 h,
//                      only if unchanged), run within the tick's commit budget; unfinished → due again at once
// Deleted rows leave their bytes to the blob cleanup (src/core/cleanup.ts), as every delete does.
import { and, asc, eq, inArray, isNotNull, lte, sql } from "drizzle-orm";
import { createDb, type Db } from "../../db/client";
import { namespaces, packageFiles, packageProtectionRules, packages, packagesCleanupPolicies, packageTags, projects } from "../../db/schema";
import type { Bindings } from "../../env";
import { commitPackage } from "../publish/client";
import type { PackageState, PlannedFile, PlannedVersion } from "../publish/planners";
import { CLEANUP_PLANNER, type CommitTarget } from "../publish/types";
import { patternMatches } from "../protection/rules";
import { subjectOf, type ProjectContext } from "../tenancy";
import { appliesTo, CLEANUP_CADENCE_MS, DEFAULT_POLICY, isActive, policyFor, selectDeletions, type CleanupPlanInput, type CleanupPolicy, type CleanupRule, type KeepNDuplicated } from "./cleanup-rules";

type Env = Pick<Bindings, "DB" | "BLOBS" | "PUBLISH_COORDINATOR">;
type PolicyRow = typeof packagesCleanupPolicies.$inferSelect;
/** The commit target of a package (src/formats commitTargetOf: npm and others serialise wider than the project). */
export type TargetOf = (project: ProjectContext, pkg: { packageType: string; name: string; normalizedName: string }) => CommitTarget;

export interface StoredPolicy extends CleanupPolicy {
  nextRunAt: Date | null;
}

const policyOf = (row: PolicyRow | undefined): StoredPolicy =>
  row ? { keepNDuplicatedPackageFiles: row.keepNDuplicatedPackageFiles as KeepNDuplicated, rules: row.rules, nextRunAt: row.nextRunAt } : { ...DEFAULT_POLICY, nextRunAt: null };

const policyQuery = (db: Db, projectId: number) => db.select().from(packagesCleanupPolicies).where(eq(packagesCleanupPolicies.projectId, projectId));

export async function getCleanupPolicy(db: Db, projectId: number): Promise<StoredPolicy> {
  return policyOf(await policyQuery(db, projectId).get());
}

/** Save (validated by the caller); next_run_at = now + 12 h while the policy deletes anything, else null. */
export async function saveCleanupPolicy(db: Db, projectId: number, changes: Partial<CleanupPolicy>, now = Date.now()): Promise<StoredPolicy> {
  const current = await getCleanupPolicy(db, projectId);
  const next: CleanupPolicy = { keepNDuplicatedPackageFiles: changes.keepNDuplicatedPackageFiles ?? current.keepNDuplicatedPackageFiles, rules: changes.rules ?? current.rules };
  const nextRunAt = isActive(next) ? new Date(now + CLEANUP_CADENCE_MS) : null;
  const values = { ...next, nextRunAt, updatedAt: new Date(now) };
  const [row] = await db
    .insert(packagesCleanupPolicies)
    .values({ projectId, ...values })
    .onConflictDoUpdate({ target: packagesCleanupPolicies.projectId, set: values })
    .returning();
  return policyOf(row);
}

export interface PlannedPackage {
  packageType: string;
  name: string;
  normalizedName: string;
  versions: PlannedVersion[];
  deletions: { versionIds: number[]; fileIds: number[] };
}

export interface CleanupPreview {
  policy: StoredPolicy;
  /** Packages (name of a type) with something to delete. */
  packages: PlannedPackage[];
  /** Size of every file read, by file id. */
  sizes: Map<number, number>;
}

/** What the project's policy (or `override`) would delete now: one round trip. */
export async function previewCleanup(db: Db, projectId: number, now = Date.now(), override?: CleanupPolicy): Promise<CleanupPreview> {
  const ofProject = eq(packages.projectId, projectId);
  // Which types the policy touches is known only with the policy: read every type, filter after (one round trip).
  const [policyRows, rules, packageRows, fileRows, tagRows] = await db.batch([
    policyQuery(db, projectId),
    db.select().from(packageProtectionRules).where(eq(packageProtectionRules.projectId, projectId)),
    db.select().from(packages).where(ofProject),
    db
      .select({ id: packageFiles.id, packageId: packageFiles.packageId, fileName: packageFiles.fileName, size: packageFiles.size, metadata: packageFiles.metadata, createdAt: packageFiles.createdAt })
      .from(packageFiles)
      .where(inArray(packageFiles.packageId, db.select({ id: packages.id }).from(packages).where(ofProject))),
    db.select().from(packageTags).where(eq(packageTags.projectId, projectId)),
  ]);
  const stored = policyOf(policyRows[0]);
  const policy = override ?? stored;
  const filesOf = new Map<number, PlannedFile[]>();
  const sizes = new Map<number, number>();
  for (const f of fileRows) {
    const list = filesOf.get(f.packageId) ?? [];
    list.push({ id: f.id, fileName: f.fileName, metadata: f.metadata, createdAt: f.createdAt });
    filesOf.set(f.packageId, list);
    sizes.set(f.id, f.size);
  }
  type Group = { packageType: string; name: string; normalizedName: string; versions: PlannedVersion[]; versionOf: Map<number, string> };
  const groups = new Map<string, Group>();
  for (const row of packageRows) {
    if (!appliesTo(policyFor(policy, row.packageType))) continue;
    const key = `${row.packageType}\u0000${row.normalizedName}`;
    const group: Group = groups.get(key) ?? { packageType: row.packageType, name: row.name, normalizedName: row.normalizedName, versions: [], versionOf: new Map() };
    group.versions.push({ id: row.id, version: row.version, status: row.status, metadata: row.metadata, createdAt: row.createdAt, files: filesOf.get(row.id) ?? [] });
    group.versionOf.set(row.id, row.version);
    groups.set(key, group);
  }
  const planned: PlannedPackage[] = [];
  for (const group of groups.values()) {
    const tags = new Map(tagRows.filter((t) => t.packageType === group.packageType && t.normalizedName === group.normalizedName && group.versionOf.has(t.packageId)).map((t) => [t.tag, group.versionOf.get(t.packageId)!]));
    const state: PackageState = { versions: group.versions, tags };
    const protectedPackage = rules.some((rule) => rule.packageType === group.packageType && patternMatches(rule, group.name));
    const deletions = selectDeletions(group.name, state, policyFor(policy, group.packageType), protectedPackage, now);
    if (deletions.versionIds.length || deletions.fileIds.length) planned.push({ packageType: group.packageType, name: group.name, normalizedName: group.normalizedName, versions: group.versions, deletions });
  }
  planned.sort((a, b) => (a.packageType < b.packageType ? -1 : a.packageType > b.packageType ? 1 : a.normalizedName < b.normalizedName ? -1 : a.normalizedName > b.normalizedName ? 1 : 0));
  return { policy: stored, packages: planned, sizes };
}

export interface CleanupRun {
  /** Package commits made. */
  commits: number;
  /** Every package with something to delete was committed (false: the budget ran out first). */
  complete: boolean;
  failed: number;
}

/**
 * Run the project's policy now: one coordinator commit per package with something to delete, at most `budget`.
 * The planner decides again inside each commit; what the preview listed and what went are the same rows
 * unless a write to the package came in between.
 */
export async function runCleanupPolicy(env: Env, project: ProjectContext, targetOf: TargetOf, now = Date.now(), budget = Number.POSITIVE_INFINITY): Promise<CleanupRun> {
  const db = createDb(env.DB);
  const { policy, packages: planned } = await previewCleanup(db, project.project.id, now);
  let commits = 0;
  let failed = 0;
  for (const pkg of planned) {
    if (commits >= budget) return { commits, complete: false, failed };
    commits++;
    const input: CleanupPlanInput = { policy: policyFor(policy, pkg.packageType), now };
    try {
      await commitPackage(env, {
        ...targetOf(project, pkg),
        ops: [{ kind: "plan", planner: CLEANUP_PLANNER, input }],
        author: { creatorId: null, buildInfo: null, cleanupPolicy: true },
      });
    } catch (error) {
      failed++;
      console.error(`cleanup policy of project ${project.project.id}: ${pkg.packageType} ${pkg.name} failed`, error);
    }
  }
  return { commits, complete: true, failed };
}

export interface ScheduledLimits {
  /** Policies taken per tick. */
  policies: number;
  /** Package commits per tick, over all policies. */
  commits: number;
}

export const SCHEDULED_LIMITS: ScheduledLimits = { policies: 10, commits: 200 };

/** The cron trigger's part: due policies, oldest first, in bounded batches. */
export async function runDueCleanupPolicies(env: Env, targetOf: TargetOf, now = Date.now(), limits: ScheduledLimits = SCHEDULED_LIMITS): Promise<{ policies: number; commits: number; unfinished: number }> {
  const db = createDb(env.DB);
  const due = await db
    .select({ policy: packagesCleanupPolicies, project: projects, namespace: namespaces })
    .from(packagesCleanupPolicies)
    .innerJoin(projects, eq(projects.id, packagesCleanupPolicies.projectId))
    .innerJoin(namespaces, eq(namespaces.id, projects.namespaceId))
    .where(and(isNotNull(packagesCleanupPolicies.nextRunAt), lte(packagesCleanupPolicies.nextRunAt, new Date(now))))
    .orderBy(asc(packagesCleanupPolicies.nextRunAt))
    .limit(limits.policies)
    .all();
  let commits = 0;
  let unfinished = 0;
  let policies = 0;
  for (const { policy, project, namespace } of due) {
    if (commits >= limits.commits) break;
    // Claimed only if no other tick took it meanwhile (next_run_at unchanged).
    const claimed = await db
      .update(packagesCleanupPolicies)
      .set({ nextRunAt: new Date(now + CLEANUP_CADENCE_MS) })
      .where(and(eq(packagesCleanupPolicies.projectId, project.id), eq(packagesCleanupPolicies.nextRunAt, policy.nextRunAt!)))
      .returning({ projectId: packagesCleanupPolicies.projectId });
    if (claimed.length === 0) continue;
    policies++;
    const ctx: ProjectContext = { project, namespace, subject: subjectOf(project, namespace), accessLevel: 0 };
    const run = await runCleanupPolicy(env, ctx, targetOf, now, limits.commits - commits);
    commits += run.commits;
    if (!run.complete) {
      unfinished++;
      // The rest at the next tick: what went is gone, so the next preview starts where this one stopped.
      await db.update(packagesCleanupPolicies).set({ nextRunAt: new Date(now) }).where(eq(packagesCleanupPolicies.projectId, project.id)).run();
    }
  }
  return { policies, commits, unfinished };
}

/** Rules as the API spells them, from what a caller sent (absent keys null). */
export function normaliseRule(rule: Partial<CleanupRule> & { package_type: string }): CleanupRule {
  return {
    package_type: rule.package_type,
    keep_n_latest: rule.keep_n_latest ?? null,
    older_than_days: rule.older_than_days ?? null,
    name_regex: rule.name_regex ?? null,
    name_regex_keep: rule.name_regex_keep ?? null,
    version_regex: rule.version_regex ?? null,
    version_regex_keep: rule.version_regex_keep ?? null,
  };
}

/** Still present of these package and file ids (after a run: what the run did not delete). */
export async function remainingIds(db: Db, packageIds: number[], fileIds: number[]): Promise<{ packages: Set<number>; files: Set<number> }> {
  const [p, f] = await db.batch([
    db.select({ id: packages.id }).from(packages).where(sql`${packages.id} IN (SELECT value FROM json_each(${JSON.stringify(packageIds)}))`),
    db.select({ id: packageFiles.id }).from(packageFiles).where(sql`${packageFiles.id} IN (SELECT value FROM json_each(${JSON.stringify(fileIds)}))`),
  ]);
  return { packages: new Set(p.map((r) => r.id)), files: new Set(f.map((r) => r.id)) };
}
