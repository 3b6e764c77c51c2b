// Users and personal access tokens: POST/GET /users, GET /user, PUT /users/:id,
// POST/GET /users/:id/personal_access_tokens (admin), GET/DELETE /personal_access_tokens[/:id].
// Spec: GitLab doc/api/users.md, doc/api/personal_access_tokens.md (the subset DESIGN.md lists).
import { Hono, type Context } from "hono";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../env";
import { createDb } from "../db/client";
import { namespaces, personalAccessTokens, users } from "../db/schema";
import { generateToken, hashPassword, tokenDigest } from "../core/auth/secrets";
import { AppError } from "../core/errors";
import { booleanish, parseBody, pathSchema } from "./validate";
import { originOf, requireAdmin, requireUser } from "./current-actor";
import { personalTokenJson, userJson } from "./serializers";
import { readPage, setPaginationHeaders } from "./pagination";

const createUserSchema = z.object({
  username: pathSchema,
  name: z.string().min(1).max(255),
  email: z.string().email().optional(),
  password: z.string().min(8).max(128).optional(),
  admin: booleanish.optional(),
});

const updateUserSchema = z.object({
  name: z.string().min(1).max(255).optional(),
  email: z.string().email().optional(),
  password: z.string().min(8).max(128).optional(),
  admin: booleanish.optional(),
  state: z.enum(["active", "blocked"]).optional(),
});

const createTokenSchema = z.object({
  name: z.string().min(1).max(255),
  scopes: z.union([z.array(z.enum(["api", "read_api"])).min(1), z.enum(["api", "read_api"]).transform((s) => [s])]),
  expires_at: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD").optional(),
});

export const userRoutes = new Hono<AppEnv>();

userRoutes.get("/user", async (c) => {
  const me = requireUser(c);
  const row = await createDb(c.env.DB).select().from(users).where(eq(users.id, me.id)).get();
  return c.json(userJson(originOf(c), row!, true));
});

userRoutes.post("/users", async (c) => {
  requireAdmin(c);
  const body = await parseBody(c, createUserSchema);
  const db = createDb(c.env.DB);
  const taken = await db.select({ id: namespaces.id }).from(namespaces).where(sql`lower(${namespaces.fullPath}) = lower(${body.username})`).get();
  if (taken) throw new AppError("conflict", "Username has already been taken");
  const passwordHash = body.password ? await hashPassword(body.password) : null;
  const [user] = await db
    .insert(users)
    .values({ username: body.username, name: body.name, email: body.email ?? null, isAdmin: body.admin ?? false, passwordHash })
    .returning()
    .catch(() => {
      throw new AppError("conflict", "Username has already been taken");
    });
  const [ns] = await db.insert(namespaces).values({ kind: "user", name: body.name, path: body.username, fullPath: body.username, ownerId: user.id }).returning();
  await db.update(namespaces).set({ traversalIds: String(ns.id) }).where(eq(namespaces.id, ns.id)).run();
  return c.json(userJson(originOf(c), user, true), 201);
});

userRoutes.get("/users", async (c) => {
  requireUser(c);
  const page = readPage(c);
  const db = createDb(c.env.DB);
  const username = c.req.query("username");
  const where = username ? sql`lower(${users.username}) = lower(${username})` : undefined;
  const [rows, total] = await Promise.all([
    db.select().from(users).where(where).orderBy(users.id).limit(page.perPage).offset(page.offset).all(),
    db.$count(users, where),
  ]);
  setPaginationHeaders(c, page, total);
  const me = c.get("actor");
  const admin = me.kind === "user" && me.user.isAdmin;
  return c.json(rows.map((u) => userJson(originOf(c), u, admin)));
});

userRoutes.get("/users/:id{[0-9]+}", async (c) => {
  const me = requireUser(c);
  const row = await createDb(c.env.DB).select().from(users).where(eq(users.id, Number(c.req.param("id")))).get();
  if (!row) throw new AppError("not_found", "404 User Not Found");
  return c.json(userJson(originOf(c), row, me.isAdmin || me.id === row.id));
});

userRoutes.put("/users/:id{[0-9]+}", async (c) => {
  requireAdmin(c);
  const body = await parseBody(c, updateUserSchema);
  const db = createDb(c.env.DB);
  const id = Number(c.req.param("id"));
  const changes: Partial<typeof users.$inferInsert> = {};
  if (body.name !== undefined) changes.name = body.name;
  if (body.email !== undefined) changes.email = body.email;
  if (body.admin !== undefined) changes.isAdmin = body.admin;
  if (body.state !== undefined) changes.state = body.state;
  if (body.password !== undefined) changes.passwordHash = await hashPassword(body.password);
  if (id === 1 && (changes.state === "blocked" || changes.isAdmin === false)) throw new AppError("forbidden", "403 Forbidden - root stays an active administrator");
  const [row] = Object.keys(changes).length
    ? await db.update(users).set(changes).where(eq(users.id, id)).returning()
    : await db.select().from(users).where(eq(users.id, id)).all();
  if (!row) throw new AppError("not_found", "404 User Not Found");
  return c.json(userJson(originOf(c), row, true));
});

userRoutes.post("/users/:id{[0-9]+}/block", async (c) => setState(c, "blocked"));
userRoutes.post("/users/:id{[0-9]+}/unblock", async (c) => setState(c, "active"));

async function setState(c: Context<AppEnv>, state: "active" | "blocked") {
  requireAdmin(c);
  const id = Number(c.req.param("id"));
  if (id === 1) throw new AppError("forbidden", "403 Forbidden - root cannot be blocked");
  const [row] = await createDb(c.env.DB).update(users).set({ state }).where(eq(users.id, id)).returning();
  if (!row) throw new AppError("not_found", "404 User Not Found");
  return c.json(true, 201);
}

userRoutes.post("/users/:id{[0-9]+}/personal_access_tokens", async (c) => {
  requireAdmin(c);
  const body = await parseBody(c, createTokenSchema);
  const db = createDb(c.env.DB);
  const userId = Number(c.req.param("id"));
  const user = await db.select({ id: users.id }).from(users).where(eq(users.id, userId)).get();
  if (!user) throw new AppError("not_found", "404 User Not Found");
  const token = generateToken("glpat-");
  const [row] = await db
    .insert(personalAccessTokens)
    .values({ userId, name: body.name, scopes: body.scopes, expiresAt: body.expires_at ?? null, tokenDigest: await tokenDigest(token) })
    .returning();
  return c.json(personalTokenJson(row, token), 201);
});

userRoutes.get("/personal_access_tokens", async (c) => {
  const me = requireUser(c);
  const db = createDb(c.env.DB);
  const requested = c.req.query("user_id");
  const userId = me.isAdmin && requested ? Number(requested) : me.id;
  const rows = await db.select().from(personalAccessTokens).where(eq(personalAccessTokens.userId, userId)).all();
  return c.json(rows.map((r) => personalTokenJson(r)));
});

userRoutes.get("/personal_access_tokens/self", async (c) => {
  requireUser(c);
  const actor = c.get("actor");
  if (actor.kind !== "user" || !actor.tokenId) throw new AppError("not_found", "404 Not Found");
  const row = await createDb(c.env.DB).select().from(personalAccessTokens).where(eq(personalAccessTokens.id, actor.tokenId)).get();
  return c.json(personalTokenJson(row!));
});

userRoutes.delete("/personal_access_tokens/:id{[0-9]+}", async (c) => {
  const me = requireUser(c, true);
  const db = createDb(c.env.DB);
  const id = Number(c.req.param("id"));
  const where = me.isAdmin ? eq(personalAccessTokens.id, id) : and(eq(personalAccessTokens.id, id), eq(personalAccessTokens.userId, me.id));
  const [row] = await db.update(personalAccessTokens).set({ revoked: true }).where(where).returning();
  if (!row) throw new AppError("not_found", "404 Personal access token Not Found");
  return c.body(null, 204);
});
