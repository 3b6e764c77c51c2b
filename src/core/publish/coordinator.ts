// The publish coordinator: one Durable Object per (project, format, normalised name), through which
// every write to that package goes. It serialises writes with its own queue, because a Durable
// Object's input gate does not hold while it awaits D1 or R2.
//
//   commit(request):
//     enqueue behind every earlier commit of this object (promise chain; a failure does not break the chain)
//       read the package's current rows from D1
//       decide (duplicate rules, tag targets, what to delete) -> error result, or a list of statements
//       db.batch(statements + bump projects.packages_revision)   -- atomic; UNIQUE indexes are the second guard
//     answer a result object (errors are values: AppError does not survive RPC)
// Blobs are already in R2 when a publish arrives (src/core/blobs.ts); deletes only drop rows and
// leave the bytes to the scheduled cleanup, so no row ever points at a missing object.
import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../../env";
import { AppError } from "../errors";
import { planCommit } from "./plan";
import type { CommitRequest, CommitResult } from "./types";

const COMMIT_TIMEOUT_MS = 25_000;

export class PublishCoordinator extends DurableObject<Bindings> {
  private queue: Promise<unknown> = Promise.resolve();

  async commit(request: CommitRequest): Promise<CommitResult> {
    const run = this.queue.then(() => withTimeout(planCommit(this.env.DB, request), COMMIT_TIMEOUT_MS));
    this.queue = run.catch(() => undefined);
    try {
      return await run;
    } catch (error) {
      if (error instanceof AppError) return { ok: false, code: error.code, message: error.message };
      console.error("publish commit failed", error);
      return { ok: false, code: "internal", message: "commit failed" };
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`commit took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
