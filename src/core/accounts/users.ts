// User writes: creation (the user row and its personal namespace in one atomic batch), profile changes
// and blocking. Spec: GitLab doc/api/users.md. The root administrator (id 1) stays active and admin.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { namespaces, users } from "../../db/schema";
import { hashPassword } from "../auth/secrets";
import { ROOT_USER_ID } from "../auth/resolve-actor";
import { AppError } from "../errors";
import { unlessTaken } from "./unique";

export type UserRow = typeof users.$inferSelect;

export interface NewUser {
  username: string;
  name: string;
  email: string | null;
  /** Plain text; only its PBKDF2 hash is stored. None = no password sign-in. */
  password?: string;
  isAdmin: boolean;
}

export interface UserChanges {
  name?: string;
  email?: string;
  password?: string;
  isAdmin?: boolean;
  state?: "active" | "blocked";
}

/**
 * One round trip: the user, their personal namespace (owned by them, its traversal ids = its own id).
 * A username taken by a user or by any namespace path fails the batch on a unique index, leaving nothing.
 */
export async function createUser(db: Db, input: NewUser): Promise<UserRow> {
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const ownNamespace = and(eq(namespaces.kind, "user"), sql`lower(${namespaces.fullPath}) = lower(${input.username})`);
  const [created] = await unlessTaken(
    db.batch([
      db.insert(users).values({ username: input.username, name: input.name, email: input.email, isAdmin: input.isAdmin, passwordHash }).returning(),
      db.insert(namespaces).values({
        kind: "user",
        name: input.name,
        path: input.username,
        fullPath: input.username,
        ownerId: sql`(SELECT id FROM users WHERE lower(username) = lower(${input.username}))`,
      }),
      db.update(namespaces).set({ traversalIds: sql`CAST(${namespaces.id} AS TEXT)` }).where(ownNamespace),
    ]),
    () => new AppError("conflict", "Username has already been taken"),
  );
  return created[0]!;
}

/** Admin changes to a user; null when there is no such user. */
export async function updateUser(db: Db, id: number, input: UserChanges): Promise<UserRow | null> {
  const changes: Partial<typeof users.$inferInsert> = {};
  if (input.name !== undefined) changes.name = input.name;
  if (input.email !== undefined) changes.email = input.email;
  if (input.isAdmin !== undefined) changes.isAdmin = input.isAdmin;
  if (input.state !== undefined) changes.state = input.state;
  if (input.password !== undefined) changes.passwordHash = await hashPassword(input.password);
  if (id === ROOT_USER_ID && (changes.state === "blocked" || changes.isAdmin === false)) throw new AppError("forbidden", "403 Forbidden - root stays an active administrator");
  const [row] = Object.keys(changes).length ? await db.update(users).set(changes).where(eq(users.id, id)).returning() : await db.select().from(users).where(eq(users.id, id)).all();
  return row ?? null;
}

/** Block or unblock (POST /users/:id/block|unblock); a blocked user's credentials stop working. */
export async function setUserState(db: Db, id: number, state: "active" | "blocked"): Promise<void> {
  if (id === ROOT_USER_ID) throw new AppError("forbidden", "403 Forbidden - root cannot be blocked");
  const [row] = await db.update(users).set({ state }).where(eq(users.id, id)).returning({ id: users.id });
  if (!row) throw new AppError("not_found", "404 User Not Found");
}
