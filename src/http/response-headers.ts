// Headers added to a response after its handler finished (the request id, the inert headers). Hono's
// `c.header` copies a finished response on every call, so four headers meant four copies of the Response;
// this copies it at most once, and only when its headers are immutable (a response from R2 or the Cache API).
import type { Context } from "hono";

export function setResponseHeaders(c: Context, headers: Readonly<Record<string, string>>): void {
  try {
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  } catch {
    c.res = new Response(c.res.body, c.res);
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  }
}
