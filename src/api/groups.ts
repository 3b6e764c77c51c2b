// Groups: POST/GET /groups, GET/PUT/DELETE /groups/:id (PUT also takes the duplicate package settings),
// GET /groups/:id/subgroups, GET /groups/:id/projects. Spec: GitLab doc/api/groups.md.
import { Hono } from "hono";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../env";
import { namespaces, type NamespacePackageSettings } from "../db/schema";
import { ACCESS_LEVELS } from "../core/auth/actor";
import { callerRoleOf, createGroup, removeGroup, updateGroup } from "../core/accounts";
import { abortUploads, ACCEPTED } from "./removal";
import { AppError } from "../core/errors";
import { authorizeGroupRead, canReadGroup, getNamespaceByRef, groupReadTest, listProjectsInGroup, roleOn, roleOnNamespace, subjectOf } from "../core/tenancy";
import { decide } from "../core/auth/policy";
import { booleanish, parseBody, pathSchema, visibilitySchema } from "./validate";
import { originOf, requireUser } from "./current-actor";
import { groupJson, namespaceJson, projectJson } from "./serializers";
import { paginateList, readPage, setPaginationHeaders } from "./pagination";
import { invalidDuplicatePattern } from "../core/publish/duplicates";
import { groupPackagesSizeQuery, sizeOf } from "../core/storage/statistics";
import { groupStatisticsJson, isAdmin } from "./storage";

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
  const { db, actor, roles } = c.var.registry;
  let parent = null;
  if (body.parent_id) {
    parent = await getNamespaceByRef(db, String(body.parent_id), "group");
    if (!parent || !(await canReadGroup(db, actor, parent, roles))) throw new AppError("not_found", "404 Group Not Found");
    if (!me.isAdmin && roleOnNamespace(await roles(), parent) < ACCESS_LEVELS.maintainer) {
      throw new AppError("forbidden", "403 Forbidden - creating a subgroup needs the Maintainer role in the parent group");
    }
  }
  const group = await createGroup(db, { name: body.name, path: body.path, parent, visibility: body.visibility, description: body.description ?? "" }, me.id);
  return c.json(groupJson(originOf(c), group), 201);
});

groupRoutes.get("/groups", async (c) => {
  const { db, actor, roles } = c.var.registry;
  const page = readPage(c);
  const search = c.req.query("search")?.toLowerCase();
  const all = await db.select().from(namespaces).where(eq(namespaces.kind, "group")).orderBy(namespaces.fullPath).all();
  const readable = await groupReadTest(db, actor, await roles(), all);
  const visible = all.filter((g) => (!search || g.fullPath.toLowerCase().includes(search) || g.name.toLowerCase().includes(search)) && readable(g));
  setPaginationHeaders(c, page, visible.length);
  const shown = visible.slice(page.offset, page.offset + page.perPage);
  // GitLab: `statistics=true` for administrators; every group of the page in one batch, one aggregate each.
  if (c.req.query("statistics") === "true" && isAdmin(actor) && shown.length > 0) {
    const [first, ...rest] = shown.map((g) => groupPackagesSizeQuery(db, g));
    const sizes = await db.batch([first!, ...rest]);
    return c.json(shown.map((g, i) => ({ ...groupJson(originOf(c), g), statistics: groupStatisticsJson(sizeOf(sizes[i]!)) })));
  }
  return c.json(shown.map((g) => groupJson(originOf(c), g)));
});

/**
 * GET /namespaces: the caller's personal namespace and the groups they are a member of (directly or through a
 * parent group); every namespace for administrators. `search` filters by path or name. Spec: GitLab doc/api/namespaces.md.
 */
groupRoutes.get("/namespaces", async (c) => {
  const me = requireUser(c);
  const { db, roles } = c.var.registry;
  const search = c.req.query("search")?.toLowerCase();
  const [all, roleMap] = await Promise.all([db.select().from(namespaces).orderBy(namespaces.fullPath).all(), roles()]);
  const mine = all.filter((ns) => {
    if (search && !ns.fullPath.toLowerCase().includes(search) && !ns.name.toLowerCase().includes(search)) return false;
    if (me.isAdmin) return true;
    return ns.kind === "user" ? ns.ownerId === me.id : roleOnNamespace(roleMap, ns) > 0;
  });
  return c.json(paginateList(c, mine).map((ns) => namespaceJson(originOf(c), ns)));
});

groupRoutes.get("/groups/:id", async (c) => {
  const { db, actor, roles } = c.var.registry;
  const group = await authorizeGroupRead(db, actor, c.req.param("id"), roles);
  const json = groupJson(originOf(c), group);
  // GitLab gives group statistics to administrators; Packyard also to the group's Owners (docs/storage.md).
  if (c.req.query("statistics") === "true" && (isAdmin(actor) || roleOnNamespace(await roles(), group) >= ACCESS_LEVELS.owner)) {
    return c.json({ ...json, statistics: groupStatisticsJson(sizeOf(await groupPackagesSizeQuery(db, group).all())) });
  }
  return c.json(json);
});

groupRoutes.put("/groups/:id", async (c) => {
  requireUser(c, true);
  const { db, actor, roles } = c.var.registry;
  const group = await authorizeGroupRead(db, actor, c.req.param("id"), roles);
  const role = callerRoleOf(actor, roleOnNamespace(await roles(), group));
  const body = await parseBody(c, updateGroupSchema);
  const changes = { name: body.name, description: body.description, visibility: body.visibility, packageSettings: body.package_settings as NamespacePackageSettings | undefined };
  return c.json(groupJson(originOf(c), await updateGroup(db, group, changes, role)));
});

/**
 * DELETE /groups/:id: Owners and administrators (GitLab's remove_group); 202 `{"message":"202 Accepted"}`. The
 * group, its subgroups and every project under them go at once; package bytes are left to the blob cleanup.
 */
groupRoutes.on("DELETE", "/groups/:id", async (c) => {
  requireUser(c, true);
  const { db, actor, roles } = c.var.registry;
  const group = await authorizeGroupRead(db, actor, c.req.param("id"), roles);
  if (callerRoleOf(actor, roleOnNamespace(await roles(), group)) < ACCESS_LEVELS.owner) throw new AppError("forbidden");
  abortUploads(c, await removeGroup(db, group));
  return c.json(ACCEPTED, 202);
});

groupRoutes.get("/groups/:id/subgroups", async (c) => {
  const { db, actor, roles } = c.var.registry;
  const group = await authorizeGroupRead(db, actor, c.req.param("id"), roles);
  const rows = await db.select().from(namespaces).where(and(eq(namespaces.kind, "group"), eq(namespaces.parentId, group.id))).all();
  const readable = await groupReadTest(db, actor, await roles(), rows);
  return c.json(paginateList(c, rows.filter(readable).map((g) => groupJson(originOf(c), g))));
});

groupRoutes.get("/groups/:id/projects", async (c) => {
  const { db, actor, roles } = c.var.registry;
  const group = await authorizeGroupRead(db, actor, c.req.param("id"), roles);
  const includeSubgroups = c.req.query("include_subgroups") === "true";
  const [rows, roleMap] = await Promise.all([listProjectsInGroup(db, group, includeSubgroups), roles()]);
  const visible = rows.filter((r) => {
    const subject = subjectOf(r.project, r.namespace);
    const level = roleOn(roleMap, subject);
    return decide(actor, level, "read_project", subject) === "allow";
  });
  return c.json(paginateList(c, visible).map((r) => projectJson(originOf(c), r.project, r.namespace)));
});
