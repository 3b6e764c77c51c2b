// CSRF protection for every form: a signed-in viewer's form must carry their session's token; the
// sign-in form (no session yet) uses a double-submit cookie. Both also refuse cross-site Origin headers.
import { getCookie, setCookie } from "hono/cookie";
import { generateToken, timingSafeEqual } from "../core/auth/secrets";
import { AppError } from "../core/errors";
import { isLocalHost, type UiContext } from "./context";

export const CSRF_FIELD = "authenticity_token";
const PRE_SESSION_COOKIE = "packyard_csrf";

/** The token to embed in the sign-in form, setting its cookie when the browser has none yet. */
export function preSessionToken(c: UiContext): string {
  const existing = getCookie(c, PRE_SESSION_COOKIE);
  if (existing && /^pys-[A-Za-z0-9]{32}$/.test(existing)) return existing;
  const token = generateToken("pys-");
  setCookie(c, PRE_SESSION_COOKIE, token, { httpOnly: true, sameSite: "Lax", path: "/users", secure: !isLocalHost(new URL(c.req.url).hostname) });
  return token;
}

/** Throws a 403 unless the form came from this site with the right token. */
export function verifyCsrf(c: UiContext, form: Record<string, unknown>, mode: "session" | "pre_session"): void {
  rejectCrossSite(c);
  const sent = typeof form[CSRF_FIELD] === "string" ? (form[CSRF_FIELD] as string) : "";
  const expected = mode === "session" ? c.get("ui").session?.csrfToken : getCookie(c, PRE_SESSION_COOKIE);
  if (!sent || !expected || !timingSafeEqual(sent, expected)) {
    throw new AppError("forbidden", "This form has expired or did not come from this site. Reload the page and try again.");
  }
}

function rejectCrossSite(c: UiContext): void {
  const origin = c.req.header("origin");
  const site = c.req.header("sec-fetch-site");
  if ((origin && origin !== "null" && origin !== new URL(c.req.url).origin) || site === "cross-site") {
    throw new AppError("forbidden", "Cross-site form submissions are refused.");
  }
}
