// Sign-in with username and password (PBKDF2 hashes, src/core/auth/secrets.ts) and sign-out. A new
// session and cookie are made at every sign-in, so a cookie planted before it is worthless.
import { sql } from "drizzle-orm";
import { deleteCookie, setCookie } from "hono/cookie";
import { users } from "../../db/schema";
import { verifyPassword } from "../../core/auth/secrets";
import { clearFailures, recordFailure, signInKeys, throttledFor } from "../../core/auth/throttle";
import { createSession, removeSession, SESSION_COOKIE, SESSION_TTL_MS } from "../../core/auth/sessions";
import { isLocalHost, type UiContext } from "../context";
import { renderPage } from "../layout";
import { CSRF_FIELD, preSessionToken, verifyCsrf } from "../csrf";
import { readForm } from "../form";
import { safeReturnTo, urls } from "../paths";

/** Compared against when the username is unknown, so both failures take the same time. */
const DUMMY_HASH = "pbkdf2-sha256$100000$00000000000000000000000000000000$0000000000000000000000000000000000000000000000000000000000000000";

/** GET /users/sign_in */
export function signInPage(c: UiContext, error?: string, username = "", status: 200 | 401 | 429 = error ? 401 : 200) {
  const returnTo = safeReturnTo(c.req.query("return_to"));
  const token = preSessionToken(c);
  return renderPage(c, {
    title: "Sign in",
    status,
    body: (
      <div class="card">
        <h1>Sign in</h1>
        {error ? (
          <p class="notice error" role="alert" id="sign-in-error">
            {error}
          </p>
        ) : null}
        <form method="post" action={`${urls.signIn()}${returnTo !== "/" ? `?return_to=${encodeURIComponent(returnTo)}` : ""}`}>
          <input type="hidden" name={CSRF_FIELD} value={token} />
          <div class="stack">
            <label for="username">Username</label>
            <input id="username" name="username" autocomplete="username" required value={username} autofocus={!username} aria-describedby={error ? "sign-in-error" : undefined} />
          </div>
          <div class="stack">
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required autofocus={!!username} />
          </div>
          <button type="submit">Sign in</button>
        </form>
      </div>
    ),
  });
}

/** POST /users/sign_in */
export async function signInAction(c: UiContext) {
  const form = await readForm(c);
  verifyCsrf(c, form, "pre_session");
  const username = typeof form.username === "string" ? form.username.trim().slice(0, 255) : "";
  const password = typeof form.password === "string" ? form.password.slice(0, 1024) : "";
  const db = c.var.registry.db;
  // Throttled before the password is checked: a locked account or address costs no PBKDF2 work.
  const keys = signInKeys(username, c.req.header("cf-connecting-ip") ?? null);
  const wait = await throttledFor(db, keys);
  if (wait > 0) {
    c.header("Retry-After", String(wait));
    return signInPage(c, `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 60)} minute(s).`, username, 429);
  }
  const user = username ? await db.select().from(users).where(sql`lower(${users.username}) = lower(${username})`).get() : undefined;
  const valid = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !valid || user.state !== "active" || !user.passwordHash) {
    await recordFailure(db, keys);
    return signInPage(c, "Invalid username or password.", username);
  }
  await clearFailures(db, keys[0]!);
  const { cookie } = await createSession(db, user.id);
  setCookie(c, SESSION_COOKIE, cookie, { httpOnly: true, sameSite: "Lax", path: "/", maxAge: SESSION_TTL_MS / 1000, secure: !isLocalHost(new URL(c.req.url).hostname) });
  return c.redirect(safeReturnTo(c.req.query("return_to")), 303);
}

/** POST /users/sign_out */
export async function signOutAction(c: UiContext) {
  const session = c.get("ui").session;
  // Without a live session there is nothing to end; only clearing the cookie is left to do.
  if (session) {
    verifyCsrf(c, await readForm(c), "session");
    await removeSession(c.var.registry.db, session.id);
  }
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: !isLocalHost(new URL(c.req.url).hostname) });
  return c.redirect(urls.home(), 303);
}
