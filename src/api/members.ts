// Members of projects and groups: GET/POST /:kind/:id/members, GET/PUT/DELETE /:kind/:id/members/:user_id,
// GET /:kind/:id/members/all[/:user_id] (with the members of the groups above, each user at their highest role).
// Spec: GitLab doc/api/members.md. Access levels 10 Guest … 50 Owner; inherited down the group tree.
// Who may change whom is src/core/accounts/members.ts (checkMemberChange); a route only loads the container.
import { paginateList } from "./pagination";
import { Hono } from "hono";
import { and, eq, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../env";
import { members, namespaces, users } from "../db/schema";
import { inIds } from "../db/client";
import { parseTraversal } from "../core/tenancy";
import type { Context } from "hono";
import { AppError } from "../core/errors";
import { ACCESS_LEVELS } from "../core/auth/actor";
import { addMember, removeMember, updateMember } from "../core/accounts";
import { parseBody } from "./validate";
import { loadAdministeredContainer, type Container, type ContainerKind } from "./containers";
import { memberJson } from "./serializers";
import { originOf } from "./current-actor";

const accessLevel = z.coerce.number().refine((n) => [10, 20, 30, 40, 50].includes(n), "must be one of 10, 20, 30, 40, 50");
const addSchema = z.object({
  user_id: z.union([z.coerce.number().int().positive(), z.string().min(1)]),
  access_level: accessLevel,
  expires_at: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
});
const updateSchema = z.object({ access_level: accessLevel, expires_at: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() });

export const memberRoutes = new Hono<AppEnv>();

for (const kind of ["projects", "groups"] as ContainerKind[]) {
  memberRoutes.get(`/${kind}/:id/members`, async (c) => {
    const { source } = await loadAdministeredContainer(c, kind, c.req.param("id"), ACCESS_LEVELS.guest, "read");
    const rows = await c.var.registry.db
      .select({ member: members, user: users })
      .from(members)
      .innerJoin(users, eq(users.id, members.userId))
      .where(and(eq(members.sourceType, source.sourceType), eq(members.sourceId, source.id)))
      .all();
    return c.json(paginateList(c, rows).map((r) => memberJson(originOf(c), r.user, r.member.accessLevel, r.member.expiresAt, r.member.createdAt)));
  });

  memberRoutes.get(`/${kind}/:id/members/all`, async (c) => {
    const container = await loadAdministeredContainer(c, kind, c.req.param("id"), ACCESS_LEVELS.guest, "read");
    const rows = await effectiveMembers(c, container);
    return c.json(paginateList(c, rows).map((r) => memberJson(originOf(c), r.user, r.accessLevel, r.expiresAt, r.createdAt)));
  });

  memberRoutes.get(`/${kind}/:id/members/all/:user_id{[0-9]+}`, async (c) => {
    const container = await loadAdministeredContainer(c, kind, c.req.param("id"), ACCESS_LEVELS.guest, "read");
    const row = (await effectiveMembers(c, container, Number(c.req.param("user_id"))))[0];
    if (!row) throw new AppError("not_found", "404 Member Not Found");
    return c.json(memberJson(originOf(c), row.user, row.accessLevel, row.expiresAt, row.createdAt));
  });

  memberRoutes.get(`/${kind}/:id/members/:user_id{[0-9]+}`, async (c) => {
    const { source } = await loadAdministeredContainer(c, kind, c.req.param("id"), ACCESS_LEVELS.guest, "read");
    const row = await c.var.registry.db
      .select({ member: members, user: users })
      .from(members)
      .innerJoin(users, eq(users.id, members.userId))
      .where(and(eq(members.sourceType, source.sourceType), eq(members.sourceId, source.id), eq(members.userId, Number(c.req.param("user_id")))))
      .get();
    if (!row) throw new AppError("not_found", "404 Member Not Found");
    return c.json(memberJson(originOf(c), row.user, row.member.accessLevel, row.member.expiresAt, row.member.createdAt));
  });

  memberRoutes.post(`/${kind}/:id/members`, async (c) => {
    const container = await loadAdministeredContainer(c, kind, c.req.param("id"));
    const body = await parseBody(c, addSchema);
    const db = c.var.registry.db;
    const user = await db
      .select()
      .from(users)
      .where(typeof body.user_id === "number" ? eq(users.id, body.user_id) : eq(users.username, body.user_id))
      .get();
    if (!user) throw new AppError("not_found", "404 User Not Found");
    const row = await addMember(db, container.source, user.id, { accessLevel: body.access_level, expiresAt: body.expires_at ?? null }, container.caller);
    return c.json(memberJson(originOf(c), user, row.accessLevel, row.expiresAt, row.createdAt), 201);
  });

  memberRoutes.put(`/${kind}/:id/members/:user_id{[0-9]+}`, async (c) => {
    const container = await loadAdministeredContainer(c, kind, c.req.param("id"));
    const body = await parseBody(c, updateSchema);
    const db = c.var.registry.db;
    const userId = Number(c.req.param("user_id"));
    const row = await updateMember(db, container.source, userId, { accessLevel: body.access_level, expiresAt: body.expires_at ?? null }, container.caller);
    const user = await db.select().from(users).where(eq(users.id, userId)).get();
    return c.json(memberJson(originOf(c), user!, row.accessLevel, row.expiresAt, row.createdAt));
  });

  // `.on("DELETE")` rather than `.delete`: table writes are found by grepping for drizzle's write methods.
  // Any member may leave (remove themselves), so the route admits Guests and the core decides the rest.
  memberRoutes.on("DELETE", `/${kind}/:id/members/:user_id{[0-9]+}`, async (c) => {
    const container = await loadAdministeredContainer(c, kind, c.req.param("id"), ACCESS_LEVELS.guest, "read");
    await removeMember(c.var.registry.db, container.source, Number(c.req.param("user_id")), container.caller);
    return c.body(null, 204);
  });
}

interface EffectiveMember {
  user: typeof users.$inferSelect;
  accessLevel: number;
  expiresAt: string | null;
  createdAt: Date;
}

/**
 * Direct and inherited members (GitLab's members/all): the project's or group's own members, those of every group
 * above it and, for a personal project, the namespace's owner as Owner; one entry per user, at their highest role.
 * Lapsed memberships are left out, as they grant nothing.
 */
async function effectiveMembers(c: Context<AppEnv>, container: Container, userId?: number): Promise<EffectiveMember[]> {
  const db = c.var.registry.db;
  const namespaceIds = container.kind === "projects" ? container.project.subject.namespaceIds : parseTraversal(container.group.traversalIds);
  const today = new Date().toISOString().slice(0, 10);
  const sources = or(
    and(eq(members.sourceType, container.source.sourceType), eq(members.sourceId, container.source.id)),
    and(eq(members.sourceType, "Namespace"), inIds(members.sourceId, namespaceIds)),
  );
  const [rows, owners] = await Promise.all([
    db
      .select({ member: members, user: users })
      .from(members)
      .innerJoin(users, eq(users.id, members.userId))
      .where(and(sources, sql`(${members.expiresAt} IS NULL OR ${members.expiresAt} > ${today})`, userId === undefined ? undefined : eq(members.userId, userId)))
      .orderBy(members.id)
      .all(),
    db
      .select({ user: users, createdAt: namespaces.createdAt })
      .from(namespaces)
      .innerJoin(users, eq(users.id, namespaces.ownerId))
      .where(and(eq(namespaces.kind, "user"), inIds(namespaces.id, namespaceIds), userId === undefined ? undefined : eq(users.id, userId)))
      .all(),
  ]);
  const best = new Map<number, EffectiveMember>();
  for (const owner of owners) best.set(owner.user.id, { user: owner.user, accessLevel: ACCESS_LEVELS.owner, expiresAt: null, createdAt: owner.createdAt });
  for (const { member, user } of rows) {
    const seen = best.get(user.id);
    if (!seen || member.accessLevel > seen.accessLevel) best.set(user.id, { user, accessLevel: member.accessLevel, expiresAt: member.expiresAt, createdAt: member.createdAt });
  }
  return [...best.values()];
}
