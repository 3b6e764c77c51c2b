// Wrapper bindings that fail on purpose, for the fault-injection tests (test/reliability): a D1 whose chosen
// statements or batches throw, an R2 bucket whose put, multipart parts or completion fail (after reading part
// of the body, as a dropped connection does), a coordinator namespace whose calls are lost before or after the
// commit. `crash` stands in for a Worker killed at that step: from the fault on, every call of every wrapped
// binding fails, so no cleanup the request would have done can run. `fetchFaulty` sends one request to the
// Worker over them, as counting-d1.ts does.
import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { PublishCoordinator } from "../../src/core/publish/coordinator";
import worker from "../../src/index";
import { BASE } from "./api";

export interface FaultPlan {
  /** Fail a statement whose SQL matches (checked on run/all/first/raw and inside batches). */
  d1Statement?: RegExp;
  /** Fail every batch. */
  d1Batch?: boolean;
  /** Fail R2 `put` after reading this many bytes of a streamed body (0: at once). */
  r2Put?: { afterBytes: number };
  /** Fail this multipart part (1-based). */
  r2Part?: number;
  r2Complete?: boolean;
  /** The coordinator's own D1 (its env, not the Worker's) fails every batch: the commit's atomic write. */
  coordinatorBatch?: boolean;
  /** Lose the coordinator call: before it reaches the Durable Object, or after it committed. */
  coordinator?: "before" | "after";
  /** From the fault on, every call of every wrapped binding fails (a Worker killed mid-request). */
  crash?: boolean;
}

export interface FaultState {
  /** How many faults were injected (a test checks its fault really happened). */
  fired: number;
  crashed: boolean;
}

const injected = (what: string) => new Error(`injected fault: ${what}`);

export function faultyBindings(plan: FaultPlan) {
  const state: FaultState = { fired: 0, crashed: false };
  const fire = (what: string): never => {
    state.fired++;
    if (plan.crash) state.crashed = true;
    throw injected(what);
  };
  const alive = (what: string) => {
    if (state.crashed) throw injected(`${what} after the crash`);
  };

  // ------------------------------------------------------------------ D1
  const queries = new WeakMap<object, string>();
  const inner = new WeakMap<object, D1PreparedStatement>();
  const statement = (real: D1PreparedStatement, query: string): D1PreparedStatement => {
    const check = () => {
      alive("D1");
      if (plan.d1Statement?.test(query)) fire(`D1 ${query.slice(0, 60)}`);
    };
    const wrapped = {
      bind: (...values: unknown[]) => statement(real.bind(...values), query),
      first: async (column?: string) => {
        check();
        return column ? real.first(column) : real.first();
      },
      all: async () => {
        check();
        return real.all();
      },
      run: async () => {
        check();
        return real.run();
      },
      raw: async (options?: { columnNames?: boolean }) => {
        check();
        return real.raw(options as { columnNames: true });
      },
    } as unknown as D1PreparedStatement;
    queries.set(wrapped, query);
    inner.set(wrapped, real);
    return wrapped;
  };
  const batchOn = (real: { batch: D1Database["batch"] }) => async (list: D1PreparedStatement[]) => {
    alive("D1 batch");
    if (plan.d1Batch) fire("D1 batch");
    if (plan.d1Statement && list.some((s) => plan.d1Statement?.test(queries.get(s) ?? ""))) fire("D1 batch statement");
    return real.batch(list.map((s) => inner.get(s) ?? s));
  };
  const target = env.DB;
  const d1 = {
    prepare: (query: string) => statement(target.prepare(query), query),
    batch: batchOn(target),
    exec: async (query: string) => {
      alive("D1");
      return target.exec(query);
    },
    dump: () => target.dump(),
    withSession: (constraint?: string) => {
      const session = target.withSession(constraint);
      return { prepare: (query: string) => statement(session.prepare(query), query), batch: batchOn(session), getBookmark: () => session.getBookmark() };
    },
  } as unknown as D1Database;

  const faultyBatchOnly = {
    prepare: (query: string) => target.prepare(query),
    batch: async () => fire("the coordinator's D1 batch"),
    exec: (query: string) => target.exec(query),
    dump: () => target.dump(),
    withSession: (constraint?: string) => target.withSession(constraint),
  } as unknown as D1Database;

  // ------------------------------------------------------------------ R2
  const bucket = env.BLOBS;
  const drainThenFail = async (body: unknown, afterBytes: number, what: string) => {
    if (body instanceof ReadableStream) {
      const reader = body.getReader();
      let read = 0;
      while (read < afterBytes) {
        const { done, value } = await reader.read();
        if (done) break;
        read += value.byteLength;
      }
      await reader.cancel(injected(what)).catch(() => undefined);
    }
    return fire(what);
  };
  const wrapUpload = (upload: R2MultipartUpload): R2MultipartUpload =>
    ({
      key: upload.key,
      uploadId: upload.uploadId,
      uploadPart: async (n: number, value: ReadableStream | ArrayBuffer | ArrayBufferView | string | Blob) => {
        alive("R2 uploadPart");
        if (plan.r2Part === n) fire(`R2 part ${n}`);
        return upload.uploadPart(n, value);
      },
      abort: async () => {
        alive("R2 abort");
        return upload.abort();
      },
      complete: async (parts: R2UploadedPart[]) => {
        alive("R2 complete");
        if (plan.r2Complete) fire("R2 complete");
        return upload.complete(parts);
      },
    }) as R2MultipartUpload;
  const r2 = new Proxy(bucket, {
    get(real, prop) {
      const value = Reflect.get(real, prop);
      if (typeof value !== "function") return value;
      if (prop === "put") {
        return async (key: string, body: unknown, options?: R2PutOptions) => {
          alive("R2 put");
          if (plan.r2Put) return drainThenFail(body, plan.r2Put.afterBytes, "R2 put");
          return real.put(key, body as ReadableStream, options);
        };
      }
      if (prop === "createMultipartUpload") {
        return async (key: string, options?: R2MultipartOptions) => {
          alive("R2 createMultipartUpload");
          return wrapUpload(await real.createMultipartUpload(key, options));
        };
      }
      if (prop === "resumeMultipartUpload") return (key: string, id: string) => wrapUpload(real.resumeMultipartUpload(key, id));
      return (...args: unknown[]) => {
        alive(`R2 ${String(prop)}`);
        return (value as (...a: unknown[]) => unknown).apply(real, args);
      };
    },
  });

  // ------------------------------------------------------------------ the publish coordinator
  const namespace = env.PUBLISH_COORDINATOR;
  const coordinator = {
    getByName: (name: string) => {
      const stub = namespace.getByName(name);
      return {
        commit: async (request: unknown) => {
          alive("coordinator");
          if (plan.coordinator === "before") fire("coordinator call lost before the commit");
          // The Durable Object writes through its own env: swap its DB for the faulty one for this call only.
          const swap = (to: (own: Record<string, unknown>) => Record<string, unknown>) =>
            runInDurableObject(stub as DurableObjectStub<PublishCoordinator>, (instance) => {
              const swappable = instance as unknown as { env: Record<string, unknown> };
              const own = swappable.env;
              swappable.env = to(own);
              return own;
            });
          const own = plan.coordinatorBatch ? await swap((env) => ({ ...env, DB: faultyBatchOnly })) : null;
          try {
            const result = await (stub as unknown as { commit: (r: unknown) => Promise<unknown> }).commit(request);
            if (plan.coordinator === "after") fire("coordinator answer lost after the commit");
            return result;
          } finally {
            if (own) await swap(() => own);
          }
        },
      };
    },
  } as unknown as DurableObjectNamespace;

  return { state, bindings: { DB: d1, BLOBS: r2, PUBLISH_COORDINATOR: coordinator } };
}

/** One request to the Worker with some bindings replaced; the response with its body read. A request that gets no answer within `timeoutMs` fails (a hang is a bug too). */
export async function fetchWith(request: Request, overrides: Record<string, unknown>, timeoutMs = 15_000) {
  const ctx = createExecutionContext();
  const work = (async () => {
    const response = await worker.fetch(request, { ...env, ...overrides } as never, ctx);
    const body = await response.text();
    await waitOnExecutionContext(ctx).catch(() => undefined);
    return { status: response.status, body, response };
  })();
  let timer: ReturnType<typeof setTimeout> = 0 as unknown as ReturnType<typeof setTimeout>;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${request.method} ${request.url}: no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, hung]);
  } finally {
    clearTimeout(timer);
  }
}

/** A URL on the test host. */
export const url = (path: string) => `${BASE}${path}`;
