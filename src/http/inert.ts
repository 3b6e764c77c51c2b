// Every API response is inert in a browser. The registry serves other people's bytes (package files,
// metadata that embeds their descriptions) on the same origin as its web pages, so nothing under
// /api/v4 may run as a page there: no MIME sniffing, a sandboxing CSP that forbids scripts, plugins,
// forms and every fetch, and no framing. The web pages set their own, nonce-based policy (src/ui/layout.tsx).
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { setResponseHeaders } from "./response-headers";

export const INERT_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
  "Cross-Origin-Resource-Policy": "same-origin",
  "X-Frame-Options": "DENY",
} as const;

/** Marks the finished response inert (src/app.ts decides which responses those are: /api/v4, format routes, GraphQL). */
export function makeInert(c: Context<AppEnv>): void {
  setResponseHeaders(c, INERT_HEADERS);
}
