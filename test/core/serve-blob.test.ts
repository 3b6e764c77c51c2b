// Streaming reads: ETag, Content-Length, Range (206/416), HEAD and If-None-Match (304).
import { env } from "cloudflare:workers";
import { describe, expect, it, beforeAll } from "vitest";
import { blobKey, putBlob, type StoredBlob } from "../../src/core/blobs";
import { serveBlob } from "../../src/http/serve-blob";

let blob: StoredBlob;
const file = () => ({ blobId: blob.id, fileName: "dir/digits.txt", size: blob.size, sha256: blob.sha256, sha1: blob.sha1, md5: blob.md5 });
const get = (headers: Record<string, string> = {}, method = "GET") => serveBlob(env.BLOBS, new Request("http://x/f", { method, headers }), file());

beforeAll(async () => {
  blob = await putBlob(env, new Response("0123456789").body, { contentLength: 10, maxBytes: 100 });
});

describe("serving a stored file", () => {
  it("sends the whole file with length, ETag, checksums and an attachment name", async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("0123456789");
    expect(res.headers.get("content-length")).toBe("10");
    expect(res.headers.get("etag")).toBe(`"${blob.sha256}"`);
    expect(res.headers.get("x-checksum-sha1")).toBe(blob.sha1);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="digits.txt"; filename*=UTF-8''digits.txt`);
  });

  it("answers byte ranges with 206 and impossible ones with 416", async () => {
    const mid = await get({ range: "bytes=2-4" });
    expect(mid.status).toBe(206);
    expect(await mid.text()).toBe("234");
    expect(mid.headers.get("content-range")).toBe("bytes 2-4/10");
    const suffix = await get({ range: "bytes=-3" });
    expect(await suffix.text()).toBe("789");
    const open = await get({ range: "bytes=8-" });
    expect(await open.text()).toBe("89");
    const beyond = await get({ range: "bytes=20-30" });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe("bytes */10");
  });

  it("answers HEAD with the length and no body, and If-None-Match with 304", async () => {
    const head = await get({}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("10");
    expect(await head.text()).toBe("");
    const notModified = await get({ "if-none-match": `"${blob.sha256}"` });
    expect(notModified.status).toBe(304);
  });

  it("serves a small file again from this isolate's memory, whole every time, without R2", async () => {
    const small = await putBlob(env, new Response("remember me").body, { contentLength: 11, maxBytes: 100 });
    const served = { blobId: small.id, fileName: "r.txt", size: small.size, sha256: small.sha256 };
    const request = () => serveBlob(env.BLOBS, new Request("http://x/r"), served);
    expect(await (await request()).text()).toBe("remember me");
    // Gone from R2 (it never is while a row names it): only the remembered copy can answer now.
    await env.BLOBS.delete(blobKey(small.id));
    for (let i = 0; i < 3; i++) {
      const again = await request();
      expect([again.status, again.headers.get("content-length"), await again.text()]).toEqual([200, "11", "remember me"]);
    }
    // A range still reads R2 (none of it is kept), so here it finds nothing.
    await expect(serveBlob(env.BLOBS, new Request("http://x/r", { headers: { range: "bytes=0-3" } }), served)).rejects.toThrow(/404/);
  });
});
