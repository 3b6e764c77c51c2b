// Every API response is inert in a browser. The registry serves other people's bytes (package files,
// metadata that embeds their descriptions) on the same origin as its web pages, so nothing under
// /api/v4 may run as a page there: no MIME sniffing, a sandboxing CSP that forbids scripts, plugins,
// forms and every fetch, and no framing. The web pages set their own, nonce-based policy (src/ui/layout.tsx).
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";

export const INERT_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
  "Cross-Origin-Resource-Policy": "same-origin",
  "X-Frame-Options": "DENY",
} as const;

/** Applied to /api/v4 after everything else, error responses included. */
export const inertResponses: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  makeInert(c);
};

/** For a format's routes outside /api/v4 (src/app.ts decides which responses those are). */
export function makeInert(c: Context<AppEnv>): void {
  // c.header on a finished response copies it first, so immutable headers (cache, R2) are no obstacle.
  for (const [name, value] of Object.entries(INERT_HEADERS)) c.header(name, value);
}
