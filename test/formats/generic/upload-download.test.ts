// Generic PUT/GET/HEAD: answers, ?status and ?select, newest file, sub-directories, chunked bodies,
// Range, the edge cache, build info, and deletes through the Packages API.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../../src/db/client";
import { blobs, packageFiles } from "../../../src/db/schema";
import { removeUnreferencedBlobs } from "../../../src/core/cleanup";
import { ADMIN_TOKEN, createJobToken, ok } from "../../support/api";
import { bytesOf, call, chunkedStream, genericPath, putText, seedProject, sha256Hex } from "./support";

describe("generic upload and download", () => {
  it("answers 201 Created, then serves the bytes with GitLab's headers; HEAD and Range work", async () => {
    const { project, developer } = await seedProject();
    const path = genericPath(project.id, "tool", "1.0.0", "hello.txt");
    const up = await putText(path, "hello world", { token: developer.token, headers: { expect: "100-continue" } });
    expect(up.status).toBe(201);
    expect(await up.json()).toEqual({ message: "201 Created" });

    const down = await call(path, { token: developer.token });
    expect(down.status).toBe(200);
    expect(down.headers.get("content-type")).toBe("application/octet-stream");
    expect(down.headers.get("content-disposition")).toBe(`attachment; filename="hello.txt"; filename*=UTF-8''hello.txt`);
    expect(down.headers.get("x-checksum-sha256")).toBe(await sha256Hex("hello world"));
    expect(down.headers.get("x-packyard-cache")).toBe("BYPASS");
    expect(new TextDecoder().decode(await down.arrayBuffer())).toBe("hello world");

    const head = await call(path, { method: "HEAD", token: developer.token });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("11");
    expect(await head.text()).toBe("");

    const range = await call(path, { token: developer.token, headers: { range: "bytes=6-" } });
    expect(range.status).toBe(206);
    expect(range.headers.get("content-range")).toBe("bytes 6-10/11");
    expect(new TextDecoder().decode(await range.arrayBuffer())).toBe("world");
    expect((await call(path, { token: developer.token, headers: { range: "bytes=50-" } })).status).toBe(416);

    const etag = down.headers.get("etag")!;
    expect((await call(path, { token: developer.token, headers: { "if-none-match": etag } })).status).toBe(304);
  });

  it("answers the package_file record with ?select=package_file, with sha256 only (file_md5 and file_sha1 null, as in GitLab)", async () => {
    const { project, developer } = await seedProject();
    const res = await putText(`${genericPath(project.id, "tool", "2.0.0", "app.bin")}?select=package_file`, "binary", { token: developer.token });
    expect(res.status).toBe(201);
    const record = await res.json<any>();
    expect(record).toMatchObject({ file_name: "app.bin", size: 6, file_sha256: await sha256Hex("binary"), file_md5: null, file_sha1: null, file_store: 1, project_id: project.id, status: "default" });
    expect(record.file.url).toBe(`/api/v4/projects/${project.id}/packages/generic/tool/2.0.0/app.bin`);
    const files = await ok(call(`/api/v4/projects/${project.id}/packages/${record.package_id}/package_files`, { token: developer.token }));
    expect(files.map((f: any) => f.id)).toEqual([record.id]);
    expect((await putText(`${genericPath(project.id, "tool", "2.0.0", "b.bin")}?select=everything`, "x", { token: developer.token })).status).toBe(400);
  });

  it("hides ?status=hidden packages from lists but still serves their files; a bad status is 400", async () => {
    const { project, developer } = await seedProject();
    const path = genericPath(project.id, "secret", "1.0.0", "s.txt");
    expect((await putText(`${path}?status=hidden`, "psst", { token: developer.token })).status).toBe(201);
    const listed = await ok(call(`/api/v4/projects/${project.id}/packages?package_type=generic`, { token: developer.token }));
    expect(listed.map((p: any) => p.name)).not.toContain("secret");
    const hidden = await ok(call(`/api/v4/projects/${project.id}/packages?status=hidden`, { token: developer.token }));
    expect(hidden.map((p: any) => p.name)).toEqual(["secret"]);
    const down = await call(path, { token: developer.token });
    expect(down.status).toBe(200);
    expect(new TextDecoder().decode(await down.arrayBuffer())).toBe("psst");

    const bad = await putText(`${path}?status=processing`, "x", { token: developer.token });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "status does not have a valid value" });
    // A later upload with status=default makes the package visible again (GitLab updates the status).
    expect((await putText(`${genericPath(project.id, "secret", "1.0.0", "t.txt")}?status=default`, "x", { token: developer.token })).status).toBe(201);
    const relisted = await ok(call(`/api/v4/projects/${project.id}/packages?package_type=generic`, { token: developer.token }));
    expect(relisted.map((p: any) => p.name)).toEqual(["secret"]);
  });

  it("serves the newest file when several share a name", async () => {
    const { project, developer } = await seedProject();
    const path = genericPath(project.id, "tool", "1.0.0", "same.txt");
    await ok(putText(path, "first", { token: developer.token }), 201);
    await ok(putText(path, "second", { token: developer.token }), 201);
    const down = await call(path, { token: developer.token });
    expect(new TextDecoder().decode(await down.arrayBuffer())).toBe("second");
    const [pkg] = await ok(call(`/api/v4/projects/${project.id}/packages?package_type=generic`, { token: developer.token }));
    const files = await ok(call(`/api/v4/projects/${project.id}/packages/${pkg.id}/package_files`, { token: developer.token }));
    expect(files.map((f: any) => f.file_name)).toEqual(["same.txt", "same.txt"]);
  });

  it("keeps sub-directories in file names (stored percent-encoded, as GitLab does)", async () => {
    const { project, developer } = await seedProject();
    const path = genericPath(project.id, "site", "1.0.0", "dir/sub/index.html");
    const res = await putText(`${path}?select=package_file`, "<html>", { token: developer.token });
    expect(res.status).toBe(201);
    expect((await res.json<any>()).file_name).toBe("dir%2Fsub%2Findex.html");
    const down = await call(path, { token: developer.token });
    expect(down.status).toBe(200);
    expect(down.headers.get("content-disposition")).toBe(`attachment; filename="index.html"; filename*=UTF-8''index.html`);
    expect(new TextDecoder().decode(await down.arrayBuffer())).toBe("<html>");
    expect((await call(genericPath(project.id, "site", "1.0.0", "index.html"), { token: developer.token })).status).toBe(404);
  });

  it("accepts a chunked body (no Content-Length) larger than one multipart part, without losing a byte", async () => {
    const { project, developer } = await seedProject();
    const data = bytesOf(9 * 1024 * 1024 + 123, 7);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < data.byteLength; i += 1_000_000) chunks.push(data.subarray(i, i + 1_000_000));
    const path = genericPath(project.id, "big", "1.0.0", "big.bin");
    const res = await call(`${path}?select=package_file`, { method: "PUT", token: developer.token, body: chunkedStream(chunks), duplex: "half" } as RequestInit);
    expect(res.status).toBe(201);
    const record = await res.json<any>();
    expect(record).toMatchObject({ size: data.byteLength, file_sha256: await sha256Hex(data), file_md5: null, file_sha1: null });
    const down = await call(path, { token: developer.token });
    expect(await sha256Hex(new Uint8Array(await down.arrayBuffer()))).toBe(record.file_sha256);
  });

  it("answers 404 for unknown packages and files, and 405 for other methods", async () => {
    const { project, developer } = await seedProject();
    expect((await call(genericPath(project.id, "nope", "1.0.0", "x.bin"), { token: developer.token })).status).toBe(404);
    await ok(putText(genericPath(project.id, "tool", "1.0.0", "x.bin"), "x", { token: developer.token }), 201);
    expect((await call(genericPath(project.id, "tool", "1.0.0", "y.bin"), { token: developer.token })).status).toBe(404);
    expect((await call(genericPath(project.id, "tool", "9.9.9", "x.bin"), { token: developer.token })).status).toBe(404);
    expect((await call(genericPath(project.id, "tool", "1.0.0", "x.bin"), { method: "DELETE", token: developer.token })).status).toBe(405);
  });

  it("records the pipeline of a job-token upload", async () => {
    const { project, developer } = await seedProject();
    const job = await createJobToken(project.id, developer.token);
    const res = await putText(`${genericPath(project.id, "ci", "1.0.0", "out.bin")}?select=package_file`, "built", { headers: { "JOB-TOKEN": job.token } });
    expect(res.status).toBe(201);
    const { package_id } = await res.json<any>();
    const pipelines = await ok(call(`/api/v4/projects/${project.id}/packages/${package_id}/pipelines`, { token: developer.token }));
    expect(pipelines.map((p: any) => p.id)).toEqual([job.pipeline_id]);
  });

  it("keeps every one of 10 concurrent first uploads of different files into a new version", async () => {
    const { project, developer } = await seedProject();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => putText(genericPath(project.id, "race", "1.0.0", `f${i}.bin`), `file ${i}`, { token: developer.token })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    const pkgs = await ok(call(`/api/v4/projects/${project.id}/packages?package_type=generic`, { token: developer.token }));
    expect(pkgs).toHaveLength(1);
    const files = await ok(call(`/api/v4/projects/${project.id}/packages/${pkgs[0].id}/package_files`, { token: developer.token }));
    expect(files.map((f: any) => f.file_name).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `f${i}.bin`).sort());
  });
});

describe("generic and the edge cache", () => {
  it("caches anonymous pulls of public projects (MISS, HIT) and shows a new upload at once", async () => {
    const { project, developer } = await seedProject({ visibility: "public" });
    const path = genericPath(project.id, "pub", "1.0.0", "p.txt");
    await ok(putText(path, "one", { token: developer.token }), 201);
    const first = await call(path);
    expect(first.headers.get("x-packyard-cache")).toBe("MISS");
    expect(new TextDecoder().decode(await first.arrayBuffer())).toBe("one");
    const second = await call(path);
    expect(second.headers.get("x-packyard-cache")).toBe("HIT");
    expect(new TextDecoder().decode(await second.arrayBuffer())).toBe("one");
    const authed = await call(path, { token: developer.token });
    expect(authed.headers.get("x-packyard-cache")).toBe("BYPASS");
    expect(authed.headers.get("cache-control")).toMatch(/private/);
    await authed.arrayBuffer();

    // A Range request is keyed apart from the whole file and answered 206.
    const ranged = await call(path, { headers: { range: "bytes=0-1" } });
    expect(ranged.status).toBe(206);
    expect(new TextDecoder().decode(await ranged.arrayBuffer())).toBe("on");

    await ok(putText(path, "two", { token: developer.token }), 201);
    const third = await call(path);
    expect(third.headers.get("x-packyard-cache")).toBe("MISS");
    expect(new TextDecoder().decode(await third.arrayBuffer())).toBe("two");
  });
});

describe("deletes through the Packages API", () => {
  it("removes a deleted file from downloads at once, cached or not", async () => {
    const { project, developer } = await seedProject({ visibility: "public" });
    const path = genericPath(project.id, "gone", "1.0.0", "a.txt");
    const record = await ok(putText(`${path}?select=package_file`, "a", { token: developer.token }), 201);
    await ok(putText(genericPath(project.id, "gone", "1.0.0", "b.txt"), "b", { token: developer.token }), 201);
    await (await call(path)).arrayBuffer();
    expect((await call(path)).headers.get("x-packyard-cache")).toBe("HIT");
    const del = await call(`/api/v4/projects/${project.id}/packages/${record.package_id}/package_files/${record.id}`, { method: "DELETE", token: ADMIN_TOKEN });
    expect(del.status).toBe(204);
    expect((await call(path)).status).toBe(404);
    expect((await call(path, { token: developer.token })).status).toBe(404);
    expect((await call(genericPath(project.id, "gone", "1.0.0", "b.txt"))).status).toBe(200);
  });

  it("removes a deleted package from downloads at once", async () => {
    const { project, developer } = await seedProject({ visibility: "public" });
    const path = genericPath(project.id, "gone", "2.0.0", "a.txt");
    const record = await ok(putText(`${path}?select=package_file`, "a", { token: developer.token }), 201);
    await (await call(path)).arrayBuffer();
    expect((await call(path)).headers.get("x-packyard-cache")).toBe("HIT");
    const del = await call(`/api/v4/projects/${project.id}/packages/${record.package_id}`, { method: "DELETE", token: ADMIN_TOKEN });
    expect(del.status).toBe(204);
    expect((await call(path)).status).toBe(404);
    expect((await call(path, { token: developer.token })).status).toBe(404);
  });

  it("leaves the bytes of a deleted file to the scheduled cleanup", async () => {
    const { project, developer } = await seedProject();
    const path = genericPath(project.id, "gone", "3.0.0", "a.txt");
    const record = await ok(putText(`${path}?select=package_file`, "bytes", { token: developer.token }), 201);
    const db = createDb(env.DB);
    const { blobId } = (await db.select().from(packageFiles).where(eq(packageFiles.id, record.id)).get())!;
    await ok(call(`/api/v4/projects/${project.id}/packages/${record.package_id}`, { method: "DELETE", token: ADMIN_TOKEN }), 204);
    expect(await env.BLOBS.head(`blobs/${blobId}`)).not.toBeNull();
    await db.update(blobs).set({ createdAt: new Date(Date.now() - 3600_000) }).where(eq(blobs.id, blobId)).run();
    await removeUnreferencedBlobs(env);
    expect(await env.BLOBS.head(`blobs/${blobId}`)).toBeNull();
    expect(await db.select().from(blobs).where(eq(blobs.id, blobId)).get()).toBeUndefined();
  });
});
