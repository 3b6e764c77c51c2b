// The blob store's digests (src/core/blobs.ts, src/core/digests.ts): sha256 always and only the digests
// a format asks for, whatever way the body arrives (one put or R2 multipart); a declared digest goes to
// R2's put, which refuses wrong bytes (a 400, keeping nothing); other declared digests are checked here.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { putBlob, STREAM_PART_SIZE } from "../../src/core/blobs";
import { planDigests } from "../../src/core/digests";
import { createDb } from "../../src/db/client";
import { blobs } from "../../src/db/schema";

const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
async function digestsOf(bytes: Uint8Array) {
  const d = (algorithm: string) => crypto.subtle.digest(algorithm, bytes).then(hex);
  return { md5: await d("MD5"), sha1: await d("SHA-1"), sha256: await d("SHA-256"), sha512: await d("SHA-512") };
}

/** Deterministic bytes, different at every offset. */
function bytesOf(size: number, seed = 7): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed + (i >> 11)) & 0xff;
  return out;
}

/** A request body (a byte stream of known length, as a client's upload reaches the Worker). */
const requestBody = (bytes: Uint8Array) => new Request("http://x/", { method: "PUT", body: bytes }).body!;

/** A plain JS stream of unknown length, in chunks of `chunk` bytes (as a multipart part or npm attachment). */
function jsStream(bytes: Uint8Array, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
}

/** The real R2 binding, recording the options of every put. */
function recordingPuts() {
  const puts: R2PutOptions[] = [];
  const bucket = new Proxy(env.BLOBS, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (prop === "put") {
        return (key: string, body: unknown, options: R2PutOptions = {}) => {
          puts.push(options);
          return (value as R2Bucket["put"]).call(target, key, body as ReadableStream, options);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { env: { DB: env.DB, BLOBS: bucket }, puts };
}

const blobCount = () => createDb(env.DB).$count(blobs);
const stored = async (id: string) => new Uint8Array(await (await env.BLOBS.get(`blobs/${id}`))!.arrayBuffer());

describe("blob digests", () => {
  const small = bytesOf(300_000);
  const large = bytesOf(STREAM_PART_SIZE + 1_500_000, 11);

  const ways: [string, (bytes: Uint8Array) => [ReadableStream<Uint8Array>, number | null]][] = [
    ["a request body of known length (one put)", (b) => [requestBody(b), b.byteLength]],
    ["a JS stream of known length (one put)", (b) => [jsStream(b, 4096), b.byteLength]],
    ["a stream of unknown length (one put below a part)", (b) => [jsStream(b), null]],
  ];
  for (const [label, make] of ways) {
    it(`keeps sha256 and only the digests asked for, from ${label}`, async () => {
      const want = await digestsOf(small);
      const [body, length] = make(small);
      const none = await putBlob(env, body, { contentLength: length, maxBytes: 1 << 30 });
      expect(none).toMatchObject({ size: small.byteLength, sha256: want.sha256, md5: null, sha1: null, sha512: null });
      const [again, againLength] = make(small);
      const all = await putBlob(env, again, { contentLength: againLength, maxBytes: 1 << 30, digests: ["md5", "sha1", "sha512"] });
      expect(all).toMatchObject({ size: small.byteLength, ...want });
      expect(await stored(all.id)).toEqual(small);
    });
  }

  it("hashes every part of a body stored through R2 multipart, byte stream or not", async () => {
    const want = await digestsOf(large);
    for (const body of [jsStream(large, 100_000), requestBody(large)]) {
      const blob = await putBlob(env, body, { contentLength: null, maxBytes: 1 << 30, digests: ["md5", "sha1", "sha512"] });
      expect(blob).toMatchObject({ size: large.byteLength, ...want });
      expect((await env.BLOBS.head(`blobs/${blob.id}`))?.size).toBe(large.byteLength);
    }
  });

  it("hands a declared digest to R2's put instead of hashing it, and takes md5 from R2", async () => {
    const want = await digestsOf(small);
    const recording = recordingPuts();
    const blob = await putBlob(recording.env, requestBody(small), {
      contentLength: small.byteLength,
      maxBytes: 1 << 30,
      expected: { sha256: want.sha256, sha1: want.sha1.toUpperCase() },
      digests: ["md5", "sha1"],
    });
    expect(blob).toMatchObject({ sha256: want.sha256, sha1: want.sha1, md5: want.md5, sha512: null });
    expect(recording.puts).toEqual([expect.objectContaining({ sha256: want.sha256 })]);
  });

  const refusals: [string, (b: Uint8Array) => [ReadableStream<Uint8Array>, number | null]][] = [
    ["a body of known length", (b) => [requestBody(b), b.byteLength]],
    ["a small body of unknown length", (b) => [jsStream(b), null]],
  ];
  for (const [label, make] of refusals) {
    it(`answers a wrong declared digest that R2 refuses with a 400 naming it, keeping nothing (${label})`, async () => {
      const recording = recordingPuts();
      const before = await blobCount();
      const wrong = (await digestsOf(bytesOf(10))).sha512;
      const [body, length] = make(small);
      const error = await putBlob(recording.env, body, { contentLength: length, maxBytes: 1 << 30, expected: { sha512: wrong } }).catch((e) => e);
      expect(error).toMatchObject({ code: "digest_mismatch" });
      expect(error.message).toContain(`sha512 checksum mismatch: declared ${wrong}`);
      expect(recording.puts).toEqual([expect.objectContaining({ sha512: wrong })]); // R2 judged it, not our hashing
      expect(await blobCount()).toBe(before);
    });
  }

  it("checks the declared digests R2 does not verify itself: md5 against R2's, others against its own hashing", async () => {
    const want = await digestsOf(small);
    const before = await blobCount();
    const cases: Record<string, string>[] = [
      { md5: "0".repeat(32) }, // one put: R2's md5
      { sha256: want.sha256, sha1: "1".repeat(40) }, // sha256 goes to R2, sha1 is hashed here
    ];
    for (const expected of cases) {
      await expect(putBlob(env, requestBody(small), { contentLength: small.byteLength, maxBytes: 1 << 30, expected })).rejects.toMatchObject({ code: "digest_mismatch" });
    }
    // Multipart: R2 verifies nothing, so every declared digest is hashed here.
    await expect(putBlob(env, jsStream(large), { contentLength: null, maxBytes: 1 << 30, expected: { sha256: want.sha256 } })).rejects.toMatchObject({
      code: "digest_mismatch",
      message: expect.stringContaining("sha256 checksum mismatch"),
    });
    await expect(putBlob(env, requestBody(small), { contentLength: small.byteLength, maxBytes: 1 << 30, expected: { sha1: "not-hex" } })).rejects.toMatchObject({ code: "digest_mismatch" });
    expect(await blobCount()).toBe(before);
  });

  it("records no digest in the blob row before the commit, and keeps the size limit and exact length", async () => {
    const blob = await putBlob(env, requestBody(small), { contentLength: small.byteLength, maxBytes: 1 << 30 });
    expect(await createDb(env.DB).select().from(blobs).where(eq(blobs.id, blob.id)).get()).toMatchObject({ sha256: null, md5: null });
    await expect(putBlob(env, jsStream(small), { contentLength: null, maxBytes: 1000 })).rejects.toMatchObject({ code: "payload_too_large" });
    await expect(putBlob(env, jsStream(small), { contentLength: small.byteLength + 1, maxBytes: 1 << 30 })).rejects.toMatchObject({ code: "bad_request" });
    await expect(putBlob(env, jsStream(small), { contentLength: small.byteLength - 1, maxBytes: 1 << 30 })).rejects.toMatchObject({ code: "bad_request" });
  });
});

describe("planDigests", () => {
  it("hands R2 the costliest declared digest of a single put, never md5, and nothing for multipart", () => {
    expect(planDigests([], {}, true)).toEqual({ handToR2: null, md5FromR2: false, compute: ["sha256"] });
    expect(planDigests(["md5", "sha1"], { sha1: "a" }, true)).toEqual({ handToR2: "sha1", md5FromR2: true, compute: ["sha256"] });
    expect(planDigests(["md5"], { md5: "a", sha256: "b" }, true)).toEqual({ handToR2: "sha256", md5FromR2: true, compute: [] });
    expect(planDigests(["sha1", "sha512"], { sha1: "a", sha512: "b" }, true)).toEqual({ handToR2: "sha512", md5FromR2: false, compute: ["sha1", "sha256"] });
    expect(planDigests(["md5"], { sha256: "b" }, false)).toEqual({ handToR2: null, md5FromR2: false, compute: ["md5", "sha256"] });
  });
});
