// The publish coordinator: one Durable Object per (project, format, normalised name), through which
// every write to that package goes. It serialises writes with its own queue, because a Durable
// Object's input gate does not hold while it awaits D1 or R2.
//
//   commit(request):
//     work = (previous work of this object, settled) then planCommit(request)
//     queue = work, settled                    -- the next commit waits for the work itself, never for a timer
//     answer work's result, or after COMMIT_TIMEOUT_MS an "ambiguous" failure: the work goes on and may
//     still commit, so the caller keeps its blobs (the scheduled cleanup removes them if nothing refers to them)
// Errors are values (AppError does not survive RPC). Deletes only drop rows and leave the bytes to the
// scheduled cleanup, so no row ever points at a missing object.
import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../../env";
import { AppError } from "../errors";
import { planCacheCommit, type CacheCommit, type CacheCommitResult } from "../forwarding/cache";
import { createDb } from "../../db/client";
import { planCommit } from "./plan";
import type { CommitRequest, CommitResult } from "./types";

const DEFAULT_COMMIT_TIMEOUT_MS = 25_000;

export class PublishCoordinator extends DurableObject<Bindings> {
  private queue: Promise<unknown> = Promise.resolve();
  /** Commits of this object running right now; tests read it (with runInDurableObject) to show there is never more than one. */
  running = 0;
  maxRunning = 0;
  /** Commits this object has run since it started (tests read it to see which coordinator a write went to). */
  commitsRun = 0;
  /** Tests only (set with runInDurableObject): hold the next commit this long before it plans, to outlive the timeout. */
  holdNextCommitMs = 0;
  /** Tests only: this object's timeout instead of COMMIT_TIMEOUT_MS. */
  timeoutOverrideMs = 0;

  async commit(request: CommitRequest): Promise<CommitResult> {
    const hold = this.holdNextCommitMs;
    this.holdNextCommitMs = 0;
    const work = this.queue.then(() => this.run(request, hold));
    this.queue = work.catch(() => undefined);
    const timeoutMs = this.timeoutOverrideMs || Number(this.env.COMMIT_TIMEOUT_MS) || DEFAULT_COMMIT_TIMEOUT_MS;
    try {
      const outcome = await settleWithin(work, timeoutMs);
      if (outcome === "timeout") {
        console.error(`publish commit still running after ${timeoutMs} ms; it may yet commit`);
        return { ok: false, code: "internal", message: "500 Internal Server Error - the commit did not finish in time; retry", ambiguous: true };
      }
      return outcome.value;
    } catch (error) {
      if (error instanceof AppError) return { ok: false, code: error.code, message: error.message };
      console.error("publish commit failed", error);
      return { ok: false, code: "internal", message: "500 Internal Server Error - the commit failed and nothing was published; retry" };
    }
  }

  /** A pull-through cache write of this name (src/core/forwarding/cache.ts), queued with everything else of it. */
  async cache(request: CacheCommit): Promise<CacheCommitResult> {
    const work = this.queue.then(() => planCacheCommit(createDb(this.env.DB), request));
    this.queue = work.catch(() => undefined);
    try {
      return { ok: true, file: await work };
    } catch (error) {
      console.error("cache commit failed", error);
      return { ok: false, message: "500 Internal Server Error - the cached copy could not be kept" };
    }
  }

  private async run(request: CommitRequest, holdMs: number): Promise<CommitResult> {
    this.running++;
    this.commitsRun++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
      return await planCommit(this.env.DB, request);
    } finally {
      this.running--;
    }
  }
}

/** The work's value, or "timeout"; the work itself is never abandoned (the queue still waits for it). */
async function settleWithin<T>(work: Promise<T>, ms: number): Promise<{ value: T } | "timeout"> {
  let timer: ReturnType<typeof setTimeout> = 0 as unknown as ReturnType<typeof setTimeout>;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    return await Promise.race([work.then((value) => ({ value })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
