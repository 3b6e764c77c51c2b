// Per-request state of a web page: the page's registry context (whose D1 counts statements), who is
// looking, their CSRF token and the nonce of the inline style and script. Set once by a middleware in index.ts.
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { Registry } from "../core/registry";
import { userOf, type Actor, type UserRecord } from "../core/auth/actor";
import { sessionOfRequest, type WebSession } from "../core/auth/sessions";
import { countingD1 } from "./query-counter";

export interface UiRequest {
  /** The same object as `c.var.registry`, made for this page over the counting D1. */
  registry: Registry;
  /** D1 statements prepared so far by this page. */
  queries: () => number;
  /** D1 round trips so far (a batch of several statements is one): the page's budget. */
  roundTrips: () => number;
  actor: Actor;
  user: UserRecord | null;
  /** The web session, when the viewer signed in through the form (forms need one). */
  session: WebSession | null;
  nonce: string;
  origin: string;
  /** path + query of this page, for "return here after sign-in". */
  here: string;
  started: number;
}

export type UiEnv = { Bindings: AppEnv["Bindings"]; Variables: AppEnv["Variables"] & { ui: UiRequest } };
export type UiContext = Context<UiEnv>;

/** Replaces the request's registry with one over a counting D1, so every page reports its statements. */
export function createUiRequest(c: Context<AppEnv>): UiRequest {
  const counter = countingD1(c.env.DB);
  const actor = c.var.registry.actor;
  const registry = new Registry(c.env, actor, counter.d1);
  c.set("registry", registry);
  const url = new URL(c.req.url);
  return {
    registry,
    queries: counter.count,
    roundTrips: counter.roundTrips,
    actor,
    user: userOf(actor),
    session: sessionOfRequest(c.req.raw),
    nonce: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16)))),
    origin: url.origin,
    here: url.pathname + url.search,
    started: Date.now(),
  };
}

/** Browsers send cookies marked Secure only over https; local development runs on plain http. */
export function isLocalHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]" || hostname.endsWith(".localhost");
}
