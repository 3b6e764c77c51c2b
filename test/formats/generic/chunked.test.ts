// The chunked upload API (src/core/chunked-uploads.ts through the Generic routes): start, parts
// (retryable, exact lengths, chunked bodies), status for resuming, complete with whole-file sha256
// verification, abort, refusals that keep nothing, and the cleanup of abandoned uploads.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../../src/db/client";
import { blobs, uploadSessions } from "../../../src/db/schema";
import { removeUnreferencedBlobs } from "../../../src/core/cleanup";
import { ADMIN_TOKEN, createDeployToken, createUser, addMember, ok } from "../../support/api";
import { bytesOf, call, callWithVars, chunkedStream, genericPath, putText, seedProject, sha256Hex } from "./support";

const MiB = 1024 * 1024;
const PART = 5 * MiB;

async function start(path: string, token: string, body: Record<string, unknown>, query = "") {
  return call(`${path}/uploads${query}`, { method: "POST", token, json: body });
}

function putPart(session: any, n: number, bytes: Uint8Array, token: string, headers: Record<string, string> = {}) {
  return call(new URL(session.part_url_template.replace("{part_number}", String(n))).pathname, {
    method: "PUT",
    token,
    body: bytes,
    headers: { "content-length": String(bytes.byteLength), ...headers },
  });
}

const pathOf = (url: string) => new URL(url).pathname;

async function blobState(blobId: string) {
  return { row: await createDb(env.DB).select().from(blobs).where(eq(blobs.id, blobId)).get(), object: await env.BLOBS.head(`blobs/${blobId}`) };
}

async function sessionRow(id: string) {
  return createDb(env.DB).select().from(uploadSessions).where(eq(uploadSessions.id, id)).get();
}

describe("chunked uploads", () => {
  it("uploads a file in parts, resumes from the status document, verifies and publishes it", async () => {
    const { project, developer } = await seedProject();
    const data = bytesOf(2 * PART + 1234, 3);
    const path = genericPath(project.id, "large", "1.0.0", "dist/large.bin");
    const started = await start(path, developer.token, { size: data.byteLength, sha256: await sha256Hex(data), part_size: PART });
    expect(started.status).toBe(201);
    const session = await started.json<any>();
    expect(session).toMatchObject({ state: "open", size: data.byteLength, part_size: PART, part_count: 3, parts: [], missing_parts: [1, 2, 3] });
    expect(started.headers.get("location")).toBe(session.upload_url);

    // Nothing is visible before completion.
    expect((await call(path, { token: developer.token })).status).toBe(404);

    // Parts in any order; the last one as a chunked body.
    expect((await putPart(session, 3, data.subarray(2 * PART), developer.token)).status).toBe(200);
    const part1 = await putPart(session, 1, data.subarray(0, PART), developer.token);
    expect(part1.status).toBe(200);
    expect(await part1.json()).toMatchObject({ part_number: 1, size: PART });

    const status = await ok(call(pathOf(session.upload_url), { token: developer.token }));
    expect(status.missing_parts).toEqual([2]);
    expect(status.parts.map((p: any) => p.part_number)).toEqual([1, 3]);

    const incomplete = await call(pathOf(session.complete_url), { method: "POST", token: developer.token });
    expect(incomplete.status).toBe(400);
    expect((await incomplete.json<any>()).message).toMatch(/missing parts: 2/);

    const part2 = data.subarray(PART, 2 * PART);
    const chunked = await call(pathOf(session.part_url_template.replace("{part_number}", "2")), {
      method: "PUT",
      token: developer.token,
      body: chunkedStream([part2.subarray(0, MiB), part2.subarray(MiB)]),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(200);

    const done = await call(`${pathOf(session.complete_url)}?select=package_file`, { method: "POST", token: developer.token });
    expect(done.status).toBe(201);
    const record = await done.json<any>();
    expect(record).toMatchObject({ file_name: "dist%2Flarge.bin", size: data.byteLength, file_sha256: await sha256Hex(data), file_md5: null, file_sha1: null });

    const down = await call(path, { token: developer.token });
    expect(down.status).toBe(200);
    expect(await sha256Hex(new Uint8Array(await down.arrayBuffer()))).toBe(record.file_sha256);
    expect((await sessionRow(session.id))!.state).toBe("completed");
    // A completed session takes no more parts and cannot complete twice.
    expect((await putPart(session, 1, data.subarray(0, PART), developer.token)).status).toBe(409);
    expect((await call(pathOf(session.complete_url), { method: "POST", token: developer.token })).status).toBe(409);
  });

  it("lets a part be retried (the last upload of a part number counts)", async () => {
    const { project, developer } = await seedProject();
    const data = bytesOf(PART + 10, 5);
    const path = genericPath(project.id, "retry", "1.0.0", "r.bin");
    const session = await ok(start(path, developer.token, { size: data.byteLength, sha256: await sha256Hex(data), part_size: PART }), 201);
    expect((await putPart(session, 1, bytesOf(PART, 99), developer.token)).status).toBe(200);
    expect((await putPart(session, 1, data.subarray(0, PART), developer.token)).status).toBe(200);
    expect((await putPart(session, 2, data.subarray(PART), developer.token)).status).toBe(200);
    const status = await ok(call(pathOf(session.upload_url), { token: developer.token }));
    expect(status.parts).toHaveLength(2);
    expect((await call(pathOf(session.complete_url), { method: "POST", token: developer.token })).status).toBe(201);
    const down = await call(path, { token: developer.token });
    expect(await sha256Hex(new Uint8Array(await down.arrayBuffer()))).toBe(await sha256Hex(data));
  });

  it("records parts uploaded in parallel without losing one", async () => {
    const { project, developer } = await seedProject();
    const data = bytesOf(4 * PART, 11);
    const session = await ok(start(genericPath(project.id, "par", "1.0.0", "p.bin"), developer.token, { size: data.byteLength, sha256: await sha256Hex(data), part_size: PART }), 201);
    const results = await Promise.all([1, 2, 3, 4].map((n) => putPart(session, n, data.subarray((n - 1) * PART, n * PART), developer.token)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const status = await ok(call(pathOf(session.upload_url), { token: developer.token }));
    expect(status.missing_parts).toEqual([]);
    expect((await call(pathOf(session.complete_url), { method: "POST", token: developer.token })).status).toBe(201);
  });

  it("can complete again after a complete was cut off once the parts were assembled", async () => {
    const { project, developer } = await seedProject();
    const data = bytesOf(PART + 77, 21);
    const path = genericPath(project.id, "again", "1.0.0", "a.bin");
    const session = await ok(start(path, developer.token, { size: data.byteLength, sha256: await sha256Hex(data), part_size: PART }), 201);
    await ok(putPart(session, 1, data.subarray(0, PART), developer.token));
    await ok(putPart(session, 2, data.subarray(PART), developer.token));
    // What an interrupted complete leaves behind: the object assembled, the session still open.
    const row = (await sessionRow(session.id))!;
    await env.BLOBS.resumeMultipartUpload(`blobs/${row.blobId}`, row.r2UploadId).complete(row.parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })));
    expect(row.state).toBe("open");
    expect((await call(pathOf(session.complete_url), { method: "POST", token: developer.token })).status).toBe(201);
    const down = await call(path, { token: developer.token });
    expect(await sha256Hex(new Uint8Array(await down.arrayBuffer()))).toBe(await sha256Hex(data));
  });

  it("refuses parts of the wrong length or number", async () => {
    const { project, developer } = await seedProject();
    const session = await ok(start(genericPath(project.id, "len", "1.0.0", "l.bin"), developer.token, { size: PART + 10, sha256: "a".repeat(64), part_size: PART }), 201);
    expect((await putPart(session, 1, new Uint8Array(PART - 1), developer.token)).status).toBe(400);
    expect((await putPart(session, 2, new Uint8Array(11), developer.token)).status).toBe(400);
    expect((await putPart(session, 3, new Uint8Array(10), developer.token)).status).toBe(400);
    const shortChunked = await call(pathOf(session.part_url_template.replace("{part_number}", "2")), {
      method: "PUT",
      token: developer.token,
      body: chunkedStream([new Uint8Array(5)]),
      duplex: "half",
    } as RequestInit);
    expect(shortChunked.status).toBe(400);
    const status = await ok(call(pathOf(session.upload_url), { token: developer.token }));
    expect(status.parts).toEqual([]);
  });

  it("rejects a file whose sha256 does not match, keeps nothing, and publishes nothing", async () => {
    const { project, developer } = await seedProject();
    const data = bytesOf(PART + 100, 9);
    const path = genericPath(project.id, "bad", "1.0.0", "b.bin");
    const session = await ok(start(path, developer.token, { size: data.byteLength, sha256: await sha256Hex("something else"), part_size: PART }), 201);
    await ok(putPart(session, 1, data.subarray(0, PART), developer.token));
    await ok(putPart(session, 2, data.subarray(PART), developer.token));
    const row = (await sessionRow(session.id))!;
    const done = await call(pathOf(session.complete_url), { method: "POST", token: developer.token });
    expect(done.status).toBe(400);
    expect((await done.json<any>()).message).toMatch(/sha256 checksum mismatch/);
    expect((await call(path, { token: developer.token })).status).toBe(404);
    expect((await sessionRow(session.id))!.state).toBe("aborted");
    expect(await blobState(row.blobId)).toEqual({ row: undefined, object: null });
  });

  it("aborts an upload: 204, its bytes are gone and it takes no more parts", async () => {
    const { project, developer } = await seedProject();
    const session = await ok(start(genericPath(project.id, "ab", "1.0.0", "a.bin"), developer.token, { size: PART + 1, sha256: "b".repeat(64), part_size: PART }), 201);
    await ok(putPart(session, 1, new Uint8Array(PART), developer.token));
    const row = (await sessionRow(session.id))!;
    expect((await call(pathOf(session.upload_url), { method: "DELETE", token: developer.token })).status).toBe(204);
    expect(await blobState(row.blobId)).toEqual({ row: undefined, object: null });
    expect((await putPart(session, 2, new Uint8Array(1), developer.token)).status).toBe(409);
    expect((await call(pathOf(session.upload_url), { method: "DELETE", token: developer.token })).status).toBe(409);
  });

  it("refuses a completed duplicate by the group setting and discards its bytes", async () => {
    const { group, project, developer } = await seedProject();
    const path = genericPath(project.id, "dup", "1.0.0", "d.bin");
    await ok(putText(path, "first", { token: developer.token }), 201);
    await ok(call(`/api/v4/groups/${group.id}`, { method: "PUT", token: ADMIN_TOKEN, json: { package_settings: { generic_duplicates_allowed: false } } }));
    const data = bytesOf(1000, 2);
    const session = await ok(start(path, developer.token, { size: 1000, sha256: await sha256Hex(data) }), 201);
    await ok(putPart(session, 1, data, developer.token));
    const row = (await sessionRow(session.id))!;
    const done = await call(pathOf(session.complete_url), { method: "POST", token: developer.token });
    expect(done.status).toBe(400);
    expect(await done.json()).toEqual({ message: "400 Bad request - Duplicate package is not allowed" });
    expect(await blobState(row.blobId)).toEqual({ row: undefined, object: null });
    expect(new TextDecoder().decode(await (await call(path, { token: developer.token })).arrayBuffer())).toBe("first");
  });

  it("publishes hidden when started with status=hidden", async () => {
    const { project, developer } = await seedProject();
    const data = bytesOf(100, 4);
    const path = genericPath(project.id, "hid", "1.0.0", "h.bin");
    const session = await ok(start(path, developer.token, { size: 100, sha256: await sha256Hex(data) }, "?status=hidden"), 201);
    await ok(putPart(session, 1, data, developer.token));
    expect((await call(pathOf(session.complete_url), { method: "POST", token: developer.token })).status).toBe(201);
    const hidden = await ok(call(`/api/v4/projects/${project.id}/packages?status=hidden`, { token: developer.token }));
    expect(hidden.map((p: any) => p.name)).toEqual(["hid"]);
    expect((await call(path, { token: developer.token })).status).toBe(200);
  });

  it("validates the start request", async () => {
    const { project, developer } = await seedProject();
    const path = genericPath(project.id, "v", "1.0.0", "v.bin");
    expect((await start(path, developer.token, { size: 0, sha256: "a".repeat(64) })).status).toBe(400);
    expect((await start(path, developer.token, { size: 10, sha256: "xyz" })).status).toBe(400);
    expect((await start(path, developer.token, { size: 10, sha256: "a".repeat(64), part_size: 1024 })).status).toBe(400);
    expect((await start(path, developer.token, { size: 10, sha256: "a".repeat(64), status: "error" })).status).toBe(400);
    expect((await call(`${path}/uploads`, { method: "POST", token: developer.token, body: "{nope", headers: { "content-type": "application/json" } })).status).toBe(400);
    const tooLarge = await callWithVars({ MAX_UPLOAD_BYTES: "1000" }, `${path}/uploads`, {
      method: "POST",
      token: developer.token,
      body: JSON.stringify({ size: 1001, sha256: "a".repeat(64) }),
      headers: { "content-type": "application/json" },
    });
    expect(tooLarge.status).toBe(413);
    // More than 10,000 parts of the requested size: the part size grows to fit.
    const huge = await ok(
      callWithVars({ MAX_UPLOAD_BYTES: String(100 * 1024 ** 3) }, `${path}/uploads`, {
        method: "POST",
        token: developer.token,
        body: JSON.stringify({ size: 10_001 * PART, sha256: "a".repeat(64), part_size: PART }),
        headers: { "content-type": "application/json" },
      }),
      201,
    );
    expect(huge.part_count).toBeLessThanOrEqual(10_000);
    expect(huge.part_size).toBeGreaterThan(PART);
    await ok(call(pathOf(huge.upload_url), { method: "DELETE", token: developer.token }), 204);
  });

  it("keeps sessions to their project and file, and to writers", async () => {
    const { project, developer } = await seedProject();
    const { project: other, developer: otherDeveloper } = await seedProject();
    const reporter = await createUser();
    await addMember("projects", project.id, reporter.id, 20);
    const readToken = await createDeployToken("projects", project.id, ["read_package_registry"]);
    const session = await ok(start(genericPath(project.id, "own", "1.0.0", "o.bin"), developer.token, { size: 10, sha256: "c".repeat(64) }), 201);
    const statusPath = pathOf(session.upload_url);
    expect((await call(statusPath, { token: developer.token })).status).toBe(200);
    expect((await call(statusPath, { token: reporter.token })).status).toBe(403);
    expect((await call(statusPath, { headers: { "DEPLOY-TOKEN": readToken.token } })).status).toBe(403);
    expect((await call(statusPath)).status).toBe(401);
    // The same id under another project or another file is not found.
    expect((await call(statusPath.replace(`/projects/${project.id}/`, `/projects/${other.id}/`), { token: otherDeveloper.token })).status).toBe(404);
    expect((await call(statusPath.replace("/o.bin/", "/x.bin/"), { token: developer.token })).status).toBe(404);
    expect((await call(statusPath.replace(/uploads\/[0-9a-f-]+$/, `uploads/${crypto.randomUUID()}`), { token: developer.token })).status).toBe(404);
  });

  it("has abandoned uploads aborted by the scheduled cleanup after the grace period", async () => {
    const { project, developer } = await seedProject();
    const session = await ok(start(genericPath(project.id, "old", "1.0.0", "o.bin"), developer.token, { size: PART + 1, sha256: "d".repeat(64), part_size: PART }), 201);
    await ok(putPart(session, 1, new Uint8Array(PART), developer.token));
    const row = (await sessionRow(session.id))!;
    // Age this session and its blob past the grace period (60 s in the test config).
    const old = new Date(Date.now() - 3600_000);
    const db = createDb(env.DB);
    await db.update(uploadSessions).set({ createdAt: old }).where(eq(uploadSessions.id, session.id)).run();
    await db.update(blobs).set({ createdAt: old }).where(eq(blobs.id, row.blobId)).run();
    const removed = await removeUnreferencedBlobs(env);
    expect(removed.uploads).toBeGreaterThanOrEqual(1);
    expect((await sessionRow(session.id))?.state ?? "deleted").not.toBe("open");
    expect(await blobState(row.blobId)).toEqual({ row: undefined, object: null });
    expect((await putPart(session, 2, new Uint8Array(1), developer.token)).status).not.toBe(200);
  });
});
