// Groups: POST/GET /groups, GET/PUT /groups/:id (PUT also takes the duplicate package settings),
// GET /groups/:id/subgroups, GET /groups/:id/projects. Spec: GitLab doc/api/groups.md.
import { Hono } from "hono";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../env";
import { createDb } from "../db/client";
import { members, namespaces, type NamespacePackageSettings } from "../db/schema";
import { ACCESS_LEVELS } from "../core/auth/actor";
import { AppError } from "../core/errors";
import { authorizeGroupRead, canReadGroup, getNamespaceByRef, listProjectsInGroup, loadRoles, roleOn, roleOnNamespace, subjectOf } from "../core/tenancy";
import { decide } from "../core/auth/policy";
import { booleanish, parseBody, pathSchema, visibilitySchema } from "./validate";
import { originOf, requireUser } from "./current-actor";
import { groupJson, projectJson } from "./serializers";
import { readPage, setPaginationHeaders } from "./pagination";
import { invalidDuplicatePattern } from "../core/publish/duplicates";

// Saved patterns must compile on RE2, the engine publishes match them with (src/core/publish/duplicates.ts).
const regex = z.string().superRefine((pattern, ctx) => {
  const problem = invalidDuplicatePattern(pattern);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const packageSettingsSchema = z
  .object({
    maven_duplicates_allowed: booleanish,
    maven_duplicate_exception_regex: regex,
    generic_duplicates_allowed: booleanish,
    generic_duplicate_exception_regex: regex,
    nuget_duplicates_allowed: booleanish,
    nuget_duplicate_exception_regex: regex,
    terraform_module_duplicates_allowed: booleanish,
    terraform_module_duplicate_exception_regex: regex,
  })
  .partial()
  .strict();

const createGroupSchema = z.object({
  name: z.string().min(1).max(255),
  path: pathSchema,
  parent_id: z.coerce.number().int().positive().optional(),
  visibility: visibilitySchema.default("private"),
  description: z.string().max(2000).optional(),
});

const updateGroupSchema = z.object({
  name: z.string().min(1).max(255).optional(),
  visibility: visibilitySchema.optional(),
  description: z.string().max(2000).optional(),
  package_settings: packageSettingsSchema.optional(),
});

export const groupRoutes = new Hono<AppEnv>();

groupRoutes.post("/groups", async (c) => {
  const me = requireUser(c, true);
  const body = await parseBody(c, createGroupSchema);
  const db = createDb(c.env.DB);
  let parent = null;
  if (body.parent_id) {
    parent = await getNamespaceByRef(db, String(body.parent_id), "group");
    if (!parent || !(await canReadGroup(db, c.get("actor"), parent))) throw new AppError("not_found", "404 Group Not Found");
    if (!me.isAdmin && roleOnNamespace(await loadRoles(db, c.get("actor")), parent) < ACCESS_LEVELS.maintainer) {
      throw new AppError("forbidden", "403 Forbidden - creating a subgroup needs the Maintainer role in the parent group");
    }
  }
  const fullPath = parent ? `${parent.fullPath}/${body.path}` : body.path;
  const taken = await db.select({ id: namespaces.id }).from(namespaces).where(sql`lower(${namespaces.fullPath}) = lower(${fullPath})`).get();
  if (taken) throw new AppError("bad_request", "400 Bad request - Failed to save group {:path=>[\"has already been taken\"]}");
  const [group] = await db
    .insert(namespaces)
    .values({ kind: "group", name: body.name, path: body.path, fullPath, parentId: parent?.id ?? null, visibility: body.visibility, description: body.description ?? "" })
    .returning();
  const traversalIds = parent ? `${parent.traversalIds}/${group.id}` : String(group.id);
  await db.batch([
    db.update(namespaces).set({ traversalIds }).where(eq(namespaces.id, group.id)),
    db.insert(members).values({ sourceType: "Namespace", sourceId: group.id, userId: me.id, accessLevel: ACCESS_LEVELS.owner }),
  ]);
  return c.json(groupJson(originOf(c), { ...group, traversalIds }), 201);
});

groupRoutes.get("/groups", async (c) => {
  const db = createDb(c.env.DB);
  const page = readPage(c);
  const actor = c.get("actor");
  const search = c.req.query("search")?.toLowerCase();
  const all = await db.select().from(namespaces).where(eq(namespaces.kind, "group")).orderBy(namespaces.fullPath).all();
  const visible = [];
  for (const g of all) {
    if (search && !g.fullPath.toLowerCase().includes(search) && !g.name.toLowerCase().includes(search)) continue;
    if (await canReadGroup(db, actor, g)) visible.push(g);
  }
  setPaginationHeaders(c, page, visible.length);
  return c.json(visible.slice(page.offset, page.offset + page.perPage).map((g) => groupJson(originOf(c), g)));
});

groupRoutes.get("/groups/:id", async (c) => {
  const group = await authorizeGroupRead(createDb(c.env.DB), c.get("actor"), c.req.param("id"));
  return c.json(groupJson(originOf(c), group));
});

groupRoutes.put("/groups/:id", async (c) => {
  const me = requireUser(c, true);
  const db = createDb(c.env.DB);
  const group = await authorizeGroupRead(db, c.get("actor"), c.req.param("id"));
  const role = roleOnNamespace(await loadRoles(db, c.get("actor")), group);
  const body = await parseBody(c, updateGroupSchema);
  // Duplicate settings are the Owner's since GitLab 17.0; the rest needs Maintainer.
  const needed = body.package_settings ? ACCESS_LEVELS.owner : ACCESS_LEVELS.maintainer;
  if (!me.isAdmin && role < needed) throw new AppError("forbidden");
  const changes: Partial<typeof namespaces.$inferInsert> = {};
  if (body.name !== undefined) changes.name = body.name;
  if (body.description !== undefined) changes.description = body.description;
  if (body.visibility !== undefined) changes.visibility = body.visibility;
  if (body.package_settings) changes.packageSettings = { ...group.packageSettings, ...(body.package_settings as NamespacePackageSettings) };
  const [row] = Object.keys(changes).length ? await db.update(namespaces).set(changes).where(eq(namespaces.id, group.id)).returning() : [group];
  return c.json(groupJson(originOf(c), row));
});

groupRoutes.get("/groups/:id/subgroups", async (c) => {
  const db = createDb(c.env.DB);
  const actor = c.get("actor");
  const group = await authorizeGroupRead(db, actor, c.req.param("id"));
  const rows = await db.select().from(namespaces).where(and(eq(namespaces.kind, "group"), eq(namespaces.parentId, group.id))).all();
  const visible = [];
  for (const g of rows) if (await canReadGroup(db, actor, g)) visible.push(groupJson(originOf(c), g));
  return c.json(visible);
});

groupRoutes.get("/groups/:id/projects", async (c) => {
  const db = createDb(c.env.DB);
  const actor = c.get("actor");
  const group = await authorizeGroupRead(db, actor, c.req.param("id"));
  const includeSubgroups = c.req.query("include_subgroups") === "true";
  const [rows, roles] = await Promise.all([listProjectsInGroup(db, group, includeSubgroups), loadRoles(db, actor)]);
  const visible = rows.filter((r) => {
    const subject = subjectOf(r.project, r.namespace);
    const level = roleOn(roles, subject);
    return decide(actor, level, "read_project", subject) === "allow";
  });
  return c.json(visible.map((r) => projectJson(originOf(c), r.project, r.namespace)));
});
