// Generic rules: GitLab's name/version/file-name validation (400 before any byte is read), the size
// limit enforced while streaming (413, nothing kept), and the group's duplicate setting.
import { recordingBucket } from "../../support/recording-bucket";
import { env } from "cloudflare:workers";
import { inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../../src/db/client";
import { blobs } from "../../../src/db/schema";
import { ADMIN_TOKEN, ok } from "../../support/api";
import { call, callWithVars, chunkedStream, genericPath, putText, seedProject } from "./support";

async function nothingKept(keys: string[]) {
  expect(keys.length).toBeGreaterThan(0);
  for (const key of keys) expect(await env.BLOBS.head(key)).toBeNull();
  const ids = keys.map((k) => k.replace(/^blobs\//, ""));
  expect(await createDb(env.DB).select().from(blobs).where(inArray(blobs.id, ids)).all()).toEqual([]);
}

describe("generic name, version and file name rules", () => {
  const cases: [string, string, string, string][] = [
    ["name with a space", "bad%20name", "1.0.0", "f.bin"],
    ["name with a slash (encoded)", "a%2Fb", "1.0.0", "f.bin"],
    ["name with a colon", "a:b", "1.0.0", "f.bin"],
    ["version with ..", "tool", "1..0", "f.bin"],
    ["version with a space", "tool", "1.0%200", "f.bin"],
    ["version with a tilde", "tool", "1.0~1", "f.bin"],
    ["file with an encoded slash", "tool", "1.0.0", "dir%2Ff.bin"],
    ["file with a backslash", "tool", "1.0.0", "dir%5Cf.bin"],
    ["file with a control character", "tool", "1.0.0", "f%01.bin"],
    ["file with a newline", "tool", "1.0.0", "f%0A.bin"],
    ["file starting with ~", "tool", "1.0.0", "~f.bin"],
    ["file ending with @", "tool", "1.0.0", "f.bin@"],
    ["file with a space", "tool", "1.0.0", "f%20g.bin"],
    ["empty directory segment", "tool", "1.0.0", "dir//f.bin"],
    ["trailing slash", "tool", "1.0.0", "dir/"],
    ["malformed percent-encoding", "tool", "1.0.0", "f%zz.bin"],
  ];
  for (const [label, name, version, file] of cases) {
    it(`answers 400 for a ${label}`, async () => {
      const { project, developer } = await seedProject();
      const path = genericPath(project.id, name, version, file);
      const put = await putText(path, "x", { token: developer.token });
      expect(put.status).toBe(400);
      const get = await call(path, { token: developer.token });
      expect(get.status).toBe(400);
    });
  }

  it("answers GitLab's validation body naming the parameter", async () => {
    const { project, developer } = await seedProject();
    const res = await putText(genericPath(project.id, "tool", "1..0", "f.bin"), "x", { token: developer.token });
    expect(await res.json()).toEqual({ error: "package_version is invalid" });
    const file = await putText(genericPath(project.id, "tool", "1.0.0", "f%01"), "x", { token: developer.token });
    expect(await file.json()).toEqual({ error: "file_name is invalid" });
  });

  it("answers 400 for traversal the app guard catches ('..', encoded '..', NUL)", async () => {
    const { project, developer } = await seedProject();
    // (A "dir/%2e%2e/f.bin" never arrives as such: URL parsing resolves the dot segment to "f.bin" first.)
    for (const file of ["../f.bin", "%2E%2E/f.bin", "%252e%252e/f.bin", "dir/%252E%252E/f.bin", "f%00.bin"]) {
      const res = await putText(genericPath(project.id, "tool", "1.0.0", file), "x", { token: developer.token });
      expect(res.status, file).toBe(400);
    }
  });

  it("accepts every character GitLab allows", async () => {
    const { project, developer } = await seedProject();
    const path = genericPath(project.id, "My_Tool-2.x+b", "1.0.0-rc.1+build_7", "a/b.c/f_i-l+e~x@y.tar.gz");
    expect((await putText(path, "ok", { token: developer.token })).status).toBe(201);
    expect((await call(path, { token: developer.token })).status).toBe(200);
  });

  it("rejects anonymous uploads with 401 before judging the path", async () => {
    const { project } = await seedProject({ visibility: "public" });
    expect((await putText(genericPath(project.id, "tool", "1..0", "f.bin"), "x")).status).toBe(401);
  });
});

describe("generic size limit", () => {
  it("refuses a declared length over MAX_UPLOAD_BYTES with 413 before reading it", async () => {
    const { project, developer } = await seedProject();
    const recorder = recordingBucket(env.BLOBS);
    const res = await callWithVars({ MAX_UPLOAD_BYTES: "1000", BLOBS: recorder.bucket } as never, genericPath(project.id, "tool", "1.0.0", "big.bin"), {
      method: "PUT",
      token: developer.token,
      body: new Uint8Array(2000),
      headers: { "content-length": "2000" },
    });
    expect(res.status).toBe(413);
    expect(recorder.keys).toEqual([]);
  });

  it("stops a chunked body at MAX_UPLOAD_BYTES with 413 and keeps nothing", async () => {
    const { project, developer } = await seedProject();
    const recorder = recordingBucket(env.BLOBS);
    // Larger than one 8 MiB multipart part, so bytes did reach R2 before the limit was crossed.
    const body = chunkedStream(Array.from({ length: 10 }, () => new Uint8Array(1024 * 1024)));
    const res = await callWithVars({ MAX_UPLOAD_BYTES: String(9 * 1024 * 1024), BLOBS: recorder.bucket } as never, genericPath(project.id, "tool", "1.0.0", "big.bin"), {
      method: "PUT",
      token: developer.token,
      body,
    });
    expect(res.status).toBe(413);
    await nothingKept(recorder.keys);
    expect((await call(genericPath(project.id, "tool", "1.0.0", "big.bin"), { token: developer.token })).status).toBe(404);
  });

  it("answers 400 and keeps nothing when the body is shorter than its Content-Length", async () => {
    const { project, developer } = await seedProject();
    const recorder = recordingBucket(env.BLOBS);
    const res = await callWithVars({ BLOBS: recorder.bucket } as never, genericPath(project.id, "tool", "1.0.0", "short.bin"), {
      method: "PUT",
      token: developer.token,
      body: chunkedStream([new Uint8Array(10)]),
      headers: { "content-length": "100" },
    });
    expect(res.status).toBe(400);
    await nothingKept(recorder.keys);
  });
});

describe("generic duplicates", () => {
  const setting = (groupId: number, settings: Record<string, unknown>) =>
    ok(call(`/api/v4/groups/${groupId}`, { method: "PUT", token: ADMIN_TOKEN, json: { package_settings: settings } }));

  it("allows duplicates by default, refuses them when the group disallows, with the exception regex", async () => {
    const { group, project, developer } = await seedProject();
    const path = genericPath(project.id, "tool", "1.0.0", "a.bin");
    await ok(putText(path, "one", { token: developer.token }), 201);
    await ok(putText(path, "two", { token: developer.token }), 201);

    await setting(group.id, { generic_duplicates_allowed: false });
    const recorder = recordingBucket(env.BLOBS);
    const refused = await callWithVars({ BLOBS: recorder.bucket } as never, path, { method: "PUT", token: developer.token, body: "three", headers: { "content-length": "5" } });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ message: "400 Bad request - Duplicate package is not allowed" });
    await nothingKept(recorder.keys);
    expect(new TextDecoder().decode(await (await call(path, { token: developer.token })).arrayBuffer())).toBe("two");

    // A new file name in the same version is not a duplicate.
    await ok(putText(genericPath(project.id, "tool", "1.0.0", "b.bin"), "b", { token: developer.token }), 201);

    // The exception regex (matched, anchored as \A…\z, against the whole name or version) lets matching packages duplicate.
    await setting(group.id, { generic_duplicates_allowed: false, generic_duplicate_exception_regex: "-SNAPSHOT" });
    await ok(putText(genericPath(project.id, "tool", "3.0-SNAPSHOT", "a.bin"), "1", { token: developer.token }), 201);
    expect((await putText(genericPath(project.id, "tool", "3.0-SNAPSHOT", "a.bin"), "2", { token: developer.token })).status).toBe(400);
    await setting(group.id, { generic_duplicates_allowed: false, generic_duplicate_exception_regex: ".*-SNAPSHOT" });
    await ok(putText(genericPath(project.id, "tool", "2.0-SNAPSHOT", "a.bin"), "1", { token: developer.token }), 201);
    await ok(putText(genericPath(project.id, "tool", "2.0-SNAPSHOT", "a.bin"), "2", { token: developer.token }), 201);
    expect((await putText(path, "four", { token: developer.token })).status).toBe(400);

    // Allowed with a regex: the regex names what may NOT be duplicated.
    await setting(group.id, { generic_duplicates_allowed: true, generic_duplicate_exception_regex: "tool" });
    expect((await putText(path, "five", { token: developer.token })).status).toBe(400);
    await ok(putText(genericPath(project.id, "other", "1.0.0", "a.bin"), "1", { token: developer.token }), 201);
    await ok(putText(genericPath(project.id, "other", "1.0.0", "a.bin"), "2", { token: developer.token }), 201);
  });

  it("reads the setting of the project's own namespace, not the top-level group's (GitLab: project.namespace.package_settings)", async () => {
    const { group } = await seedProject();
    const sub = await ok(call("/api/v4/groups", { method: "POST", token: ADMIN_TOKEN, json: { name: "sub", path: `sub-${group.id}`, parent_id: group.id, visibility: "public" } }), 201);
    const project = await ok(call("/api/v4/projects", { method: "POST", token: ADMIN_TOKEN, json: { name: "p", path: `p-${sub.id}`, namespace_id: sub.id } }), 201);
    await setting(group.id, { generic_duplicates_allowed: false });
    const path = genericPath(project.id, "tool", "1.0.0", "a.bin");
    await ok(putText(path, "one", { token: ADMIN_TOKEN }), 201);
    await ok(putText(path, "two", { token: ADMIN_TOKEN }), 201);
    await setting(sub.id, { generic_duplicates_allowed: false });
    expect((await putText(path, "three", { token: ADMIN_TOKEN })).status).toBe(400);
  });
});
