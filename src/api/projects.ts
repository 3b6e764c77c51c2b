// Projects: POST/GET /projects, GET/PUT/DELETE /projects/:id (visibility, package_registry_access_level).
// Spec: GitLab doc/api/projects.md; `public` access level = "Allow anyone to pull".
import { Hono } from "hono";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../env";
import { namespaces, projects } from "../db/schema";
import { ACCESS_LEVELS } from "../core/auth/actor";
import { decide } from "../core/auth/policy";
import { callerRoleOf, createProject, removeProject, updateProject } from "../core/accounts";
import { purgeAccessRecords } from "../core/registry";
import { abortUploads, ACCEPTED } from "./removal";
import { AppError } from "../core/errors";
import { getNamespaceByRef, roleOn, roleOnNamespace, subjectOf, throwFor } from "../core/tenancy";
import { booleanish, parseBody, pathSchema, visibilitySchema } from "./validate";
import { originOf, requireUser } from "./current-actor";
import { projectJson } from "./serializers";
import { projectPackagesSizeQuery, sizeOf } from "../core/storage/statistics";
import { projectStatisticsJson } from "./storage";
import { readPage, setPaginationHeaders } from "./pagination";

const accessLevelSchema = z.enum(["disabled", "private", "enabled", "public"]);

const createProjectSchema = z.object({
  // GitLab needs a name or a path; either defaults to the other.
  name: z.string().min(1).max(255).optional(),
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
  const registry = c.var.registry;
  const namespace = body.namespace_id
    ? await getNamespaceByRef(registry.db, String(body.namespace_id))
    : await registry.db.select().from(namespaces).where(sql`${namespaces.kind} = 'user' AND ${namespaces.ownerId} = ${me.id}`).get();
  if (!namespace) throw new AppError("not_found", "404 Namespace Not Found");
  const role = roleOnNamespace(await registry.roles(), namespace);
  if (!me.isAdmin && role < ACCESS_LEVELS.maintainer) throw new AppError("forbidden", "403 Forbidden - creating a project here needs the Maintainer role");
  if (!body.name && !body.path) throw new AppError("bad_request", "400 Bad request - name, path are missing, at least one parameter must be provided");
  const path = body.path ?? slugify(body.name!);
  const name = body.name ?? path;
  if (!pathSchema.safeParse(path).success) throw new AppError("bad_request", "400 Bad request - path is invalid");
  const registryAccessLevel = body.package_registry_access_level ?? (body.packages_enabled === false ? "disabled" : "enabled");
  const project = await createProject(registry.db, namespace, { name, path, visibility: body.visibility, description: body.description ?? "", registryAccessLevel }, me.id);
  return c.json(projectJson(originOf(c), project, namespace), 201);
});

projectRoutes.get("/projects", async (c) => {
  const { db, actor } = c.var.registry;
  const page = readPage(c);
  const search = c.req.query("search")?.toLowerCase();
  const [rows, roles] = await Promise.all([
    db.select({ project: projects, namespace: namespaces }).from(projects).innerJoin(namespaces, eq(namespaces.id, projects.namespaceId)).orderBy(projects.id).all(),
    c.var.registry.roles(),
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
  const registry = c.var.registry;
  const ctx = await registry.authorize(c.req.param("id"), "read_project").catch(asNotFoundForAnonymous);
  const json = projectJson(originOf(c), ctx.project, ctx.namespace);
  // GitLab: `statistics=true` for Reporters and above (and administrators); one more statement (docs/storage.md).
  const admin = registry.actor.kind === "user" && registry.actor.user.isAdmin;
  if (c.req.query("statistics") === "true" && (admin || ctx.accessLevel >= ACCESS_LEVELS.reporter)) {
    return c.json({ ...json, statistics: projectStatisticsJson(sizeOf(await projectPackagesSizeQuery(registry.db, ctx.project.id).all())) });
  }
  return c.json(json);
});

projectRoutes.put("/projects/:id", async (c) => {
  requireUser(c, true);
  const registry = c.var.registry;
  const ctx = await registry.authorize(c.req.param("id"), "admin_project");
  const body = await parseBody(c, updateProjectSchema);
  const registryAccessLevel = body.package_registry_access_level ?? (body.packages_enabled === undefined ? undefined : body.packages_enabled ? "enabled" : "disabled");
  const changes = { name: body.name, description: body.description, visibility: body.visibility, registryAccessLevel };
  const row = await updateProject(registry.db, ctx.project, changes, callerRoleOf(registry.actor, ctx.accessLevel));
  // Anonymous readers in this data centre see the new visibility at once; elsewhere within EDGE_ACCESS_TTL_SECONDS.
  await purgeAccessRecords(ctx);
  return c.json(projectJson(originOf(c), row, ctx.namespace));
});

/**
 * DELETE /projects/:id: Owners and administrators (GitLab's remove_project); 202 `{"message":"202 Accepted"}`.
 * The project goes at once (GitLab Free's immediate deletion): its packages, files, tags, rules, tokens and
 * memberships; protection rules do not hold, as in GitLab. The bytes are left to the blob cleanup.
 */
projectRoutes.on("DELETE", "/projects/:id", async (c) => {
  requireUser(c, true);
  const registry = c.var.registry;
  const ctx = await registry.authorize(c.req.param("id"), "read_project").catch(asNotFoundForAnonymous);
  if (callerRoleOf(registry.actor, ctx.accessLevel) < ACCESS_LEVELS.owner) throw new AppError("forbidden");
  abortUploads(c, await removeProject(registry.db, ctx.project));
  return c.json(ACCEPTED, 202);
});

/** The management API answers private projects with 404 for everyone, as GitLab's REST API does. */
function asNotFoundForAnonymous(error: unknown): never {
  if (error instanceof AppError && error.code === "unauthorized") throwFor("not_found");
  throw error;
}

function slugify(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9_.-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "") || "project";
}
