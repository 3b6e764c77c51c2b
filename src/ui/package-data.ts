// The D1 reads behind a package page: the package, then its files, sibling versions, tags, the last
// five build records and the publisher, in one batch.
import { and, desc, eq, inArray, ne } from "drizzle-orm";
import type { Db } from "../db/client";
import { packageBuildInfos, packageFiles, packages, packageTags, users } from "../db/schema";
import { LISTED_STATUSES } from "../core/packages";

export const BUILD_HISTORY = 5;

export async function getPackageDetails(db: Db, projectId: number, packageId: number) {
  const pkg = await db
    .select()
    .from(packages)
    .where(and(eq(packages.id, packageId), eq(packages.projectId, projectId), inArray(packages.status, LISTED_STATUSES)))
    .get();
  if (!pkg) return null;
  const sameName = and(eq(packages.projectId, projectId), eq(packages.packageType, pkg.packageType), eq(packages.normalizedName, pkg.normalizedName));
  const [files, versions, tags, builds, creator] = await db.batch([
    db.select().from(packageFiles).where(eq(packageFiles.packageId, pkg.id)).orderBy(desc(packageFiles.createdAt), desc(packageFiles.id)),
    db
      .select({ id: packages.id, version: packages.version, status: packages.status, createdAt: packages.createdAt })
      .from(packages)
      .where(and(sameName, ne(packages.version, ""), inArray(packages.status, LISTED_STATUSES)))
      .orderBy(desc(packages.createdAt), desc(packages.id))
      .limit(100),
    db.select({ tag: packageTags.tag, packageId: packageTags.packageId }).from(packageTags).where(and(eq(packageTags.projectId, projectId), eq(packageTags.packageType, pkg.packageType), eq(packageTags.normalizedName, pkg.normalizedName))),
    db
      .select({ info: packageBuildInfos, username: users.username, userName: users.name })
      .from(packageBuildInfos)
      .leftJoin(users, eq(users.id, packageBuildInfos.userId))
      .where(eq(packageBuildInfos.packageId, pkg.id))
      .orderBy(desc(packageBuildInfos.id))
      .limit(BUILD_HISTORY),
    db.select({ username: users.username, name: users.name }).from(users).where(eq(users.id, pkg.creatorId ?? -1)),
  ]);
  return { pkg, files, versions, tags, builds, creator: creator[0] ?? null };
}

export type PackageDetails = NonNullable<Awaited<ReturnType<typeof getPackageDetails>>>;
