// The importer's stream and scheduling helpers (scripts/import/lib/http.mjs): the hashing tap that fails a
// stream whose bytes disagree with the source's checksum, the bounded pool, and the rate limiter.
import { describe, expect, it } from "vitest";
import { hashingTap, pool, RateLimiter, readVerified } from "../../scripts/import/lib/http.mjs";

const streamOf = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
      controller.close();
    },
  });

// sha256 and sha1 of "hello world"
const SHA256 = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";
const SHA1 = "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed";

describe("hashingTap and readVerified", () => {
  it("passes the bytes through and computes every digest", async () => {
    const { bytes, digests } = await readVerified(streamOf("hello ", "world"), { sha256: SHA256, sha1: SHA1.toUpperCase() });
    expect(new TextDecoder().decode(bytes)).toBe("hello world");
    expect(digests).toMatchObject({ sha256: SHA256, sha1: SHA1, md5: "5eb63bbbe01eeed093cb22bb8f5acdc3" });
  });

  it("errors the stream at its end when a declared digest disagrees", async () => {
    await expect(readVerified(streamOf("hello ", "world!"), { sha256: SHA256 })).rejects.toThrow(/checksum mismatch \(sha256: source says b94d/);
    const { stream, result } = hashingTap(streamOf("hello world"), { sha1: "0".repeat(40) });
    const reader = stream.getReader();
    await expect((async () => {
      for (;;) if ((await reader.read()).done) return;
    })()).rejects.toThrow(/sha1/);
    expect(result.size).toBe(11);
  });
});

describe("pool", () => {
  it("never runs more than the concurrency at once and runs every item, from an async iterable too", async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    async function* items() {
      for (let i = 0; i < 20; i++) yield i;
    }
    await pool(items(), 3, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 2));
      seen.push(i);
      running--;
    });
    expect(peak).toBe(3);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe("RateLimiter", () => {
  it("spaces starts at 1/rate seconds", async () => {
    const limiter = new RateLimiter(50);
    const start = Date.now();
    for (let i = 0; i < 6; i++) await limiter.take();
    // 6 starts at 50/s: the last one 100 ms after the first.
    expect(Date.now() - start).toBeGreaterThanOrEqual(95);
  });

  it("with 0 does not wait", async () => {
    const limiter = new RateLimiter(0);
    const start = Date.now();
    for (let i = 0; i < 100; i++) await limiter.take();
    expect(Date.now() - start).toBeLessThan(50);
  });
});
