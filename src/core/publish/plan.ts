// The body of a coordinator commit: read the package's rows, decide every op, write one atomic batch.
// Runs only inside PublishCoordinator (one at a time per package).
//
//   planCommit(request):
//     project row (404 if gone)
//     expand "plan" ops: state = package rows + tags (+ files for planners that read them), ops = planner(state, input)
//     protection rules of the project and type (read with the project): refuse (403) what they protect
//     for each op: read what it needs, refuse (AppError) or push statements
//       (publish with uniqueInRootNamespace: also refuse when another project of the top-level namespace has the version)
//     db.batch(statements + bump projects.packages_revision)     -- all or nothing
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { createDb, inIds, type Db } from "../../db/client";
import { blobs, namespaces, packageBuildInfos, packageFiles, packageNameReservations, packageProtectionRules, packages, packageTags, projects } from "../../db/schema";
import { FORWARDING_FORMATS } from "../settings/package-settings";
import { AppError } from "../errors";
import { checkProtection, checkPublisherLimits } from "../protection/enforce";
import { patternMatches } from "../protection/rules";
import { planCleanup, type CleanupPlanInput } from "../storage/cleanup-rules";
import { isQuotaRefusal, quotaGuardStatement } from "../storage/quota";
import { checkImmutable, immutableQuery, tombstoneStatement } from "../storage/immutable";
import { duplicatesAllowed, repeatsFile } from "./duplicates";
import { plannerFor, type PackageState } from "./planners";
import { CLEANUP_PLANNER, type CommitOp, type CommitRequest, type CommitResult } from "./types";

type Statement = BatchItem<"sqlite">;

/** Formats whose names request forwarding could send upstream: a publish reserves the name in its project. */
const RESERVING_TYPES = new Set<string>(FORWARDING_FORMATS);
type PackageRow = typeof packages.$inferSelect;
type PublishOp = Extract<CommitOp, { kind: "publish" }>;

/** Where, in the batch's outputs, a publish's new ids can be read back. */
interface PublishReadBack {
  fileStatements: number[];
  packageStatement: number;
}

export async function planCommit(d1: D1Database, request: CommitRequest): Promise<CommitResult> {
  const db = createDb(d1);
  const [[project], rules, immutableRows] = await db.batch([
    db.select().from(projects).where(eq(projects.id, request.projectId)),
    db.select().from(packageProtectionRules).where(and(eq(packageProtectionRules.projectId, request.projectId), eq(packageProtectionRules.packageType, request.packageType))),
    immutableQuery(db, request.projectId),
  ]);
  const immutable = immutableRows.length > 0;
  if (!project) throw new AppError("not_found", "404 Project Not Found");
  checkPublisherLimits(request);
  // A cleanup policy's commit: protection rules do not refuse it; its planner keeps a protected package's latest version instead.
  const cleanup = request.author.cleanupPolicy === true;
  if (cleanup && request.ops.some((op) => op.kind !== "plan" || op.planner !== CLEANUP_PLANNER)) throw new AppError("internal", "a cleanup policy commit carries only its own plan");
  const ops = await expandPlans(db, request, rules.some((rule) => patternMatches(rule, request.name)));
  if (!cleanup) await checkProtection(db, request, project, rules, ops);
  const statements: Statement[] = [];
  const readBacks: PublishReadBack[] = [];
  let packageId: number | null = null;
  let createdPackage = false;

  for (const op of ops) {
    if (op.kind === "publish") {
      const planned = await planPublish(db, request, op, project.namespaceId, statements, immutable);
      readBacks.push(planned.readBack);
      createdPackage ||= planned.createdPackage;
    } else {
      packageId = (await planChange(db, request, op, statements, immutable)) ?? packageId;
    }
  }
  if (statements.length === 0) return { ok: true, packageId, fileIds: [], createdPackage: false, revision: project.packagesRevision };

  statements.push(db.update(projects).set({ packagesRevision: sql`${projects.packagesRevision} + 1` }).where(eq(projects.id, request.projectId)));
  // Quotas are checked by the batch itself, after its own inserts: race-free across coordinators (src/core/storage/quota.ts).
  if (ops.some((op) => op.kind === "publish" && op.files.length > 0)) statements.push(quotaGuardStatement(db, request.projectId));
  const outputs = await db.batch(statements as [Statement, ...Statement[]]).catch((error: unknown) => {
    if (isQuotaRefusal(error)) throw new AppError("payload_too_large", "413 Request Entity Too Large - this publish would exceed the storage quota");
    throw error;
  });
  const firstId = (i: number) => (outputs[i] as { id: number }[])[0]!.id;
  const fileIds = readBacks.flatMap((r) => r.fileStatements.map(firstId));
  const lastPublish = readBacks[readBacks.length - 1];
  if (lastPublish) packageId = firstId(lastPublish.packageStatement);
  return { ok: true, packageId, fileIds, createdPackage, revision: project.packagesRevision + 1 };
}

/** Replace each `plan` op by what its planner decides from the package's current rows. */
async function expandPlans(db: Db, request: CommitRequest, protectedPackage: boolean): Promise<Exclude<CommitOp, { kind: "plan" }>[]> {
  if (!request.ops.some((op) => op.kind === "plan")) return request.ops as Exclude<CommitOp, { kind: "plan" }>[];
  const state = await readState(db, request);
  return request.ops.flatMap((op) => {
    if (op.kind !== "plan") return [op];
    if (op.planner === CLEANUP_PLANNER) return planCleanup(request.name, state, op.input as CleanupPlanInput, protectedPackage);
    return plannerFor(op.planner)(state, op.input);
  });
}

async function readState(db: Db, request: CommitRequest): Promise<PackageState> {
  const withFiles = request.ops.some((op) => op.kind === "plan" && (op.planner === CLEANUP_PLANNER || plannerFor(op.planner).readsFiles));
  const packageRows = db.select().from(packages).where(samePackage(request));
  const tagRows = db.select().from(packageTags).where(tagScope(request));
  const fileRows = db
    .select({ packageId: packageFiles.packageId, id: packageFiles.id, fileName: packageFiles.fileName, metadata: packageFiles.metadata, createdAt: packageFiles.createdAt })
    .from(packageFiles)
    .innerJoin(packages, eq(packages.id, packageFiles.packageId))
    .where(samePackage(request));
  const [rows, tags, files] = withFiles ? await db.batch([packageRows, tagRows, fileRows]) : [...(await db.batch([packageRows, tagRows])), []];
  const versionOf = new Map(rows.map((r) => [r.id, r.version]));
  const filesOf = (id: number) => (withFiles ? files.filter((f) => f.packageId === id).map(({ packageId: _, ...f }) => f) : undefined);
  return {
    versions: rows.map((r) => ({ id: r.id, version: r.version, status: r.status, metadata: r.metadata, createdAt: r.createdAt, files: filesOf(r.id) })),
    tags: new Map(tags.filter((t) => versionOf.has(t.packageId)).map((t) => [t.tag, versionOf.get(t.packageId)!])),
  };
}

const samePackage = (request: CommitRequest) =>
  and(eq(packages.projectId, request.projectId), eq(packages.packageType, request.packageType), eq(packages.normalizedName, request.normalizedName));

/** Every op but publish; answers the package id it touched, if one. */
async function planChange(db: Db, request: CommitRequest, op: Exclude<CommitOp, { kind: "plan" } | { kind: "publish" }>, statements: Statement[], immutable: boolean): Promise<number | null> {
  const same = samePackage(request);
  switch (op.kind) {
    case "set_tag": {
      const target = await db.select().from(packages).where(and(same, eq(packages.version, op.version))).get();
      if (!target) throw new AppError("not_found", `404 Version ${op.version} Not Found`);
      statements.push(upsertTag(db, request, op.tag, target.id));
      return target.id;
    }
    case "remove_tag":
      statements.push(db.delete(packageTags).where(and(tagScope(request), eq(packageTags.tag, op.tag))));
      return null;
    case "update_version": {
      const target = await db.select().from(packages).where(and(same, eq(packages.version, op.version))).get();
      if (!target) throw new AppError("not_found", `404 Version ${op.version} Not Found`);
      statements.push(
        db
          .update(packages)
          .set({
            status: op.status ?? target.status,
            metadata: op.metadataPatch ? { ...target.metadata, ...op.metadataPatch } : target.metadata,
            updatedAt: new Date(),
          })
          .where(eq(packages.id, target.id)),
      );
      return target.id;
    }
    case "remove_version":
    case "remove_package":
    case "remove_all_versions": {
      const where =
        op.kind === "remove_version" ? and(same, eq(packages.version, op.version)) : op.kind === "remove_package" ? and(same, eq(packages.id, op.packageId)) : same;
      const doomed = await db.select({ id: packages.id }).from(packages).where(where).all();
      if (doomed.length === 0) throw new AppError("not_found", "404 Package Not Found");
      // Immutable versions: what goes leaves its digests behind (src/core/storage/immutable.ts).
      if (immutable) statements.push(tombstoneStatement(db, request.packageType, { packageIds: doomed.map((p) => p.id) }));
      statements.push(...removePackages(db, doomed.map((p) => p.id)));
      return null;
    }
    case "remove_file": {
      const file = await db
        .select({ id: packageFiles.id, packageId: packageFiles.packageId })
        .from(packageFiles)
        .innerJoin(packages, eq(packages.id, packageFiles.packageId))
        .where(and(same, eq(packageFiles.id, op.fileId)))
        .get();
      if (!file) throw new AppError("not_found", "404 Package file Not Found");
      if (immutable) statements.push(tombstoneStatement(db, request.packageType, { fileId: file.id }));
      statements.push(db.delete(packageFiles).where(eq(packageFiles.id, file.id)));
      return file.packageId;
    }
  }
}

async function planPublish(db: Db, request: CommitRequest, op: PublishOp, namespaceId: number, statements: Statement[], immutable: boolean): Promise<{ readBack: PublishReadBack; createdPackage: boolean }> {
  const existing = await db.select().from(packages).where(and(samePackage(request), eq(packages.version, op.version))).get();
  if (existing) await checkDuplicates(db, request, op, existing, namespaceId);
  if (immutable) {
    const files = op.files.map((f) => ({ fileName: f.fileName, sha256: f.blob.sha256, metadata: f.metadata }));
    await checkImmutable(db, request, op.version, existing?.id ?? null, files);
  }
  if (op.uniqueInRootNamespace) await checkUniqueInRootNamespace(db, request, op.uniqueInRootNamespace === "name" ? null : op.version, namespaceId);

  const now = new Date();
  let packageIdExpr: number | ReturnType<typeof sql>;
  if (existing) {
    packageIdExpr = existing.id;
    statements.push(
      db
        .update(packages)
        .set({
          metadata: op.metadata ? { ...existing.metadata, ...op.metadata } : existing.metadata,
          status: op.status ?? existing.status,
          updatedAt: now,
        })
        .where(eq(packages.id, existing.id)),
    );
  } else {
    statements.push(
      db.insert(packages).values({
        projectId: request.projectId,
        packageType: request.packageType,
        name: request.name,
        normalizedName: request.normalizedName,
        version: op.version,
        status: op.status ?? "default",
        metadata: op.metadata ?? {},
        creatorId: request.author.creatorId,
        createdAt: now,
        updatedAt: now,
      }),
    );
    // The new row's id, looked up inside the same batch (D1 batches run in order, atomically).
    packageIdExpr = sql`(SELECT id FROM packages WHERE project_id = ${request.projectId} AND package_type = ${request.packageType} AND normalized_name = ${request.normalizedName} AND version = ${op.version})`;
  }

  const fileStatements: number[] = [];
  for (const file of op.files) {
    const { blob } = file;
    statements.push(
      db.update(blobs).set({ size: blob.size, md5: blob.md5, sha1: blob.sha1, sha256: blob.sha256, sha512: blob.sha512 }).where(eq(blobs.id, blob.id)),
    );
    fileStatements.push(statements.length);
    statements.push(
      db
        .insert(packageFiles)
        .values({
          packageId: packageIdExpr as number,
          blobId: blob.id,
          fileName: file.fileName,
          size: blob.size,
          md5: blob.md5,
          sha1: blob.sha1,
          sha256: blob.sha256,
          sha512: blob.sha512,
          metadata: file.metadata ?? {},
          pipelineId: request.author.buildInfo?.pipelineId ?? null,
          createdAt: now,
        })
        .returning({ id: packageFiles.id }),
    );
  }
  for (const tag of op.tags ?? []) {
    statements.push(upsertTag(db, request, tag, packageIdExpr as number));
  }
  const build = request.author.buildInfo;
  if (build && op.recordBuild !== false) {
    statements.push(db.insert(packageBuildInfos).values({ packageId: packageIdExpr as number, ...build }));
  }
  if (RESERVING_TYPES.has(request.packageType)) {
    // Reserve the name against request forwarding for good (released by a Maintainer, src/core/forwarding/admin.ts).
    statements.push(
      db
        .insert(packageNameReservations)
        .values({ projectId: request.projectId, packageType: request.packageType, normalizedName: request.normalizedName })
        .onConflictDoNothing(),
    );
  }
  const packageStatement = statements.length;
  statements.push(db.select({ id: packages.id }).from(packages).where(sql`${packages.id} = ${packageIdExpr}`));
  return { readBack: { fileStatements, packageStatement }, createdPackage: !existing };
}

async function checkDuplicates(db: Db, request: CommitRequest, op: PublishOp, existing: PackageRow, namespaceId: number) {
  const policy = op.duplicates;
  if (policy.kind === "allow") return;
  if (policy.kind === "reject_version") throw new AppError("package_exists");
  const names = op.files.map((f) => f.fileName);
  if (policy.kind === "reject_file_name") {
    const clash =
      names.length > 0
        ? await db.select({ fileName: packageFiles.fileName }).from(packageFiles).where(and(eq(packageFiles.packageId, existing.id), inArray(packageFiles.fileName, names))).get()
        : undefined;
    if (clash) throw new AppError("package_exists", `File ${clash.fileName} already exists`);
    return;
  }
  const [files, namespace] = await db.batch([
    db.select({ fileName: packageFiles.fileName }).from(packageFiles).where(eq(packageFiles.packageId, existing.id)),
    db.select({ packageSettings: namespaces.packageSettings }).from(namespaces).where(eq(namespaces.id, namespaceId)),
  ]);
  if (policy.perFile && !repeatsFile(policy.setting, op.version, files.map((f) => f.fileName), names)) return;
  if (!duplicatesAllowed(namespace[0]?.packageSettings, policy.setting, request.name, op.version)) {
    throw new AppError("duplicate_not_allowed");
  }
}

/**
 * GitLab's npm rule: a name and version exist at most once under a top-level namespace, so no project can
 * shadow another's version at group or instance level. One query: the project's root id (first traversal
 * id) and every namespace under it, joined to packages of that name and version in other projects.
 */
/** `version` null: any version of the name clashes. */
async function checkUniqueInRootNamespace(db: Db, request: CommitRequest, version: string | null, namespaceId: number) {
  const rootId = sql`(SELECT substr(r.traversal_ids || '/', 1, instr(r.traversal_ids || '/', '/') - 1) FROM namespaces AS r WHERE r.id = ${namespaceId})`;
  const clash = await db
    .select({ id: packages.id })
    .from(packages)
    .innerJoin(projects, eq(projects.id, packages.projectId))
    .innerJoin(namespaces, eq(namespaces.id, projects.namespaceId))
    .where(
      and(
        eq(packages.packageType, request.packageType),
        eq(packages.normalizedName, request.normalizedName),
        version === null ? undefined : eq(packages.version, version),
        ne(packages.projectId, request.projectId),
        ne(packages.status, "pending_destruction"),
        sql`(${namespaces.traversalIds} = ${rootId} OR substr(${namespaces.traversalIds}, 1, length(${rootId}) + 1) = ${rootId} || '/')`,
      ),
    )
    .get();
  if (clash) throw new AppError("package_exists");
}

function tagScope(request: CommitRequest) {
  return and(
    eq(packageTags.projectId, request.projectId),
    eq(packageTags.packageType, request.packageType),
    eq(packageTags.normalizedName, request.normalizedName),
  );
}

function upsertTag(db: Db, request: CommitRequest, tag: string, packageId: number) {
  return db
    .insert(packageTags)
    .values({ projectId: request.projectId, packageType: request.packageType, normalizedName: request.normalizedName, tag, packageId })
    .onConflictDoUpdate({
      target: [packageTags.projectId, packageTags.packageType, packageTags.normalizedName, packageTags.tag],
      set: { packageId, updatedAt: new Date() },
    });
}

/** Rows to delete for whole packages, children first (no ON DELETE CASCADE: see reference/cloudflare.md §3). */
function removePackages(db: Db, ids: number[]): Statement[] {
  return [
    db.delete(packageTags).where(inIds(packageTags.packageId, ids)),
    db.delete(packageBuildInfos).where(inIds(packageBuildInfos.packageId, ids)),
    db.delete(packageFiles).where(inIds(packageFiles.packageId, ids)),
    db.delete(packages).where(inIds(packages.id, ids)),
  ];
}

