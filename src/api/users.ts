// Users and personal access tokens: POST/GET /users, GET /user, PUT/DELETE /users/:id,
// POST/GET /users/:id/personal_access_tokens (admin), GET/DELETE /personal_access_tokens[/:id], rotations.
// Spec: GitLab doc/api/users.md, doc/api/personal_access_tokens.md (the subset DESIGN.md lists).
import { ADMIN_PAT_SCOPES, PAT_SCOPES } from "../core/auth/actor";
import { Hono, type Context } from "hono";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../env";
import { personalAccessTokens, users } from "../db/schema";
import { createPersonalAccessToken, createUser, removeUser, revokePersonalAccessToken, rotatePersonalAccessToken, setUserState, updateUser } from "../core/accounts";
import { abortUploads } from "./removal";
import { AppError } from "../core/errors";
import { booleanish, parseBody, pathSchema } from "./validate";
import { originOf, requireAdmin, requireUser } from "./current-actor";
import { personalTokenJson, userJson } from "./serializers";
import { paginateList, readPage, setPaginationHeaders } from "./pagination";

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

const ALL_SCOPES = [...PAT_SCOPES, ...ADMIN_PAT_SCOPES] as const;
const createTokenSchema = z.object({
  name: z.string().min(1).max(255),
  description: z.string().max(255).optional(),
  scopes: z.union([z.array(z.enum(ALL_SCOPES)).min(1), z.enum(ALL_SCOPES).transform((s) => [s])]),
  expires_at: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD").optional(),
});

export const userRoutes = new Hono<AppEnv>();

userRoutes.get("/user", async (c) => {
  const me = requireUser(c, false, ["read_user"]);
  const row = await c.var.registry.db.select().from(users).where(eq(users.id, me.id)).get();
  return c.json(userJson(originOf(c), row!, true));
});

userRoutes.post("/users", async (c) => {
  requireAdmin(c);
  const body = await parseBody(c, createUserSchema);
  const user = await createUser(c.var.registry.db, { username: body.username, name: body.name, email: body.email ?? null, password: body.password, isAdmin: body.admin ?? false });
  return c.json(userJson(originOf(c), user, true), 201);
});

userRoutes.get("/users", async (c) => {
  requireUser(c, false, ["read_user"]);
  const page = readPage(c);
  const db = c.var.registry.db;
  const username = c.req.query("username");
  const where = username ? sql`lower(${users.username}) = lower(${username})` : undefined;
  const [rows, total] = await Promise.all([
    db.select().from(users).where(where).orderBy(users.id).limit(page.perPage).offset(page.offset).all(),
    db.$count(users, where),
  ]);
  setPaginationHeaders(c, page, total);
  const me = c.var.registry.actor;
  const admin = me.kind === "user" && me.user.isAdmin;
  return c.json(rows.map((u) => userJson(originOf(c), u, admin)));
});

userRoutes.get("/users/:id{[0-9]+}", async (c) => {
  const me = requireUser(c, false, ["read_user"]);
  const row = await c.var.registry.db.select().from(users).where(eq(users.id, Number(c.req.param("id")))).get();
  if (!row) throw new AppError("not_found", "404 User Not Found");
  return c.json(userJson(originOf(c), row, me.isAdmin || me.id === row.id));
});

userRoutes.put("/users/:id{[0-9]+}", async (c) => {
  requireAdmin(c);
  const body = await parseBody(c, updateUserSchema);
  const row = await updateUser(c.var.registry.db, Number(c.req.param("id")), { name: body.name, email: body.email, password: body.password, isAdmin: body.admin, state: body.state });
  if (!row) throw new AppError("not_found", "404 User Not Found");
  return c.json(userJson(originOf(c), row, true));
});

userRoutes.post("/users/:id{[0-9]+}/block", async (c) => setState(c, "blocked"));
userRoutes.post("/users/:id{[0-9]+}/unblock", async (c) => setState(c, "active"));

async function setState(c: Context<AppEnv>, state: "active" | "blocked") {
  requireAdmin(c);
  await setUserState(c.var.registry.db, Number(c.req.param("id")), state);
  return c.json(true, 201);
}

/**
 * DELETE /users/:id (administrators): 204; 409 while the user alone owns a group unless `hard_delete`, which
 * removes those groups too. The user's personal projects go with them; package bytes go to the blob cleanup.
 */
userRoutes.on("DELETE", "/users/:id{[0-9]+}", async (c) => {
  requireAdmin(c);
  const query = c.req.query("hard_delete");
  const body = query === undefined ? await parseBody(c, z.object({ hard_delete: booleanish.optional() })) : { hard_delete: query === "true" };
  const open = await removeUser(c.var.registry.db, Number(c.req.param("id")), body.hard_delete ?? false);
  abortUploads(c, open);
  return c.body(null, 204);
});

userRoutes.post("/users/:id{[0-9]+}/personal_access_tokens", async (c) => {
  requireAdmin(c);
  const body = await parseBody(c, createTokenSchema);
  const db = c.var.registry.db;
  const target = await db.select({ isAdmin: users.isAdmin }).from(users).where(eq(users.id, Number(c.req.param("id")))).get();
  if (target && !target.isAdmin && body.scopes.some((s) => (ADMIN_PAT_SCOPES as readonly string[]).includes(s))) {
    throw new AppError("bad_request", `400 Bad request - scopes: ${ADMIN_PAT_SCOPES.join(", ")} are only for administrators' tokens`);
  }
  const { row, token } = await createPersonalAccessToken(db, Number(c.req.param("id")), { name: body.name, description: body.description ?? null, scopes: body.scopes, expiresAt: body.expires_at ?? null });
  return c.json(personalTokenJson(row, token), 201);
});

userRoutes.get("/personal_access_tokens", async (c) => {
  const me = requireUser(c);
  const db = c.var.registry.db;
  const requested = c.req.query("user_id");
  const userId = me.isAdmin && requested ? Number(requested) : me.id;
  const rows = await db.select().from(personalAccessTokens).where(eq(personalAccessTokens.userId, userId)).all();
  return c.json(paginateList(c, rows).map((r) => personalTokenJson(r)));
});

userRoutes.get("/personal_access_tokens/self", async (c) => {
  const row = await tokenOf(c, selfTokenId(c), requireUser(c));
  return c.json(personalTokenJson(row));
});

/** GET /personal_access_tokens/:id: one's own token, or anyone's for administrators (404 otherwise). */
userRoutes.get("/personal_access_tokens/:id{[0-9]+}", async (c) => {
  const row = await tokenOf(c, Number(c.req.param("id")), requireUser(c));
  return c.json(personalTokenJson(row));
});

/** DELETE /personal_access_tokens/self: revoke the token this request carries. */
userRoutes.on("DELETE", "/personal_access_tokens/self", async (c) => {
  const me = requireUser(c);
  await revokePersonalAccessToken(c.var.registry.db, selfTokenId(c), me.id);
  return c.body(null, 204);
});

const rotateSchema = z.object({ expires_at: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD").optional() });

/** POST /personal_access_tokens/:id/rotate and /self/rotate: the old token stops working, a new one (same name and scopes) is answered once. */
for (const [path, idOf, alsoWith] of [
  ["/personal_access_tokens/:id{[0-9]+}/rotate", (c: Context<AppEnv>) => Number(c.req.param("id")), []],
  // A token with the self_rotate scope may rotate itself (and nothing else).
  ["/personal_access_tokens/self/rotate", selfTokenId, ["self_rotate"]],
] as const) {
  userRoutes.post(path, async (c) => {
    const me = requireUser(c, true, alsoWith);
    const body = await parseBody(c, rotateSchema);
    const { row, token } = await rotatePersonalAccessToken(c.var.registry.db, idOf(c), me.isAdmin ? null : me.id, body.expires_at ?? null);
    return c.json(personalTokenJson(row, token), 200);
  });
}

function selfTokenId(c: Context<AppEnv>): number {
  const actor = c.var.registry.actor;
  if (actor.kind !== "user" || !actor.tokenId) throw new AppError("not_found", "404 Not Found - this request carries no personal access token");
  return actor.tokenId;
}

async function tokenOf(c: Context<AppEnv>, id: number, me: { id: number; isAdmin: boolean }) {
  const row = await c.var.registry.db.select().from(personalAccessTokens).where(eq(personalAccessTokens.id, id)).get();
  if (!row || (!me.isAdmin && row.userId !== me.id)) throw new AppError("not_found", "404 Personal access token Not Found");
  return row;
}

// `.on("DELETE")`: the management routes never name a drizzle write method, so a grep finds table writes only in src/core.
userRoutes.on("DELETE", "/personal_access_tokens/:id{[0-9]+}", async (c) => {
  const me = requireUser(c, true);
  await revokePersonalAccessToken(c.var.registry.db, Number(c.req.param("id")), me.isAdmin ? null : me.id);
  return c.body(null, 204);
});
