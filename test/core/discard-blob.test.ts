// discardBlob removes only what no package file references: the row first (guarded by NOT EXISTS
// package_files), the object second. A refused Generic upload keeps nothing; a published blob is never removed.
import { recordingBucket } from "../support/recording-bucket";
import { env } from "cloudflare:workers";
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ANONYMOUS } from "../../src/core/auth/actor";
import { discardBlob, putBlob } from "../../src/core/blobs";
import { commitPackage } from "../../src/core/publish/client";
import { Registry } from "../../src/core/registry";
import { createDb } from "../../src/db/client";
import { blobs, packageFiles, packages } from "../../src/db/schema";
import { ADMIN_TOKEN, ok } from "../support/api";
import { NO_AUTHOR } from "../support/packages";
import { call, callWithVars, chunkedStream, genericPath, putText, seedProject } from "../formats/generic/support";

const db = () => createDb(env.DB);
const idOf = (key: string) => key.replace(/^blobs\//, "");
const rowOf = (id: string) => db().select().from(blobs).where(eq(blobs.id, id)).get();
const objectOf = (id: string) => env.BLOBS.head(`blobs/${id}`);

async function publishedBlobIds(projectId: number): Promise<string[]> {
  const rows = await db().select({ blobId: packageFiles.blobId }).from(packageFiles).innerJoin(packages, eq(packages.id, packageFiles.packageId)).where(eq(packages.projectId, projectId)).all();
  return rows.map((r) => r.blobId);
}

async function refuseDuplicates(groupId: number) {
  await ok(call(`/api/v4/groups/${groupId}`, { method: "PUT", token: ADMIN_TOKEN, json: { package_settings: { generic_duplicates_allowed: false } } }));
}

describe("discarding blobs", () => {
  it("keeps no blob row and no R2 object of a Generic upload refused as a duplicate", async () => {
    const { group, project, developer } = await seedProject();
    const path = genericPath(project.id, "tool", "1.0.0", "a.bin");
    await ok(putText(path, "first", { token: developer.token }), 201);
    await refuseDuplicates(group.id);
    const bodies: [string, RequestInit][] = [
      ["a known length (one put)", { body: "second", headers: { "content-length": "6" } }],
      ["a chunked body (R2 multipart)", { body: chunkedStream([new Uint8Array(9 * 1024 * 1024)]), duplex: "half" } as RequestInit],
    ];
    for (const [label, init] of bodies) {
      const recorder = recordingBucket(env.BLOBS);
      const refused = await callWithVars({ BLOBS: recorder.bucket } as never, path, { method: "PUT", token: developer.token, ...init });
      expect(refused.status, label).toBe(400);
      expect(await refused.json()).toEqual({ message: "400 Bad request - Duplicate package is not allowed" });
      expect(recorder.keys.length, label).toBe(1);
      const ids = recorder.keys.map(idOf);
      expect(await db().select().from(blobs).where(inArray(blobs.id, ids)).all(), label).toEqual([]);
      for (const id of ids) expect(await objectOf(id), label).toBeNull();
    }
    expect(new TextDecoder().decode(await (await call(path, { token: developer.token })).arrayBuffer())).toBe("first");
  });

  it("never removes a blob that a publish committed", async () => {
    const { project, developer } = await seedProject();
    const path = genericPath(project.id, "tool", "1.0.0", "kept.bin");
    await ok(putText(path, "kept", { token: developer.token }), 201);
    const [blobId] = await publishedBlobIds(project.id);
    expect(blobId).toBeDefined();

    await discardBlob(env, blobId!);
    const stored = { id: blobId!, size: 4, md5: "", sha1: "", sha256: "", sha512: "" };
    await new Registry(env, ANONYMOUS).discardBlob(stored);

    expect(await rowOf(blobId!)).toBeDefined();
    expect(await objectOf(blobId!)).not.toBeNull();
    expect(new TextDecoder().decode(await (await call(path, { token: developer.token })).arrayBuffer())).toBe("kept");
  });

  it("leaves no package file pointing at a missing object when a discard races the commit of its blob", async () => {
    const { project } = await seedProject();
    const target = { projectId: project.id, packageType: "generic", name: "race", normalizedName: "race" };
    // The discard starts at once (-1: it wins) or after a timer (the commit wins); whichever wins, the invariant holds.
    for (const [i, delayMs] of [-1, 0, 1, 2, 5, 10].entries()) {
      const text = `race ${i}`;
      const blob = await putBlob(env, new Response(text).body, { contentLength: text.length, maxBytes: 100 });
      const publish = { kind: "publish" as const, version: `1.0.${i}`, files: [{ blob, fileName: "r.bin" }], duplicates: { kind: "allow" as const } };
      const discard = delayMs < 0 ? discardBlob(env, blob.id) : new Promise((resolve) => setTimeout(resolve, delayMs)).then(() => discardBlob(env, blob.id));
      const [committed] = await Promise.allSettled([commitPackage(env, { ...target, ops: [publish], author: NO_AUTHOR }), discard]);
      const referenced = await db().select().from(packageFiles).where(eq(packageFiles.blobId, blob.id)).all();
      // Either the commit landed and the blob is whole, or the discard won and the commit was refused (foreign key).
      expect(referenced.length, `delay ${delayMs}`).toBe(committed.status === "fulfilled" ? 1 : 0);
      if (referenced.length > 0) {
        expect(await rowOf(blob.id)).toBeDefined();
        expect(await objectOf(blob.id)).not.toBeNull();
      } else {
        expect(await rowOf(blob.id)).toBeUndefined();
      }
    }
  });

  it("removes the row before the object, so a failed object delete leaves nothing that points at it", async () => {
    const blob = await putBlob(env, new Response("orphan").body, { contentLength: 6, maxBytes: 100 });
    const failingDelete = new Proxy(env.BLOBS, {
      get: (target, prop) => (prop === "delete" ? () => Promise.reject(new Error("R2 unavailable")) : Reflect.get(target, prop).bind(target)),
    });
    await expect(discardBlob({ ...env, BLOBS: failingDelete }, blob.id)).rejects.toThrow("R2 unavailable");
    expect(await rowOf(blob.id)).toBeUndefined();
    expect(await objectOf(blob.id)).not.toBeNull(); // an object without a row is never read; nothing references it
  });
});
