// Projects: POST/GET /projects, GET/PUT /projects/:id (visibility, package_registry_access_level).
// Spec: GitLab doc/api/projects.md; `public` access level = "Allow anyone to pull".
import { Hono } from "hono";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../env";
import { createDb } from "../db/client";
import { namespaces, projects } from "../db/schema";
import { ACCESS_LEVELS } from "../core/auth/actor";
import { decide } from "../core/auth/policy";
import { AppError } from "../core/errors";
import { authorizeProject, getNamespaceByRef, loadRoles, roleOn, roleOnNamespace, subjectOf, throwFor } from "../core/tenancy";
import { booleanish, parseBody, pathSchema, visibilitySchema } from "./validate";
import { originOf, requireUser } from "./current-actor";
import { projectJson } from "./serializers";
import { readPage, setPaginationHeaders } from "./pagination";

const accessLevelSchema = z.enum(["disabled", "private", "enabled", "public"]);

const createProjectSchema = z.object({
  name: z.string().min(1).max(255),
  path: pathSchema.optional(),
  namespace_id: z.union([z.coerce.number().int().positive(), z.string().min(1)]).optional(),
  visibility: visibilitySchema.default("private"),
  description: z.string().max(2000).optional(),
  package_registry_access_level: accessLevelSchema.optional(),
  packages_enabled: booleanish.optional(),
});

const updateProjectSchema = z.object({
  name: z.string().min(1).max(255).optional(),
  visibility: visibilitySchema.optional(),
  description: z.string().max(2000).optional(),
  package_registry_access_level: accessLevelSchema.optional(),
  packages_enabled: booleanish.optional(),
});

export const projectRoutes = new Hono<AppEnv>();

projectRoutes.post("/projects", async (c) => {
  const me = requireUser(c, true);
  const body = await parseBody(c, createProjectSchema);
  const db = createDb(c.env.DB);
  const namespace = body.namespace_id
    ? await getNamespaceByRef(db, String(body.namespace_id))
    : await db.select().from(namespaces).where(sql`${namespaces.kind} = 'user' AND ${namespaces.ownerId} = ${me.id}`).get();
  if (!namespace) throw new AppError("not_found", "404 Namespace Not Found");
  const role = roleOnNamespace(await loadRoles(db, c.get("actor")), namespace);
  if (!me.isAdmin && role < ACCESS_LEVELS.maintainer) throw new AppError("forbidden", "403 Forbidden - creating a project here needs the Maintainer role");
  const path = body.path ?? slugify(body.name);
  if (!pathSchema.safeParse(path).success) throw new AppError("bad_request", "400 Bad request - path is invalid");
  const fullPath = `${namespace.fullPath}/${path}`;
  const taken = await db.select({ id: projects.id }).from(projects).where(sql`lower(${projects.fullPath}) = lower(${fullPath})`).get();
  if (taken) throw new AppError("bad_request", '400 Bad request - {"path":["has already been taken"]}');
  const level = body.package_registry_access_level ?? (body.packages_enabled === false ? "disabled" : "enabled");
  const [project] = await db
    .insert(projects)
    .values({ namespaceId: namespace.id, name: body.name, path, fullPath, visibility: body.visibility, description: body.description ?? "", packageRegistryAccessLevel: level, creatorId: me.id })
    .returning();
  return c.json(projectJson(originOf(c), project, namespace), 201);
});

projectRoutes.get("/projects", async (c) => {
  const db = createDb(c.env.DB);
  const actor = c.get("actor");
  const page = readPage(c);
  const search = c.req.query("search")?.toLowerCase();
  const [rows, roles] = await Promise.all([
    db.select({ project: projects, namespace: namespaces }).from(projects).innerJoin(namespaces, eq(namespaces.id, projects.namespaceId)).orderBy(projects.id).all(),
    loadRoles(db, actor),
  ]);
  const visible = rows.filter((r) => {
    if (search && !r.project.fullPath.toLowerCase().includes(search) && !r.project.name.toLowerCase().includes(search)) return false;
    const subject = subjectOf(r.project, r.namespace);
    return decide(actor, roleOn(roles, subject), "read_project", subject) === "allow";
  });
  setPaginationHeaders(c, page, visible.length);
  return c.json(visible.slice(page.offset, page.offset + page.perPage).map((r) => projectJson(originOf(c), r.project, r.namespace)));
});

projectRoutes.get("/projects/:id", async (c) => {
  const ctx = await authorizeProject(createDb(c.env.DB), c.get("actor"), c.req.param("id"), "read_project").catch(asNotFoundForAnonymous);
  return c.json(projectJson(originOf(c), ctx.project, ctx.namespace));
});

projectRoutes.put("/projects/:id", async (c) => {
  requireUser(c, true);
  const db = createDb(c.env.DB);
  const ctx = await authorizeProject(db, c.get("actor"), c.req.param("id"), "admin_project");
  const body = await parseBody(c, updateProjectSchema);
  const changes: Partial<typeof projects.$inferInsert> = {};
  if (body.name !== undefined) changes.name = body.name;
  if (body.description !== undefined) changes.description = body.description;
  if (body.visibility !== undefined) changes.visibility = body.visibility;
  if (body.packages_enabled !== undefined) changes.packageRegistryAccessLevel = body.packages_enabled ? "enabled" : "disabled";
  if (body.package_registry_access_level !== undefined) changes.packageRegistryAccessLevel = body.package_registry_access_level;
  if (!Object.keys(changes).length) return c.json(projectJson(originOf(c), ctx.project, ctx.namespace));
  // Access changes alter who may read cached responses: bump the revision every cache key carries.
  const [row] = await db
    .update(projects)
    .set({ ...changes, packagesRevision: sql`${projects.packagesRevision} + 1` })
    .where(eq(projects.id, ctx.project.id))
    .returning();
  return c.json(projectJson(originOf(c), row, ctx.namespace));
});

/** The management API answers private projects with 404 for everyone, as GitLab's REST API does. */
function asNotFoundForAnonymous(error: unknown): never {
  if (error instanceof AppError && error.code === "unauthorized") throwFor("not_found");
  throw error;
}

function slugify(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9_.-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "") || "project";
}
