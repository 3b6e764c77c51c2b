// Bench-only Worker entry (bench/lib/serve.mjs serves it in front of the unchanged bundle, which it imports as
// ./index.js): the Worker and its Durable Objects get a metered D1 in place of env.DB. Production code is not
// touched; only the `env` handed to fetch, scheduled and the Durable Object constructors differs.
//
// Counting (one D1 round trip each): `first`, `all`, `run`, `raw` of a prepared statement; `batch` (any number of
// statements); `exec`. Calls on a `withSession(...)` session count the same.
// Delay (to model a distant D1): BENCH_D1_DELAY_MS is slept before every round trip to the primary;
// BENCH_D1_REPLICA_DELAY_MS (default: the primary's) before a read-only round trip in a session opened with
// "first-unconstrained" or a bookmark, which D1 may answer from a nearby replica. Read-only = every statement
// starts with SELECT or WITH and none writes. Writes, `exec`, calls on env.DB itself and "first-primary"
// sessions go to the primary.
// GET /__bench/d1 answers the counts once the Worker's waitUntil work has settled, with `atResponse`: the counts
// when the last response left the Worker; POST /__bench/d1/reset zeroes them.
import * as bundle from "./index.js";

export * from "./index.js";

const counts = { roundTrips: 0, primary: 0, replica: 0, statements: 0, sessions: 0 };
/** The counts when the last response left the Worker (what its latency can include; waitUntil work comes later). */
let atResponse = { roundTrips: 0, primary: 0, replica: 0 };
const pending = new Set();
const meteredEnvs = new WeakMap();

const isRead = (sql) => /^\s*(select|with)\b/i.test(sql) && !/\b(insert|update|delete|replace)\b/i.test(sql);
const sleep = (ms) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : null);

function settings(env) {
  const primary = Number(env.BENCH_D1_DELAY_MS ?? 0) || 0;
  const replica = env.BENCH_D1_REPLICA_DELAY_MS === undefined || env.BENCH_D1_REPLICA_DELAY_MS === "" ? primary : Number(env.BENCH_D1_REPLICA_DELAY_MS) || 0;
  return { primary, replica };
}

/** One round trip: counted, delayed, then sent. `target` is "primary" or "replica". */
async function roundTrip(delays, target, statements, send) {
  counts.roundTrips++;
  counts[target]++;
  counts.statements += statements;
  const wait = sleep(delays[target]);
  if (wait) await wait;
  return send();
}

const REAL = Symbol("real statement");

/** A prepared statement whose terminal calls are metered; `bind` keeps it metered. */
function meterStatement(real, sql, targetOf, delays) {
  const call = (method) => (...args) => roundTrip(delays, targetOf([sql]), 1, () => real[method](...args));
  return {
    [REAL]: real,
    sql,
    bind: (...values) => meterStatement(real.bind(...values), sql, targetOf, delays),
    first: call("first"),
    all: call("all"),
    run: call("run"),
    raw: call("raw"),
  };
}

function meterBatch(real, targetOf, delays) {
  return (statements) => {
    const unwrapped = statements.map((s) => s[REAL] ?? s);
    return roundTrip(delays, targetOf(statements.map((s) => s.sql ?? "")), statements.length, () => real.batch(unwrapped));
  };
}

function meterSession(session, constraint, delays) {
  counts.sessions++;
  const mayUseReplica = constraint !== "first-primary";
  const targetOf = (sqls) => (mayUseReplica && sqls.every(isRead) ? "replica" : "primary");
  return new Proxy(session, {
    get(target, property) {
      if (property === "prepare") return (sql) => meterStatement(target.prepare(sql), sql, targetOf, delays);
      if (property === "batch") return meterBatch(target, targetOf, delays);
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function meterDb(db, delays) {
  const primary = () => "primary";
  return new Proxy(db, {
    get(target, property) {
      if (property === "prepare") return (sql) => meterStatement(target.prepare(sql), sql, primary, delays);
      if (property === "batch") return meterBatch(target, primary, delays);
      if (property === "exec") return (sql) => roundTrip(delays, "primary", 1, () => target.exec(sql));
      if (property === "withSession") return (constraint) => meterSession(target.withSession(constraint), constraint ?? "first-unconstrained", delays);
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function meterEnv(env) {
  let metered = meteredEnvs.get(env);
  if (!metered) {
    const db = meterDb(env.DB, settings(env));
    metered = new Proxy(env, { get: (target, property) => (property === "DB" ? db : Reflect.get(target, property, target)) });
    meteredEnvs.set(env, metered);
  }
  return metered;
}

/** The execution context with waitUntil tracked, so the count endpoint can wait for background D1 work. */
function trackedContext(ctx) {
  return new Proxy(ctx, {
    get(target, property) {
      if (property === "waitUntil") {
        return (promise) => {
          const tracked = Promise.resolve(promise).catch(() => {});
          pending.add(tracked);
          tracked.finally(() => pending.delete(tracked));
          target.waitUntil(promise);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function countsResponse() {
  const deadline = Date.now() + 10_000;
  while (pending.size > 0 && Date.now() < deadline) await Promise.race([Promise.allSettled([...pending]), sleep(100)]);
  return Response.json({ ...counts, atResponse, pendingWaitUntil: pending.size });
}

const worker = bundle.default;

export default {
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    if (pathname === "/__bench/d1" && request.method === "GET") return countsResponse();
    if (pathname === "/__bench/d1/reset" && request.method === "POST") {
      for (const key of Object.keys(counts)) counts[key] = 0;
      atResponse = { roundTrips: 0, primary: 0, replica: 0 };
      return Response.json(counts);
    }
    const response = await worker.fetch(request, meterEnv(env), trackedContext(ctx));
    atResponse = { roundTrips: counts.roundTrips, primary: counts.primary, replica: counts.replica };
    return response;
  },
  scheduled(controller, env, ctx) {
    return worker.scheduled(controller, meterEnv(env), trackedContext(ctx));
  },
};

// Every Durable Object class of the bundle, constructed with the metered env (bench/lib/serve.mjs refuses to start
// when wrangler.toml binds a class that is not redeclared here).
export class PublishCoordinator extends bundle.PublishCoordinator {
  constructor(ctx, env) {
    super(ctx, meterEnv(env));
  }
}
