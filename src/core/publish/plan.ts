// The body of a coordinator commit: read the package's rows, decide, write one atomic batch.
// Runs only inside PublishCoordinator (one at a time per package).
import { and, eq, inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { createDb, type Db } from "../../db/client";
import { blobs, namespaces, packageBuildInfos, packageFiles, packages, packageTags, projects } from "../../db/schema";
import { AppError } from "../errors";
import { duplicatesAllowed } from "./duplicates";
import type { CommitOp, CommitRequest, CommitResult } from "./types";

type Statement = BatchItem<"sqlite">;
type PackageRow = typeof packages.$inferSelect;

export async function planCommit(d1: D1Database, request: CommitRequest): Promise<CommitResult> {
  const db = createDb(d1);
  const project = await db.select().from(projects).where(eq(projects.id, request.projectId)).get();
  if (!project) throw new AppError("not_found", "404 Project Not Found");
  const same = and(
    eq(packages.projectId, request.projectId),
    eq(packages.packageType, request.packageType),
    eq(packages.normalizedName, request.normalizedName),
  );
  const { op } = request;
  const statements: Statement[] = [];
  let result: Omit<Extract<CommitResult, { ok: true }>, "ok" | "revision"> = { packageId: null, fileIds: [], createdPackage: false };
  let readBack: PublishReadBack | null = null;

  switch (op.kind) {
    case "publish":
      readBack = await planPublish(db, request, op, project.namespaceId, statements);
      result.createdPackage = readBack.createdPackage;
      break;
    case "set_tag": {
      const target = await db.select().from(packages).where(and(same, eq(packages.version, op.version))).get();
      if (!target) throw new AppError("not_found", `404 Version ${op.version} Not Found`);
      statements.push(upsertTag(db, request, op.tag, target.id));
      result.packageId = target.id;
      break;
    }
    case "remove_tag": {
      const removed = db.delete(packageTags).where(and(tagScope(request), eq(packageTags.tag, op.tag))).returning({ id: packageTags.id });
      statements.push(removed);
      break;
    }
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
      result.packageId = target.id;
      break;
    }
    case "remove_version":
    case "remove_package":
    case "remove_all_versions": {
      const where =
        op.kind === "remove_version" ? and(same, eq(packages.version, op.version)) : op.kind === "remove_package" ? and(same, eq(packages.id, op.packageId)) : same;
      const doomed = await db.select({ id: packages.id }).from(packages).where(where).all();
      if (doomed.length === 0) throw new AppError("not_found", "404 Package Not Found");
      statements.push(...removePackages(db, doomed.map((p) => p.id)));
      break;
    }
    case "remove_file": {
      const file = await db
        .select({ id: packageFiles.id })
        .from(packageFiles)
        .innerJoin(packages, eq(packages.id, packageFiles.packageId))
        .where(and(same, eq(packageFiles.id, op.fileId)))
        .get();
      if (!file) throw new AppError("not_found", "404 Package file Not Found");
      statements.push(db.delete(packageFiles).where(eq(packageFiles.id, file.id)));
      break;
    }
  }

  statements.push(db.update(projects).set({ packagesRevision: sql`${projects.packagesRevision} + 1` }).where(eq(projects.id, request.projectId)));
  const outputs = await db.batch(statements as [Statement, ...Statement[]]);
  if (readBack) {
    const firstId = (i: number) => (outputs[i] as { id: number }[])[0].id;
    result.fileIds = readBack.fileStatements.map(firstId);
    result.packageId = firstId(readBack.packageStatement);
  }
  return { ok: true, ...result, revision: project.packagesRevision + 1 };
}

/** Where, in the batch's outputs, the new ids can be read back. */
interface PublishReadBack {
  createdPackage: boolean;
  fileStatements: number[];
  packageStatement: number;
}

async function planPublish(
  db: Db,
  request: CommitRequest,
  op: Extract<CommitOp, { kind: "publish" }>,
  namespaceId: number,
  statements: Statement[],
): Promise<PublishReadBack> {
  const existing = await db
    .select()
    .from(packages)
    .where(
      and(
        eq(packages.projectId, request.projectId),
        eq(packages.packageType, request.packageType),
        eq(packages.normalizedName, request.normalizedName),
        eq(packages.version, op.version),
      ),
    )
    .get();
  if (existing) await checkDuplicates(db, request, op, existing, namespaceId);

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
        creatorId: op.creatorId ?? null,
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
          createdAt: now,
        })
        .returning({ id: packageFiles.id }),
    );
  }
  for (const tag of op.tags ?? []) {
    statements.push(upsertTag(db, request, tag, packageIdExpr as number));
  }
  if (op.buildInfo) {
    statements.push(db.insert(packageBuildInfos).values({ packageId: packageIdExpr as number, ...op.buildInfo }));
  }
  const packageStatement = statements.length;
  statements.push(db.select({ id: packages.id }).from(packages).where(sql`${packages.id} = ${packageIdExpr}`));
  return { createdPackage: !existing, fileStatements, packageStatement };
}

async function checkDuplicates(db: Db, request: CommitRequest, op: Extract<CommitOp, { kind: "publish" }>, existing: PackageRow, namespaceId: number) {
  const policy = op.duplicates;
  if (policy.kind === "allow") return;
  if (policy.kind === "reject_version") throw new AppError("package_exists");
  const names = op.files.map((f) => f.fileName);
  const clash =
    names.length > 0
      ? await db.select({ fileName: packageFiles.fileName }).from(packageFiles).where(and(eq(packageFiles.packageId, existing.id), inArray(packageFiles.fileName, names))).get()
      : undefined;
  if (policy.kind === "reject_file_name") {
    if (clash) throw new AppError("package_exists", `File ${clash.fileName} already exists`);
    return;
  }
  if (policy.perFile && !clash) return;
  const namespace = await db.select().from(namespaces).where(eq(namespaces.id, namespaceId)).get();
  const rootId = Number((namespace?.traversalIds ?? "").split("/")[0]) || namespaceId;
  const root = rootId === namespaceId ? namespace : await db.select().from(namespaces).where(eq(namespaces.id, rootId)).get();
  if (!duplicatesAllowed(root?.packageSettings ?? {}, policy.setting, request.name, op.version)) {
    throw new AppError("duplicate_not_allowed");
  }
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
export function removePackages(db: Db, ids: number[]): Statement[] {
  return [
    db.delete(packageTags).where(inArray(packageTags.packageId, ids)),
    db.delete(packageBuildInfos).where(inArray(packageBuildInfos.packageId, ids)),
    db.delete(packageFiles).where(inArray(packageFiles.packageId, ids)),
    db.delete(packages).where(inArray(packages.id, ids)),
  ];
}
