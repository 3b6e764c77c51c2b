// GitLab's job token scope API and its policy (issue 25): a job token reads another project's packages only
// when that project's allowlist lets its project (or a group above it) in, or, for a user's token, when the
// project's scope is off; it never writes there. The allowlist comes with the credential: one round trip.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createJobToken, createProject, createUser, ok } from "../support/api";
import { fetchCounted } from "../support/counting-d1";
import { serveIssuers, TestIssuer } from "./support/issuer";

const scope = (id: number, rest = "") => `/api/v4/projects/${id}/job_token_scope${rest}`;
const file = (projectId: number, name = "lib") => `/api/v4/projects/${projectId}/packages/generic/${name}/1.0.0/lib.bin`;

async function world() {
  const groupA = await createGroup();
  const a = await createProject(groupA.id, { visibility: "private" });
  const b = await createProject((await createGroup()).id, { visibility: "private" });
  const user = await createUser();
  await addMember("projects", a.id, user.id, 30);
  await addMember("projects", b.id, user.id, 20); // Reporter in B: may pull there, not push
  const maintainer = await createUser();
  await addMember("projects", b.id, maintainer.id, 40);
  await ok(call(file(b.id), { method: "PUT", token: ADMIN_TOKEN, body: "in b" }), 201);
  const job = await createJobToken(a.id, user.token);
  return { groupA, a, b, user, maintainer, job: job.token };
}

const jobGet = (path: string, token: string) => call(path, { headers: { "JOB-TOKEN": token } });

describe("job token scope API", () => {
  it("reads and changes the scope, the project and group allowlists, in GitLab's shapes", async () => {
    const { groupA, a, b, maintainer } = await world();
    expect(await ok(call(scope(b.id), { token: maintainer.token }))).toEqual({ inbound_enabled: true, outbound_enabled: false });
    expect((await call(scope(b.id), { method: "PATCH", token: maintainer.token, json: { enabled: false } })).status).toBe(204);
    expect(await ok(call(scope(b.id), { token: maintainer.token }))).toEqual({ inbound_enabled: false, outbound_enabled: false });
    expect((await call(scope(b.id), { method: "PATCH", token: maintainer.token, json: {} })).status).toBe(400);

    // The maintainer of B must see A to let it in.
    expect((await call(scope(b.id, "/allowlist"), { method: "POST", token: maintainer.token, json: { target_project_id: a.id } })).status).toBe(404);
    expect(await ok(call(scope(b.id, "/allowlist"), { method: "POST", token: ADMIN_TOKEN, json: { target_project_id: a.id } }), 201)).toEqual({ source_project_id: b.id, target_project_id: a.id });
    expect((await call(scope(b.id, "/allowlist"), { method: "POST", token: ADMIN_TOKEN, json: { target_project_id: a.id } })).status).toBe(400);
    const listed = await ok(call(scope(b.id, "/allowlist"), { token: maintainer.token }));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: a.id, path_with_namespace: a.path_with_namespace });

    expect(await ok(call(scope(b.id, "/groups_allowlist"), { method: "POST", token: ADMIN_TOKEN, json: { target_group_id: groupA.id } }), 201)).toEqual({ source_project_id: b.id, target_group_id: groupA.id });
    expect(await ok(call(scope(b.id, "/groups_allowlist"), { token: maintainer.token }))).toEqual([{ id: groupA.id, name: groupA.name, web_url: expect.stringContaining(`/groups/${groupA.full_path}`) }]);

    expect((await call(scope(b.id, `/allowlist/${a.id}`), { method: "DELETE", token: maintainer.token })).status).toBe(204);
    expect((await call(scope(b.id, `/allowlist/${a.id}`), { method: "DELETE", token: maintainer.token })).status).toBe(404);
    expect((await call(scope(b.id, `/groups_allowlist/${groupA.id}`), { method: "DELETE", token: maintainer.token })).status).toBe(204);
    expect(await ok(call(scope(b.id, "/groups_allowlist"), { token: maintainer.token }))).toEqual([]);
  });

  it("is for Maintainers", async () => {
    const { a, b, user } = await world();
    expect((await call(scope(b.id), { token: user.token })).status).toBe(403);
    expect((await call(scope(b.id, "/allowlist"), { method: "POST", token: user.token, json: { target_project_id: a.id } })).status).toBe(403);
    expect((await call(scope(b.id), { method: "PATCH", token: user.token, json: { enabled: false } })).status).toBe(403);
  });
});

describe("job token reach", () => {
  it("a user's job token reads another project only through its allowlist (project or group), never writes there", async () => {
    const { groupA, a, b, user, job } = await world();
    // The user can read B themselves; their job token of A cannot, until B lets A in.
    expect((await call(file(b.id), { token: user.token })).status).toBe(200);
    expect((await jobGet(file(b.id), job)).status).toBe(404);
    await ok(call(scope(b.id, "/allowlist"), { method: "POST", token: ADMIN_TOKEN, json: { target_project_id: a.id } }), 201);
    const read = await jobGet(file(b.id), job);
    expect(read.status).toBe(200);
    expect(await read.text()).toBe("in b");
    // Basic gitlab-ci-token works the same.
    expect((await call(file(b.id), { headers: { authorization: `Basic ${btoa(`gitlab-ci-token:${job}`)}` } })).status).toBe(200);
    // Never a write in B (the user is only a Reporter there anyway, and writes stay in A).
    expect((await call(file(b.id, "new"), { method: "PUT", headers: { "JOB-TOKEN": job }, body: "x" })).status).toBe(403);
    await ok(call(scope(b.id, `/allowlist/${a.id}`), { method: "DELETE", token: ADMIN_TOKEN }), 204);
    expect((await jobGet(file(b.id), job)).status).toBe(404);
    // Through the group above A.
    await ok(call(scope(b.id, "/groups_allowlist"), { method: "POST", token: ADMIN_TOKEN, json: { target_group_id: groupA.id } }), 201);
    expect((await jobGet(file(b.id), job)).status).toBe(200);
    await ok(call(scope(b.id, `/groups_allowlist/${groupA.id}`), { method: "DELETE", token: ADMIN_TOKEN }), 204);
    expect((await jobGet(file(b.id), job)).status).toBe(404);
    // Scope off: any project's job token, with its user's rights.
    await ok(call(scope(b.id), { method: "PATCH", token: ADMIN_TOKEN, json: { enabled: false } }), 204);
    expect((await jobGet(file(b.id), job)).status).toBe(200);
  });

  it("the user's own rights still apply through the allowlist", async () => {
    const { a, job } = await world();
    const c = await createProject((await createGroup()).id, { visibility: "private" });
    await ok(call(file(c.id), { method: "PUT", token: ADMIN_TOKEN, body: "in c" }), 201);
    await ok(call(scope(c.id, "/allowlist"), { method: "POST", token: ADMIN_TOKEN, json: { target_project_id: a.id } }), 201);
    // The user is no member of C: the allowlist opens the door to the token, not to the person.
    expect((await jobGet(file(c.id), job)).status).toBe(404);
  });

  it("an allowlisted read by a job token costs one D1 round trip, as a personal token's does", async () => {
    const { a, b, user, job } = await world();
    await ok(call(scope(b.id, "/allowlist"), { method: "POST", token: ADMIN_TOKEN, json: { target_project_id: a.id } }), 201);
    const viaJob = await fetchCounted(file(b.id), { headers: { "JOB-TOKEN": job } });
    expect(viaJob.status).toBe(200);
    expect(viaJob.roundTrips.total).toBe(1);
    const viaPat = await fetchCounted(file(b.id), { token: user.token });
    expect(viaPat.status).toBe(200);
    expect(viaPat.roundTrips.total).toBe(1);
  });

  describe("a trusted publisher's token", () => {
    let issuer: TestIssuer;
    let served: { restore: () => void };
    beforeAll(async () => {
      issuer = await TestIssuer.create("ES256");
      served = serveIssuers(issuer);
    });
    afterAll(() => served.restore());

    it("reads another project only through its allowlist, even with the scope off", async () => {
      const { a, b } = await world();
      const repository = `acme/${crypto.randomUUID().slice(0, 8)}`;
      await ok(call(`/api/v4/projects/${a.id}/trusted_publishers`, { method: "POST", token: ADMIN_TOKEN, json: { provider: "oidc", issuer: issuer.url, repository } }), 201);
      const idToken = await issuer.sign({ aud: "http://packyard.test", sub: `repo:${repository}`, repository });
      const { token } = await ok(call("/api/v4/ci/oidc/token", { method: "POST", json: { id_token: idToken } }), 201);
      expect((await jobGet(file(b.id), token)).status).toBe(404);
      await ok(call(scope(b.id), { method: "PATCH", token: ADMIN_TOKEN, json: { enabled: false } }), 204);
      expect((await jobGet(file(b.id), token)).status).toBe(404);
      await ok(call(scope(b.id, "/allowlist"), { method: "POST", token: ADMIN_TOKEN, json: { target_project_id: a.id } }), 201);
      expect((await jobGet(file(b.id), token)).status).toBe(200);
      // It sees B now, and still may not write there.
      expect((await call(file(b.id, "new"), { method: "PUT", headers: { "JOB-TOKEN": token }, body: "x" })).status).toBe(403);
    });
  });
});
