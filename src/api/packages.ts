// The Packages API: list (project and group, with GitLab's filters, sorting and pagination), details,
// files, pipelines, and deletes (which go through the publish coordinator).
// Spec: GitLab doc/api/packages.md; ../shared/reference/gitlab-spec.md §13.
import { commitTargetOf, INTERNAL_PACKAGES, isInternalPackage } from "../formats";
import { LISTED_STATUSES } from "../core/packages";
import { Hono, type Context } from "hono";
import { and, asc, desc, eq, inArray, ne, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../env";
import { inIds, type Db } from "../db/client";
import { packageFiles, packages, packageTags, projects, PACKAGE_STATUSES } from "../db/schema";
import { filePipelines, latestPipelines, pipelinesPage, type PipelineJson } from "./package-pipelines";
import type { ProjectContext } from "../core/tenancy";
import { AppError } from "../core/errors";
import { parseQuery, booleanish } from "./validate";
import { readPage, setPaginationHeaders } from "./pagination";
import { originOf } from "./current-actor";
import { PACKAGE_ORDER_COLUMNS } from "../core/packages";

const listSchema = z.object({
  order_by: z.enum(["created_at", "name", "version", "type", "project_path"]).default("created_at"),
  sort: z.enum(["asc", "desc"]).default("asc"),
  package_type: z.string().regex(/^[a-z_]+$/).optional(),
  package_name: z.string().max(255).optional(),
  package_version: z.string().max(255).optional(),
  include_versionless: booleanish.optional(),
  status: z.enum(PACKAGE_STATUSES).optional(),
  exclude_subgroups: booleanish.optional(),
});

export const packageApiRoutes = new Hono<AppEnv>();

packageApiRoutes.get("/projects/:id/packages", async (c) => {
  const ctx = await c.var.registry.authorize(c.req.param("id"), "read_package");
  return listPackages(c, c.var.registry.db, [ctx]);
});

packageApiRoutes.get("/groups/:id/packages", async (c) => {
  // Authorise before validating the query (listPackages validates it), as every route does.
  const includeSubgroups = c.req.query("exclude_subgroups") !== "true";
  const scope = await c.var.registry.readScope({ kind: "group", ref: c.req.param("id"), includeSubgroups });
  return listPackages(c, c.var.registry.db, scope.projects);
});

async function listPackages(c: Context<AppEnv>, db: Db, contexts: ProjectContext[]) {
  const query = parseQuery(c, listSchema);
  const page = readPage(c);
  const byId = new Map(contexts.map((ctx) => [ctx.project.id, ctx]));
  if (byId.size === 0) {
    setPaginationHeaders(c, page, 0);
    return c.json([]);
  }
  const conditions: SQL[] = [inIds(packages.projectId, [...byId.keys()])];
  conditions.push(query.status ? eq(packages.status, query.status) : inArray(packages.status, LISTED_STATUSES));
  // Formats' bookkeeping packages (Debian's distributions and incoming) are never listed.
  for (const p of INTERNAL_PACKAGES) {
    conditions.push(sql`NOT (${packages.packageType} = ${p.packageType} AND ${packages.normalizedName} = ${p.normalizedName} AND ${packages.status} = ${p.status})`);
  }
  if (query.package_type) conditions.push(eq(packages.packageType, query.package_type));
  if (query.package_name) conditions.push(sql`instr(lower(${packages.name}), lower(${query.package_name})) > 0`);
  if (query.package_version) conditions.push(eq(packages.version, query.package_version));
  if (!query.include_versionless || query.package_version) conditions.push(ne(packages.version, ""));
  const where = and(...conditions);
  const direction = query.sort === "desc" ? desc : asc;
  const orderColumn = PACKAGE_ORDER_COLUMNS[query.order_by];
  const [rows, total] = await Promise.all([
    db
      .select({ pkg: packages })
      .from(packages)
      .innerJoin(projects, eq(projects.id, packages.projectId))
      .where(where)
      .orderBy(direction(orderColumn), direction(packages.id))
      .limit(page.perPage)
      .offset(page.offset)
      .all(),
    db.$count(packages, where),
  ]);
  const projectOf = new Map(rows.map((r) => [r.pkg.id, r.pkg.projectId]));
  const [pipelines, tags] = await Promise.all([latestPipelines(db, (id) => projectOf.get(id)!, rows.map((r) => r.pkg.id)), tagsOf(db, rows.map((r) => r.pkg.id))]);
  setPaginationHeaders(c, page, total);
  return c.json(rows.map(({ pkg }) => packageJson(c, byId.get(pkg.projectId)!, pkg, pipelines.get(pkg.id) ?? [], tags.get(pkg.id) ?? [])));
}

packageApiRoutes.get("/projects/:id/packages/:package_id{[0-9]+}", async (c) => {
  const db = c.var.registry.db;
  const { ctx, pkg } = await loadPackage(c, db, "read_package");
  if (pkg.status !== "default" && pkg.status !== "deprecated") throw new AppError("not_found", "404 Package Not Found");
  const inProject = () => pkg.projectId;
  const [pipelines, tags, versions] = await Promise.all([
    latestPipelines(db, inProject, [pkg.id]),
    tagsOf(db, [pkg.id]),
    db
      .select()
      .from(packages)
      .where(and(eq(packages.projectId, pkg.projectId), eq(packages.packageType, pkg.packageType), eq(packages.normalizedName, pkg.normalizedName), ne(packages.id, pkg.id), ne(packages.version, "")))
      .orderBy(desc(packages.createdAt))
      .all(),
  ]);
  const versionPipelines = await latestPipelines(db, inProject, versions.map((v) => v.id));
  return c.json({
    ...packageJson(c, ctx, pkg, pipelines.get(pkg.id) ?? [], tags.get(pkg.id) ?? []),
    versions: versions.map((v) => ({ id: v.id, version: v.version, created_at: v.createdAt.toISOString(), pipelines: versionPipelines.get(v.id) ?? [] })),
  });
});

const filesSchema = z.object({
  order_by: z.enum(["id", "file_name", "created_at"]).default("id"),
  sort: z.enum(["asc", "desc"]).default("asc"),
});
const FILE_ORDER = { id: packageFiles.id, file_name: packageFiles.fileName, created_at: packageFiles.createdAt } as const;

/** GET …/package_files: GitLab's `order_by` (id, file_name, created_at) and `sort`, each file with the pipeline that uploaded it. */
packageApiRoutes.get("/projects/:id/packages/:package_id{[0-9]+}/package_files", async (c) => {
  const db = c.var.registry.db;
  const { pkg } = await loadPackage(c, db, "read_package");
  const query = parseQuery(c, filesSchema.passthrough());
  const page = readPage(c);
  const direction = query.sort === "desc" ? desc : asc;
  const [rows, total] = await Promise.all([
    db.select().from(packageFiles).where(eq(packageFiles.packageId, pkg.id)).orderBy(direction(FILE_ORDER[query.order_by]), direction(packageFiles.id)).limit(page.perPage).offset(page.offset).all(),
    db.$count(packageFiles, eq(packageFiles.packageId, pkg.id)),
  ]);
  const pipelines = await filePipelines(db, pkg.projectId, pkg.id, rows);
  setPaginationHeaders(c, page, total);
  return c.json(
    rows.map((f) => {
      const filePipes = pipelines.get(f.id);
      return {
        id: f.id,
        package_id: f.packageId,
        created_at: f.createdAt.toISOString(),
        file_name: f.fileName,
        size: f.size,
        file_md5: f.md5,
        file_sha1: f.sha1,
        file_sha256: f.sha256,
        ...(filePipes ? { pipelines: filePipes } : {}),
      };
    }),
  );
});

/** GET …/pipelines: keyset pagination only, as GitLab (src/api/package-pipelines.ts). */
packageApiRoutes.get("/projects/:id/packages/:package_id{[0-9]+}/pipelines", async (c) => {
  const db = c.var.registry.db;
  const { pkg } = await loadPackage(c, db, "read_package");
  if (pkg.status !== "default" && pkg.status !== "deprecated") throw new AppError("not_found", "404 Package not found");
  return c.json(await pipelinesPage(c, db, pkg.projectId, pkg.id));
});

// Deletes are commits through the package's coordinator (`.on("DELETE")`: table writes are found by grepping for drizzle's write methods).
packageApiRoutes.on("DELETE", "/projects/:id/packages/:package_id{[0-9]+}", async (c) => {
  const { ctx, pkg } = await loadPackage(c, c.var.registry.db, "destroy_package");
  await c.var.registry.commit(commitTargetOf(ctx, pkg), [{ kind: "remove_package", packageId: pkg.id }]);
  return c.body(null, 204);
});

packageApiRoutes.on("DELETE", "/projects/:id/packages/:package_id{[0-9]+}/package_files/:file_id{[0-9]+}", async (c) => {
  const { ctx, pkg } = await loadPackage(c, c.var.registry.db, "destroy_package_file");
  await c.var.registry.commit(commitTargetOf(ctx, pkg), [{ kind: "remove_file", fileId: Number(c.req.param("file_id")) }]);
  return c.body(null, 204);
});


async function loadPackage(c: Context<AppEnv>, db: Db, action: "read_package" | "destroy_package" | "destroy_package_file") {
  const registry = c.var.registry;
  const ctx = await registry.authorize(c.req.param("id")!, "read_package");
  const pkg = await db.select().from(packages).where(and(eq(packages.id, Number(c.req.param("package_id"))), eq(packages.projectId, ctx.project.id))).get();
  if (!pkg || isInternalPackage(pkg)) throw new AppError("not_found", "404 Package Not Found");
  if (action !== "read_package") await registry.authorize(String(ctx.project.id), action);
  return { ctx, pkg };
}

/** npm dist-tags (and any format's tags) pointing at each package, as GitLab's Packages::Tag records. */
async function tagsOf(db: Db, packageIds: number[]): Promise<Map<number, TagJson[]>> {
  const out = new Map<number, TagJson[]>();
  if (packageIds.length === 0) return out;
  const rows = await db.select().from(packageTags).where(inIds(packageTags.packageId, packageIds)).orderBy(asc(packageTags.id)).all();
  for (const tag of rows) {
    const list = out.get(tag.packageId) ?? [];
    list.push({ id: tag.id, package_id: tag.packageId, name: tag.tag, created_at: (tag.createdAt ?? tag.updatedAt).toISOString(), updated_at: tag.updatedAt.toISOString() });
    out.set(tag.packageId, list);
  }
  return out;
}

interface TagJson {
  id: number;
  package_id: number;
  name: string;
  created_at: string;
  updated_at: string;
}

function packageJson(c: Context<AppEnv>, ctx: ProjectContext, pkg: typeof packages.$inferSelect, pipelines: PipelineJson[], tags: TagJson[]) {
  const origin = originOf(c);
  const canDelete = c.var.registry.allows(ctx, "destroy_package");
  return {
    id: pkg.id,
    name: pkg.name,
    version: pkg.version === "" ? null : pkg.version,
    package_type: pkg.packageType,
    status: pkg.status,
    _links: {
      web_path: `/${ctx.project.fullPath}/-/packages/${pkg.id}`,
      ...(canDelete ? { delete_api_path: `${origin}/api/v4/projects/${ctx.project.id}/packages/${pkg.id}` } : {}),
    },
    created_at: pkg.createdAt.toISOString(),
    last_downloaded_at: pkg.lastDownloadedAt ? pkg.lastDownloadedAt.toISOString() : null,
    project_id: ctx.project.id,
    project_path: ctx.project.fullPath,
    tags,
    ...(pipelines.length ? { pipeline: pipelines[0], pipelines } : {}),
  };
}
