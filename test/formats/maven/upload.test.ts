import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, createGroup, createProject, createUser, addMember, ok } from "../../support/api";
import { deployRelease, get, hex, projectBase, put } from "./helpers";

async function setup() {
  const group = await createGroup();
  const project = await createProject(group.id, { visibility: "private" });
  const user = await createUser();
  await addMember("projects", project.id, user.id, 30);
  return { group, project, user, base: projectBase(project.id) };
}

async function filesOf(projectId: number) {
  const packages = await ok<any[]>(call(`/api/v4/projects/${projectId}/packages?package_type=maven&include_versionless=true`, { token: ADMIN_TOKEN }));
  const out: Record<string, string[]> = {};
  for (const p of packages) {
    const files = await ok<any[]>(call(`/api/v4/projects/${projectId}/packages/${p.id}/package_files`, { token: ADMIN_TOKEN }));
    out[`${p.name}@${p.version ?? ""}`] = files.map((f) => f.file_name).sort();
  }
  return out;
}

describe("maven uploads", () => {
  it("stores files as mvn deploys them, and never stores checksum files", async () => {
    const { project, user, base } = await setup();
    expect(await deployRelease(base, "com/acme", "hello", "1.0.0", user.token)).toEqual([200, 204, 200, 200, 204, 200]);
    const files = await filesOf(project.id);
    expect(files["com/acme/hello@1.0.0"]).toEqual(["hello-1.0.0.jar", "hello-1.0.0.pom"]);
  });

  it("answers a .sha1 PUT with 204 on a match, 409 on a mismatch and 404 for an unknown file", async () => {
    const { user, base } = await setup();
    const dir = `${base}/com/acme/sums/1.0.0`;
    expect((await put(`${dir}/sums-1.0.0.jar`, "content", { token: user.token })).status).toBe(200);
    expect((await put(`${dir}/sums-1.0.0.jar.sha1`, await hex("SHA-1", "content"), { token: user.token })).status).toBe(204);
    const mismatch = await put(`${dir}/sums-1.0.0.jar.sha1`, "0".repeat(40), { token: user.token });
    expect(mismatch.status).toBe(409);
    expect((await put(`${dir}/sums-1.0.0.jar.sha256`, await hex("SHA-256", "content"), { token: user.token })).status).toBe(204);
    expect((await put(`${dir}/sums-1.0.0.jar.sha512`, "deadbeef", { token: user.token })).status).toBe(409);
    expect((await put(`${dir}/sums-1.0.0.jar.md5`, "anything", { token: user.token })).status).toBe(200);
    expect((await put(`${dir}/missing-1.0.0.jar.sha1`, "0".repeat(40), { token: user.token })).status).toBe(404);
  });

  it("rejects an upload whose declared X-Checksum-Sha1 or -Sha256 does not match with a 400 naming it, keeping nothing", async () => {
    const { project, user, base } = await setup();
    const path = `${base}/com/acme/bad/1.0.0/bad-1.0.0.jar`;
    const sha1 = await put(path, "bytes", { token: user.token, headers: { "X-Checksum-Sha1": "0".repeat(40) } });
    expect(sha1.status).toBe(400);
    expect(await sha1.json()).toEqual({ message: expect.stringMatching(/^sha1 checksum mismatch: declared 0{40}/) });
    // With both declared, R2's put verifies the sha256 (and refuses the bytes); the sha1 is checked here.
    const sha256 = await put(path, "bytes", { token: user.token, headers: { "X-Checksum-Sha1": await hex("SHA-1", "bytes"), "X-Checksum-Sha256": "1".repeat(64) } });
    expect(sha256.status).toBe(400);
    expect(await sha256.json()).toEqual({ message: expect.stringMatching(/^sha256 checksum mismatch: declared 1{64}, and the storage refused/) });
    expect(await filesOf(project.id)).toEqual({});
    const good = await put(path, "bytes", { token: user.token, headers: { "X-Checksum-Sha1": await hex("SHA-1", "bytes"), "X-Checksum-Sha256": await hex("SHA-256", "bytes") } });
    expect(good.status).toBe(200);
    expect(await (await get(`${path}.md5`, { token: user.token })).text()).toBe(await hex("MD5", "bytes"));
    expect(await (await get(`${path}.sha512`, { token: user.token })).text()).toBe(await hex("SHA-512", "bytes"));
  });

  it("validates versions, file names and paths with 400", async () => {
    const { user, base } = await setup();
    const bad = await put(`${base}/com/acme/hello/1..0/hello.jar`, "x", { token: user.token });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ message: "Validation failed: Version is invalid" });
    expect((await put(`${base}/hello.jar`, "x", { token: user.token })).status).toBe(400);
    expect((await put(`${base}/com/acme/hello/1.0/he%20llo.jar`, "x", { token: user.token })).status).toBe(400);
  });

  it("answers an oversized declared upload with GitLab's 400 File is too large", async () => {
    const { user, base } = await setup();
    const res = await call(`${base}/com/acme/big/1.0.0/big-1.0.0.jar`, { method: "PUT", token: user.token, headers: { "content-length": String(6 * 1024 ** 3) }, body: "x" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/^File is too large/);
  });

  it("accepts parallel uploads of every file of one version (parallel mvn / Gradle)", async () => {
    const { project, user, base } = await setup();
    const dir = `${base}/com/acme/par/2.0.0`;
    const names = ["par-2.0.0.jar", "par-2.0.0.pom", "par-2.0.0-sources.jar", "par-2.0.0-javadoc.jar", "par-2.0.0.module", "par-2.0.0-tests.jar"];
    const statuses = await Promise.all(names.map((n) => put(`${dir}/${n}`, `content of ${n}`, { token: user.token }).then((r) => r.status)));
    expect(statuses).toEqual(names.map(() => 200));
    expect((await filesOf(project.id))["com/acme/par@2.0.0"]).toEqual([...names].sort());
    for (const n of names) expect(new TextDecoder().decode(await (await get(`${dir}/${n}`, { token: user.token })).arrayBuffer())).toBe(`content of ${n}`);
  });

  it("records the pipeline when a CI job token deploys", async () => {
    const { project, user, base } = await setup();
    const job = await ok(call(`/api/v4/projects/${project.id}/job_tokens`, { method: "POST", token: user.token, json: { ref: "main", sha: "abc123" } }), 201);
    expect((await put(`${base}/com/acme/ci/1.0.0/ci-1.0.0.pom`, "<project/>", { headers: { "Job-Token": job.token } })).status).toBe(200);
    const [pkg] = await ok<any[]>(call(`/api/v4/projects/${project.id}/packages?package_type=maven`, { token: ADMIN_TOKEN }));
    const pipelines = await ok<any[]>(call(`/api/v4/projects/${project.id}/packages/${pkg.id}/pipelines`, { token: ADMIN_TOKEN }));
    expect(pipelines.map((p) => p.id)).toEqual([job.pipeline_id]);
  });

  it("streams the bytes to R2 unchanged", async () => {
    const { user, base } = await setup();
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 31) % 256);
    expect((await put(`${base}/com/acme/bin/1.0.0/bin-1.0.0.jar`, bytes, { token: user.token })).status).toBe(200);
    const res = await get(`${base}/com/acme/bin/1.0.0/bin-1.0.0.jar`, { token: user.token });
    expect(res.headers.get("x-checksum-sha1")).toBe(await hex("SHA-1", bytes));
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
  });
});
