// The publish body's framing: length prefixes and JSON read across any chunking, the .crate handed on as a
// stream of exactly its declared length, and every malformed body refused with a 400 (or 413) that stores nothing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../../src/db/client";
import { blobs } from "../../../src/db/schema";
import { FramedBody } from "../../../src/formats/cargo/framing";
import { ADMIN_TOKEN, call, createGroup, createProject } from "../../support/api";
import { cargoPrefix, crateBytes, indexLines, publishBody, rawAuth } from "./support";

/** A stream that hands out `bytes` in chunks of `size` (1 = one byte at a time). */
function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const blobCount = async () => (await createDb(env.DB).select({ id: blobs.id }).from(blobs).all()).length;

describe("FramedBody", () => {
  const crate = crateBytes("framing");
  const body = publishBody({ name: "framed", vers: "1.0.0" }, crate);

  for (const size of [1, 3, 7, 4096]) {
    it(`reads the prefixes, the JSON and exactly the .crate in chunks of ${size} bytes`, async () => {
      const framed = new FramedBody(chunked(body, size));
      const jsonLength = await framed.u32("json length");
      const json = JSON.parse(new TextDecoder().decode(await framed.bytes(jsonLength, "json")));
      expect(json).toMatchObject({ name: "framed", vers: "1.0.0" });
      const crateLength = await framed.u32("crate length");
      expect(crateLength).toBe(crate.byteLength);
      expect(await readAll(framed.rest(crateLength))).toEqual(crate);
    });
  }

  it("errors when the body ends inside a part, or carries bytes after the .crate", async () => {
    await expect(new FramedBody(chunked(body.slice(0, 2), 1)).u32("the metadata length")).rejects.toThrowError("ended inside the metadata length");
    const short = new FramedBody(chunked(body.slice(0, body.byteLength - 1), 5));
    await short.bytes(await short.u32("n"), "json");
    await expect(readAll(short.rest(await short.u32("m")))).rejects.toThrowError("ended inside the .crate file");
    const long = new Uint8Array([...body, 1, 2, 3]);
    const framed = new FramedBody(chunked(long, 4));
    await framed.bytes(await framed.u32("n"), "json");
    await expect(readAll(framed.rest(await framed.u32("m")))).rejects.toThrowError("longer than the declared .crate length");
  });
});

describe("PUT api/v1/crates/new with a malformed body", () => {
  it("refuses each with cargo's errors list and keeps no blob, then takes a good publish", async () => {
    const project = await createProject((await createGroup()).id);
    const url = `${cargoPrefix(project.id)}/api/v1/crates/new`;
    const good = publishBody({ name: "malformed", vers: "1.0.0" }, crateBytes("malformed"));
    const withJson = (json: string, crate = crateBytes("x")) => {
      const j = new TextEncoder().encode(json);
      const out = new Uint8Array(8 + j.byteLength + crate.byteLength);
      const view = new DataView(out.buffer);
      view.setUint32(0, j.byteLength, true);
      out.set(j, 4);
      view.setUint32(4 + j.byteLength, crate.byteLength, true);
      out.set(crate, 8 + j.byteLength);
      return out;
    };
    const huge = new Uint8Array(8);
    new DataView(huge.buffer).setUint32(0, 64 * 1024 * 1024, true);
    const cases: [string, Uint8Array, number, RegExp][] = [
      ["empty body", new Uint8Array(0), 400, /ended inside the metadata length/],
      ["truncated JSON", good.slice(0, 20), 400, /ended inside the metadata/],
      ["not JSON", withJson("{nope"), 400, /not JSON/],
      ["invalid name", withJson(JSON.stringify({ name: "9lives", vers: "1.0.0", deps: [], features: {} })), 400, /name: is not a valid crate name/],
      ["metadata over the cap", huge, 413, /metadata is larger than/],
      ["missing .crate bytes", good.slice(0, good.byteLength - 5), 400, /body length does not match|ended inside the \.crate/],
      ["empty .crate", withJson(JSON.stringify({ name: "malformed", vers: "1.0.1", deps: [], features: {} }), new Uint8Array(0)), 400, /\.crate file is empty/],
    ];
    const before = await blobCount();
    for (const [label, body, status, message] of cases) {
      const res = await call(url, { method: "PUT", body, headers: rawAuth(ADMIN_TOKEN) });
      expect(res.status, label).toBe(status);
      const json = await res.json<{ errors: { detail: string }[] }>();
      expect(json.errors[0]!.detail, label).toMatch(message);
    }
    expect(await blobCount()).toBe(before);
    const ok = await call(url, { method: "PUT", body: good, headers: rawAuth(ADMIN_TOKEN) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ warnings: { invalid_categories: [], invalid_badges: [], other: [] } });
    expect((await indexLines(project.id, "malformed", ADMIN_TOKEN)).map((l) => l.vers)).toEqual(["1.0.0"]);
  });
});
