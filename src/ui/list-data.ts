// The D1 reads behind the package list pages: one page of the readable projects' (src/core/tenancy.ts)
// packages with the total and the types present, in a single D1 batch (one round trip).
import { and, asc, desc, eq, inArray, ne, sql, type SQL } from "drizzle-orm";
import { inIds, type Db } from "../db/client";
import { packages, projects } from "../db/schema";
import { PER_PAGE, type ListState } from "./list-query";
import { LISTED_STATUSES, PACKAGE_ORDER_COLUMNS } from "../core/packages";

/** Statuses a list shows, as the Packages API does by default. */

export interface ListedPackage {
  id: number;
  name: string;
  version: string;
  packageType: string;
  status: string;
  createdAt: Date;
  projectId: number;
  projectPath: string;
}

export interface PackagePage {
  rows: ListedPackage[];
  total: number;
  /** Package types present among the readable packages (the type filter's options). */
  types: string[];
}

/**
 * One page of packages of these projects. The project ids travel as one JSON parameter (json_each), so
 * any number of projects fits D1's 100-parameter limit.
 */
export async function listPackagePage(db: Db, projectIds: number[], state: ListState): Promise<PackagePage> {
  if (projectIds.length === 0) return { rows: [], total: 0, types: [] };
  const inProjects = inIds(packages.projectId, projectIds);
  const scope: SQL[] = [inProjects, inArray(packages.status, LISTED_STATUSES), ne(packages.version, "")];
  const filters: SQL[] = [...scope];
  if (state.search) filters.push(sql`instr(lower(${packages.name}), lower(${state.search})) > 0`);
  if (state.type) filters.push(eq(packages.packageType, state.type));
  const direction = state.sort === "asc" ? asc : desc;
  const orderColumn = PACKAGE_ORDER_COLUMNS[state.orderBy];
  const [rows, total, types] = await db.batch([
    db
      .select({
        id: packages.id,
        name: packages.name,
        version: packages.version,
        packageType: packages.packageType,
        status: packages.status,
        createdAt: packages.createdAt,
        projectId: packages.projectId,
        projectPath: projects.fullPath,
      })
      .from(packages)
      .innerJoin(projects, eq(projects.id, packages.projectId))
      .where(and(...filters))
      .orderBy(direction(orderColumn), direction(packages.id))
      .limit(PER_PAGE)
      .offset((state.page - 1) * PER_PAGE),
    db.select({ total: sql<number>`count(*)` }).from(packages).where(and(...filters)),
    db.selectDistinct({ type: packages.packageType }).from(packages).where(and(...scope)).orderBy(packages.packageType),
  ]);
  return { rows, total: Number(total[0]?.total ?? 0), types: types.map((t) => t.type) };
}
