// Web sessions: a random cookie value whose SHA-256 is the `web_sessions` row id, with a CSRF token per
// session. The app resolves the cookie into a user actor (via "session") for web pages only.
import { and, eq, gt, lt } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users, webSessions } from "../../db/schema";
import type { Actor } from "./actor";
import { generateToken, tokenDigest } from "./secrets";

export const SESSION_COOKIE = "packyard_session";
export const SESSION_TTL_MS = 14 * 24 * 60 * 60 * 1000;

export interface WebSession {
  id: string;
  userId: number;
  csrfToken: string;
  expiresAt: Date;
}

/** The resolved session of a request, so pages can read its CSRF token without a second lookup. */
const sessionsByRequest = new WeakMap<Request, WebSession>();

export function sessionOfRequest(request: Request): WebSession | null {
  return sessionsByRequest.get(request) ?? null;
}

/** The session cookie's value, if the request carries one (RFC 6265 cookie header). */
function readSessionCookie(headers: Headers): string | null {
  const header = headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/** Resolve a request's session cookie into a user actor; unknown, expired or blocked → null (anonymous). */
export async function resolveSessionActor(db: Db, request: Request, now = Date.now()): Promise<Actor | null> {
  const cookie = readSessionCookie(request.headers);
  if (!cookie) return null;
  const row = await db
    .select({ session: webSessions, user: users })
    .from(webSessions)
    .innerJoin(users, eq(users.id, webSessions.userId))
    .where(and(eq(webSessions.id, await tokenDigest(cookie)), gt(webSessions.expiresAt, new Date(now))))
    .get();
  if (row?.user.state !== "active") return null;
  sessionsByRequest.set(request, row.session);
  const user = { id: row.user.id, username: row.user.username, name: row.user.name, isAdmin: row.user.isAdmin };
  return { kind: "user", user, scopes: ["api"], via: "session" };
}

/** Start a session for a user who just proved their password; returns the cookie value (shown once). */
export async function createSession(db: Db, userId: number, now = Date.now()): Promise<{ cookie: string; session: WebSession }> {
  const cookie = generateToken("pys-");
  const session: WebSession = { id: await tokenDigest(cookie), userId, csrfToken: generateToken("pys-"), expiresAt: new Date(now + SESSION_TTL_MS) };
  // Expired sessions of anyone are dropped here, so the table never grows without bound.
  await db.batch([db.delete(webSessions).where(lt(webSessions.expiresAt, new Date(now))), db.insert(webSessions).values(session)]);
  return { cookie, session };
}

export async function removeSession(db: Db, sessionId: string): Promise<void> {
  await db.delete(webSessions).where(eq(webSessions.id, sessionId)).run();
}
