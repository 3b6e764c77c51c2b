// What administrators and Maintainers manage of forwarding: the kept copies (listed per name, purged;
// their bytes go with the scheduled cleanup) and the names a project reserved against forwarding (released
// by a Maintainer once the project has no version of the name left).
import { and, count, desc, eq, like, max, sql, sum } from "drizzle-orm";
import type { Db } from "../../db/client";
import { cachedFiles, packageNameReservations, packages } from "../../db/schema";
import { AppError } from "../errors";

export interface CachedName {
  packageType: string;
  name: string;
  files: number;
  size: number;
  fetchedAt: Date;
}

/** Kept copies grouped by name, most recently fetched first; `total` names match. */
export async function listCachedNames(db: Db, filter: { packageType?: string; search?: string; limit: number; offset: number }): Promise<{ total: number; names: CachedName[] }> {
  const where = and(
    filter.packageType ? eq(cachedFiles.packageType, filter.packageType) : undefined,
    filter.search ? like(cachedFiles.normalizedName, `%${filter.search.replace(/[%_\\]/g, (m) => `\\${m}`)}%`) : undefined,
  );
  const [rows, totals] = await db.batch([
    db
      .select({ packageType: cachedFiles.packageType, name: cachedFiles.normalizedName, files: count(), size: sum(cachedFiles.size), fetchedAt: max(cachedFiles.fetchedAt) })
      .from(cachedFiles)
      .where(where)
      .groupBy(cachedFiles.packageType, cachedFiles.normalizedName)
      .orderBy(desc(max(cachedFiles.fetchedAt)))
      .limit(filter.limit)
      .offset(filter.offset),
    db.select({ n: sql<number>`count(DISTINCT ${cachedFiles.packageType} || '/' || ${cachedFiles.normalizedName})` }).from(cachedFiles).where(where),
  ]);
  return {
    total: totals[0]?.n ?? 0,
    names: rows.map((r) => ({ packageType: r.packageType, name: r.name, files: r.files, size: Number(r.size ?? 0), fetchedAt: new Date(Number(r.fetchedAt ?? 0)) })),
  };
}

/** Forget kept copies: one name, or every name of a format. Answers how many files were dropped. */
export async function purgeCached(db: Db, packageType: string, name?: string): Promise<number> {
  const dropped = await db
    .delete(cachedFiles)
    .where(and(eq(cachedFiles.packageType, packageType), name === undefined ? undefined : eq(cachedFiles.normalizedName, name)))
    .returning({ id: cachedFiles.id });
  return dropped.length;
}

export interface Reservation {
  packageType: string;
  name: string;
  /** Whether the project still has a version of the name (a reservation then cannot be released). */
  published: boolean;
  createdAt: Date;
}

export async function listReservations(db: Db, projectId: number): Promise<Reservation[]> {
  const rows = await db
    .select({
      packageType: packageNameReservations.packageType,
      name: packageNameReservations.normalizedName,
      createdAt: packageNameReservations.createdAt,
      published: sql<number>`EXISTS (SELECT 1 FROM ${packages} WHERE ${packages.projectId} = ${packageNameReservations.projectId} AND ${packages.packageType} = ${packageNameReservations.packageType} AND ${packages.normalizedName} = ${packageNameReservations.normalizedName})`,
    })
    .from(packageNameReservations)
    .where(eq(packageNameReservations.projectId, projectId))
    .orderBy(packageNameReservations.packageType, packageNameReservations.normalizedName)
    .all();
  return rows.map((r) => ({ ...r, published: Boolean(r.published) }));
}

/** Release a reserved name: only once no version of it is left in the project, checked inside the DELETE. */
export async function releaseReservation(db: Db, projectId: number, packageType: string, name: string): Promise<void> {
  const noVersionLeft = sql`NOT EXISTS (SELECT 1 FROM ${packages} WHERE ${packages.projectId} = ${projectId} AND ${packages.packageType} = ${packageType} AND ${packages.normalizedName} = ${name})`;
  const released = await db
    .delete(packageNameReservations)
    .where(and(eq(packageNameReservations.projectId, projectId), eq(packageNameReservations.packageType, packageType), eq(packageNameReservations.normalizedName, name), noVersionLeft))
    .returning({ name: packageNameReservations.normalizedName });
  if (released.length > 0) return;
  const reserved = await db
    .select({ name: packageNameReservations.normalizedName })
    .from(packageNameReservations)
    .where(and(eq(packageNameReservations.projectId, projectId), eq(packageNameReservations.packageType, packageType), eq(packageNameReservations.normalizedName, name)))
    .get();
  if (!reserved) throw new AppError("not_found", "404 Reserved name Not Found");
  throw new AppError("conflict", "409 Conflict - the project still has versions of this name; delete them first");
}
