// HTTP for the importer: a rate limiter and retries (network errors, 429, 5xx) toward the source, a bounded
// pool for the work, and a hashing tap that checks a stream against the digests its source declared.
import { createHash } from "node:crypto";
import { digestMismatches } from "./parse.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** At most `perSecond` starts per second (0: no limit); callers wait their turn in order. */
export class RateLimiter {
  constructor(perSecond) {
    this.interval = perSecond > 0 ? 1000 / perSecond : 0;
    this.next = 0;
  }
  async take() {
    if (this.interval === 0) return;
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + this.interval;
    if (at > now) await sleep(at - now);
  }
}

export class HttpError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

const retryable = (status) => status === 429 || status >= 500;

/**
 * fetch with `attempts` tries. `init` is a function so a streamed body can be made again for each try.
 * Resolves with the Response of the last try (the caller decides what a 4xx means); throws on network errors.
 */
export async function request(url, init = () => ({}), { attempts = 3, limiter, timeoutMs = 300_000 } = {}) {
  let lastError;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (limiter) await limiter.take();
    try {
      const options = typeof init === "function" ? await init() : init;
      const res = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(timeoutMs), ...options, ...(options.body && typeof options.body.getReader === "function" ? { duplex: "half" } : {}) });
      if (!retryable(res.status) || attempt === attempts) return res;
      const after = Number(res.headers.get("retry-after"));
      await res.body?.cancel();
      await sleep(Number.isFinite(after) && after > 0 ? Math.min(after * 1000, 30_000) : 250 * 2 ** attempt);
    } catch (error) {
      // The source's bytes disagree with its checksum: a retry would read the same bytes.
      if (error?.name === "DigestError") throw error;
      if (error?.cause?.name === "DigestError") throw error.cause;
      lastError = error;
      if (attempt === attempts) break;
      await sleep(250 * 2 ** attempt);
    }
  }
  throw new Error(`${url}: ${lastError?.cause?.message ?? lastError?.message ?? lastError}`);
}

/** request() that must answer 2xx: throws an HttpError with the status and the start of the body otherwise. */
export async function requestOk(url, init, options) {
  const res = await request(url, init, options);
  if (!res.ok) {
    const text = (await res.text().catch(() => "")).slice(0, 300);
    throw new HttpError(`${init && typeof init === "function" ? ((await init()).method ?? "GET") : "GET"} ${url} → ${res.status} ${text}`.trim(), res.status);
  }
  return res;
}

export async function getJson(url, headers, options) {
  const res = await requestOk(url, () => ({ headers: { accept: "application/json", ...headers } }), options);
  return res.json();
}

/** Runs `worker(item)` over `items` (an array or async iterable) with at most `concurrency` at once. */
export async function pool(items, concurrency, worker) {
  const iterator = (items[Symbol.asyncIterator] ?? items[Symbol.iterator]).call(items);
  let done = false;
  const lane = async () => {
    for (;;) {
      if (done) return;
      const next = await iterator.next();
      if (next.done) {
        done = true;
        return;
      }
      await worker(next.value);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

class DigestError extends Error {
  name = "DigestError";
}

/**
 * Passes `stream` through, hashing it (md5, sha1, sha256, sha512); at its end the digests are compared with
 * `declared` and a mismatch errors the stream, so an upload reading it is aborted and never committed.
 */
export function hashingTap(stream, declared = {}) {
  const hashes = { md5: createHash("md5"), sha1: createHash("sha1"), sha256: createHash("sha256"), sha512: createHash("sha512") };
  const result = { digests: null, size: 0 };
  const tap = new TransformStream({
    transform(chunk, controller) {
      for (const h of Object.values(hashes)) h.update(chunk);
      result.size += chunk.byteLength;
      controller.enqueue(chunk);
    },
    flush(controller) {
      result.digests = Object.fromEntries(Object.entries(hashes).map(([k, h]) => [k, h.digest("hex")]));
      const wrong = digestMismatches(declared, result.digests);
      if (wrong.length) controller.error(new DigestError(`checksum mismatch (${wrong.join("; ")})`));
    },
  });
  return { stream: stream.pipeThrough(tap), result };
}

/** Reads a whole (small) stream, checking its digests; returns the bytes and the digests. */
export async function readVerified(stream, declared) {
  const { stream: tapped, result } = hashingTap(stream, declared);
  const bytes = new Uint8Array(await new Response(tapped).arrayBuffer());
  return { bytes, digests: result.digests };
}
