// An instrumented D1 binding for tests: counts round trips (each executed statement, each batch, each exec),
// split into the primary and sessions (which may be read replicas), and can stand in a lagging replica.
// `fetchCounted` sends one request to the Worker over it, as a client would, and returns the count.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import { BASE } from "./api";

export interface RoundTrips {
  /** Every round trip to D1. */
  total: number;
  /** Round trips on the binding itself (the primary). */
  primary: number;
  /** Round trips inside `withSession` sessions (a replica may serve them). */
  session: number;
}

export type ReplicaMode =
  /** Sessions read the real database (a replica that is up to date). */
  | "current"
  /** Sessions see no rows at all and say a replica served them: the most a replica can lag. */
  | "empty";

type Side = "primary" | "session";

export function countingD1(target: D1Database, replica: ReplicaMode = "current") {
  const count: RoundTrips = { total: 0, primary: 0, session: 0 };
  const inner = new WeakMap<object, D1PreparedStatement>();
  const tick = (side: Side) => {
    count.total++;
    count[side]++;
  };
  const lagging = (side: Side) => side === "session" && replica === "empty";
  const emptyResult = () => ({ results: [], success: true as const, meta: { served_by_primary: false, duration: 0, changes: 0, last_row_id: 0, changed_db: false, size_after: 0, rows_read: 0, rows_written: 0 } });

  const statement = (real: D1PreparedStatement, side: Side): D1PreparedStatement => {
    /** One round trip: counted, then answered (by nothing at all on a lagging replica). */
    const trip = <T>(answer: () => Promise<T>, lag: () => Promise<T>) => {
      tick(side);
      return lagging(side) ? lag() : answer();
    };
    const wrapped = {
      bind: (...values: unknown[]) => statement(real.bind(...values), side),
      first: (column?: string) => trip(() => (column ? real.first(column) : real.first()), () => Promise.resolve(null)),
      all: () => trip(() => real.all(), () => Promise.resolve(emptyResult())),
      run: () => trip(() => real.run(), () => real.run()),
      raw: (options?: { columnNames?: boolean }) => trip<unknown[]>(() => real.raw(options as { columnNames: true }), () => Promise.resolve([])),
    } as unknown as D1PreparedStatement;
    inner.set(wrapped, real);
    return wrapped;
  };
  const batchOn = (real: { batch: D1Database["batch"] }, side: Side) => async (list: D1PreparedStatement[]) => {
    tick(side);
    if (lagging(side)) return list.map(emptyResult);
    return real.batch(list.map((s) => inner.get(s) ?? s));
  };

  const d1 = {
    prepare: (query: string) => statement(target.prepare(query), "primary"),
    batch: batchOn(target, "primary"),
    exec: (query: string) => {
      tick("primary");
      return target.exec(query);
    },
    dump: () => target.dump(),
    withSession: (constraint?: string) => {
      const session = target.withSession(constraint);
      return { prepare: (query: string) => statement(session.prepare(query), "session"), batch: batchOn(session, "session"), getBookmark: () => session.getBookmark() };
    },
  } as unknown as D1Database;
  return { d1, count, reset: () => Object.assign(count, { total: 0, primary: 0, session: 0 }) };
}

/** One request to the Worker over a counting D1; the response (body read) and its round trips. */
export async function fetchCounted(path: string, init: RequestInit & { token?: string; vars?: Record<string, string> } = {}, replica: ReplicaMode = "current") {
  const counted = countingD1(env.DB, replica);
  const headers = new Headers(init.headers);
  if (init.token) headers.set("PRIVATE-TOKEN", init.token);
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`${BASE}${path}`, { ...init, headers }), { ...env, ...init.vars, DB: counted.d1 } as never, ctx);
  const body = await response.text();
  // Work left for after the response (a token's last-used time) is not on the request's path.
  const onPath = { ...counted.count };
  await waitOnExecutionContext(ctx);
  return { response, body, status: response.status, roundTrips: onPath };
}
