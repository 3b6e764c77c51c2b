// The streaming multipart/form-data reader (src/http/multipart.ts): boundaries split at every chunk
// size, BYOB byte streams, skipped parts, truncated bodies, capped fields, dispositions.
import { describe, expect, it } from "vitest";
import { boundaryOf, MultipartReader, parseDisposition, readPartText } from "../../src/http/multipart";

const enc = new TextEncoder();

/** A stream that hands out `bytes` in pieces of `size`, to split boundaries across chunks. */
function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

/** A byte stream (as a request body is) that answers each read with at most `size` bytes. */
function byteStream(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    type: "bytes",
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

describe("multipart reader", () => {
  const body = enc.encode(
    "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nacme\r\n" +
      "--XyZ\r\nContent-Disposition: form-data; name=\"content\"; filename=\"a \\\"b\\\".whl\"\r\nContent-Type: application/octet-stream\r\n\r\n" +
      "\r\n--XY not a boundary\r\n--XyQ-ish\r\n" +
      "\r\n--XyZ  \r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n--XyZ--\r\nepilogue",
  );

  it("reads fields and file bytes with the boundary split at every chunk size", async () => {
    for (const size of [1, 2, 3, 5, 8, 64, 4096]) {
      const reader = new MultipartReader(chunked(body, size), "XyZ");
      const first = (await reader.next())!;
      expect(first.name).toBe("name");
      expect(await readPartText(first, 100)).toBe("acme");
      const file = (await reader.next())!;
      expect(file).toMatchObject({ name: "content", filename: 'a "b".whl', contentType: "application/octet-stream" });
      expect(await readPartText(file, 100)).toBe("\r\n--XY not a boundary\r\n--XyQ-ish\r\n");
      const empty = (await reader.next())!;
      expect(await readPartText(empty, 100)).toBe("");
      expect(await reader.next()).toBeNull();
    }
  });

  it("reads a byte stream in BYOB mode with the same result", async () => {
    for (const size of [1, 7, 4096]) {
      const reader = new MultipartReader(byteStream(body, size), "XyZ");
      expect(await readPartText((await reader.next())!, 100)).toBe("acme");
      expect(await readPartText((await reader.next())!, 100)).toBe("\r\n--XY not a boundary\r\n--XyQ-ish\r\n");
      expect(await readPartText((await reader.next())!, 100)).toBe("");
      expect(await reader.next()).toBeNull();
    }
    const big = new Uint8Array(700_000).map((_, i) => (i * 13) & 255);
    const framed = new Uint8Array([...enc.encode('--b\r\nContent-Disposition: form-data; name="content"; filename="x.whl"\r\n\r\n'), ...big, ...enc.encode("\r\n--b--\r\n")]);
    const reader = new MultipartReader(byteStream(framed, 8192), "b");
    const part = (await reader.next())!;
    const received = new Uint8Array(await new Response(part.body).arrayBuffer());
    expect(received.length).toBe(big.length);
    expect(received).toEqual(big);
    expect(await reader.next()).toBeNull();
  });

  it("skips an unread part and fails on a body cut before its closing boundary", async () => {
    const reader = new MultipartReader(chunked(body, 3), "XyZ");
    await reader.next();
    expect((await reader.next())!.name).toBe("content");
    expect((await reader.next())!.name).toBe("empty");
    const cut = new MultipartReader(chunked(body.slice(0, 120), 16), "XyZ");
    await cut.next();
    await expect((async () => {
      const part = await cut.next();
      await readPartText(part!, 1000);
    })()).rejects.toThrow(/ended before its closing boundary/);
  });

  it("caps text fields and reads boundaries and dispositions", async () => {
    const reader = new MultipartReader(chunked(body, 4096), "XyZ");
    await expect(readPartText((await reader.next())!, 2)).rejects.toThrow(/longer than 2 bytes/);
    expect(boundaryOf('multipart/form-data; charset=utf-8; boundary="a b"')).toBe("a b");
    expect(boundaryOf("multipart/form-data; boundary=abc")).toBe("abc");
    expect(() => boundaryOf("application/json")).toThrow(/multipart/);
    expect(parseDisposition("form-data; name=content; filename*=UTF-8''na%C3%AFve.whl")).toEqual({ name: "content", filename: "naïve.whl" });
    expect(() => parseDisposition("attachment; name=x")).toThrow();
  });
});
