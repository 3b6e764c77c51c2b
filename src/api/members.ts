// Members of projects and groups: GET/POST /:kind/:id/members, PUT/DELETE /:kind/:id/members/:user_id.
// Spec: GitLab doc/api/members.md. Access levels 10 Guest … 50 Owner; inherited down the group tree.
import { Hono } from "hono";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../env";
import { createDb } from "../db/client";
import { members, users } from "../db/schema";
import { AppError } from "../core/errors";
import { ACCESS_LEVELS } from "../core/auth/actor";
import { parseBody } from "./validate";
import { loadAdministeredContainer, type ContainerKind } from "./containers";
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
    const container = await loadAdministeredContainer(c, kind, c.req.param("id"), ACCESS_LEVELS.guest);
    const rows = await createDb(c.env.DB)
      .select({ member: members, user: users })
      .from(members)
      .innerJoin(users, eq(users.id, members.userId))
      .where(and(eq(members.sourceType, container.sourceType), eq(members.sourceId, container.id)))
      .all();
    return c.json(rows.map((r) => memberJson(originOf(c), r.user, r.member.accessLevel, r.member.expiresAt, r.member.createdAt)));
  });

  memberRoutes.post(`/${kind}/:id/members`, async (c) => {
    const container = await loadAdministeredContainer(c, kind, c.req.param("id"));
    const body = await parseBody(c, addSchema);
    const db = createDb(c.env.DB);
    const user = await db
      .select()
      .from(users)
      .where(typeof body.user_id === "number" ? eq(users.id, body.user_id) : eq(users.username, body.user_id))
      .get();
    if (!user) throw new AppError("not_found", "404 User Not Found");
    const actor = c.get("actor");
    const callerIsOwner = actor.kind === "user" && (actor.user.isAdmin || (container.kind === "projects" ? container.project.accessLevel : 50) >= 50);
    if (body.access_level === ACCESS_LEVELS.owner && container.kind === "projects" && !callerIsOwner) throw new AppError("forbidden");
    const existing = await db.select().from(members).where(and(eq(members.sourceType, container.sourceType), eq(members.sourceId, container.id), eq(members.userId, user.id))).get();
    if (existing) throw new AppError("conflict", "Member already exists");
    const [row] = await db
      .insert(members)
      .values({ sourceType: container.sourceType, sourceId: container.id, userId: user.id, accessLevel: body.access_level, expiresAt: body.expires_at ?? null })
      .returning();
    return c.json(memberJson(originOf(c), user, row.accessLevel, row.expiresAt, row.createdAt), 201);
  });

  memberRoutes.put(`/${kind}/:id/members/:user_id{[0-9]+}`, async (c) => {
    const container = await loadAdministeredContainer(c, kind, c.req.param("id"));
    const body = await parseBody(c, updateSchema);
    const db = createDb(c.env.DB);
    const userId = Number(c.req.param("user_id"));
    const [row] = await db
      .update(members)
      .set({ accessLevel: body.access_level, expiresAt: body.expires_at ?? null })
      .where(and(eq(members.sourceType, container.sourceType), eq(members.sourceId, container.id), eq(members.userId, userId)))
      .returning();
    if (!row) throw new AppError("not_found", "404 Member Not Found");
    const user = await db.select().from(users).where(eq(users.id, userId)).get();
    return c.json(memberJson(originOf(c), user!, row.accessLevel, row.expiresAt, row.createdAt));
  });

  memberRoutes.delete(`/${kind}/:id/members/:user_id{[0-9]+}`, async (c) => {
    const container = await loadAdministeredContainer(c, kind, c.req.param("id"));
    const [row] = await createDb(c.env.DB)
      .delete(members)
      .where(and(eq(members.sourceType, container.sourceType), eq(members.sourceId, container.id), eq(members.userId, Number(c.req.param("user_id")))))
      .returning();
    if (!row) throw new AppError("not_found", "404 Member Not Found");
    return c.body(null, 204);
  });
}
