// D1 round trips per request kind, counted by an instrumented D1 binding (test/support/counting-d1.ts) so the
// targets cannot creep back: an authenticated metadata read or download costs one, an anonymous miss at most
// two, an anonymous edge-cache hit none; a publish at most two plus the coordinator's batch. Replica reads:
// a lagging replica's miss is asked again of the primary, so a fresh publish is never a 404.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fetchCounted } from "../support/counting-d1";
import { accessRecordUrl } from "../../src/core/registry";
import { ACCESS_MEMO_MS } from "../../src/core/registry/edge-access";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser, ok, unique } from "../support/api";
import { escaped, INSTALL_ACCEPT, projectPrefix, groupPrefix, publish, publishBody } from "../formats/npm/support";

async function npmProject(visibility: "public" | "private") {
  const group = await createGroup(unique("rt").toLowerCase());
  const project = await createProject(group.id, { visibility });
  const developer = await createUser();
  await addMember("projects", project.id, developer.id, 30);
  const name = `@${group.path}/lib`;
  const published = await publish(projectPrefix(project.id), name, "1.0.0", developer.token);
  expect(published.response.status).toBe(200);
  return { group, project, developer, name };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("D1 round trips", () => {
  it("an authenticated npm packument, tarball and dist-tags read cost one each, at project and group level", async () => {
    const { group, project, developer, name } = await npmProject("private");
    for (const prefix of [projectPrefix(project.id), groupPrefix(group.id)]) {
      const packument = await fetchCounted(`${prefix}/${escaped(name)}`, { headers: { ...bearer(developer.token), accept: INSTALL_ACCEPT } });
      expect(packument.status).toBe(200);
      expect(packument.roundTrips.total).toBe(1);
      const tarball = await fetchCounted(`${prefix}/${name}/-/${name}-1.0.0.tgz`, { headers: bearer(developer.token) });
      expect(tarball.status).toBe(200);
      expect(tarball.roundTrips.total).toBe(1);
      const tags = await fetchCounted(`${prefix}/-/package/${escaped(name)}/dist-tags`, { headers: bearer(developer.token) });
      expect(tags.status).toBe(200);
      expect(tags.roundTrips.total).toBe(1);
    }
  });

  it("the admin token and PRIVATE-TOKEN cost the same single round trip", async () => {
    const { project, name } = await npmProject("private");
    const res = await fetchCounted(`${projectPrefix(project.id)}/${escaped(name)}`, { token: ADMIN_TOKEN });
    expect(res.status).toBe(200);
    expect(res.roundTrips.total).toBe(1);
  });

  it("an invalid token is a 401 after one round trip", async () => {
    const { project, name } = await npmProject("public");
    const res = await fetchCounted(`${projectPrefix(project.id)}/${escaped(name)}`, { headers: bearer("glpat-not-a-token") });
    expect(res.status).toBe(401);
    expect(res.roundTrips).toEqual({ total: 1, primary: 0, session: 1 });
  });

  it("reads go through a session; a replica that has not seen a publish yet is answered from the primary", async () => {
    const { project, developer, name } = await npmProject("private");
    const current = await fetchCounted(`${projectPrefix(project.id)}/${escaped(name)}`, { headers: bearer(developer.token) });
    expect(current.roundTrips).toEqual({ total: 1, primary: 0, session: 1 });
    const lagging = await fetchCounted(`${projectPrefix(project.id)}/${escaped(name)}`, { headers: bearer(developer.token) }, "empty");
    expect(lagging.status).toBe(200);
    expect(JSON.parse(lagging.body).versions["1.0.0"]).toBeDefined();
    expect(lagging.roundTrips).toEqual({ total: 2, primary: 1, session: 1 });
  });

  it("an anonymous pull: a miss costs one round trip, a hit none, at project and group level", async () => {
    const { group, project, name } = await npmProject("public");
    for (const prefix of [projectPrefix(project.id), groupPrefix(group.id)]) {
      for (const path of [`${prefix}/${escaped(name)}`, `${prefix}/${name}/-/${name}-1.0.0.tgz`]) {
        const miss = await fetchCounted(path, { headers: { accept: INSTALL_ACCEPT } });
        expect([miss.status, miss.response.headers.get("x-packyard-cache")]).toEqual([200, "MISS"]);
        expect(miss.roundTrips.total).toBe(1);
        const hit = await fetchCounted(path, { headers: { accept: INSTALL_ACCEPT } });
        expect([hit.status, hit.response.headers.get("x-packyard-cache")]).toEqual([200, "HIT"]);
        expect(hit.body).toBe(miss.body);
        expect(hit.roundTrips.total).toBe(0);
      }
    }
  });

  it("anonymous readers in this data centre see a publish at once", async () => {
    const { project, developer, name } = await npmProject("public");
    const path = `${projectPrefix(project.id)}/${escaped(name)}`;
    await fetchCounted(path);
    expect((await fetchCounted(path)).roundTrips.total).toBe(0);
    expect((await publish(projectPrefix(project.id), name, "1.0.1", developer.token)).response.status).toBe(200);
    const after = await fetchCounted(path);
    expect(after.response.headers.get("x-packyard-cache")).toBe("MISS");
    expect(Object.keys(JSON.parse(after.body).versions)).toEqual(["1.0.0", "1.0.1"]);
  });

  it("a project made private stops anonymous reads here at once, and within EDGE_ACCESS_TTL_SECONDS when changed elsewhere", async () => {
    const vars = { EDGE_ACCESS_TTL_SECONDS: "1" };
    const here = await npmProject("public");
    const file = (p: { project: { id: number }; name: string }) => `${projectPrefix(p.project.id)}/${p.name}/-/${p.name}-1.0.0.tgz`;
    await fetchCounted(file(here), { vars });
    expect((await fetchCounted(file(here), { vars })).response.headers.get("x-packyard-cache")).toBe("HIT");
    await ok(call(`/api/v4/projects/${here.project.id}`, { method: "PUT", token: ADMIN_TOKEN, json: { visibility: "private" } }));
    expect((await fetchCounted(file(here), { vars })).status).toBe(401);

    // Another data centre made the change: nothing here was told, so the edge answers until its entry expires.
    const elsewhere = await npmProject("public");
    await fetchCounted(file(elsewhere), { vars });
    await env.DB.prepare("UPDATE projects SET visibility = 'private', packages_revision = packages_revision + 1 WHERE id = ?").bind(elsewhere.project.id).run();
    const within = await fetchCounted(file(elsewhere), { vars });
    expect([within.status, within.response.headers.get("x-packyard-cache")]).toEqual([200, "HIT"]);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await fetchCounted(file(elsewhere), { vars })).status).toBe(401);
  });

  it("hits this isolate remembers are whole every time, and touch neither D1 nor the Cache API", async () => {
    const { project, name } = await npmProject("public");
    const path = `${projectPrefix(project.id)}/${name}/-/${name}-1.0.0.tgz`;
    const miss = await fetchCounted(path);
    const hits = [];
    for (let i = 0; i < 3; i++) hits.push(await fetchCounted(path));
    // The access record and the response are both remembered now: even with the Cache API emptied, a hit.
    const recordUrl = accessRecordUrl({ kind: "project", ref: String(project.id) })!;
    expect(await caches.default.delete(recordUrl)).toBe(true);
    hits.push(await fetchCounted(path));
    for (const hit of hits) {
      expect([hit.status, hit.response.headers.get("x-packyard-cache"), hit.roundTrips.total]).toEqual([200, "HIT", 0]);
      expect(hit.body).toBe(miss.body);
      expect(hit.response.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("another isolate of this data centre sees a change within ACCESS_MEMO_MS", async () => {
    const { project, name } = await npmProject("public");
    const path = `${projectPrefix(project.id)}/${name}/-/${name}-1.0.0.tgz`;
    await fetchCounted(path);
    expect((await fetchCounted(path)).response.headers.get("x-packyard-cache")).toBe("HIT");
    // What a change handled by another isolate here does: D1 changes, and the data centre's record goes.
    await env.DB.prepare("UPDATE projects SET visibility = 'private', packages_revision = packages_revision + 1 WHERE id = ?").bind(project.id).run();
    await caches.default.delete(accessRecordUrl({ kind: "project", ref: String(project.id) })!);
    // This isolate still remembers the record, for at most ACCESS_MEMO_MS.
    expect((await fetchCounted(path)).status).toBe(200);
    await new Promise((r) => setTimeout(r, ACCESS_MEMO_MS + 100));
    expect((await fetchCounted(path)).status).toBe(401);
  });

  it("a publish costs at most two round trips besides the coordinator's batch", async () => {
    const group = await createGroup(unique("rtpub").toLowerCase());
    const project = await createProject(group.id, { visibility: "private" });
    const developer = await createUser();
    await addMember("projects", project.id, developer.id, 30);
    const name = `@${group.path}/published`;
    // A token's first use in ten minutes also records its last-used time, off the response path (waitUntil).
    await fetchCounted(`${projectPrefix(project.id)}/${escaped(name)}`, { headers: bearer(developer.token) });
    const body = await publishBody(name, "1.0.0");
    const res = await fetchCounted(`${projectPrefix(project.id)}/${escaped(name)}`, {
      method: "PUT",
      body: body.body,
      headers: { ...bearer(developer.token), "content-type": "application/json", "npm-command": "publish" },
    });
    expect(res.status).toBe(200);
    expect(res.roundTrips.total).toBeLessThanOrEqual(2);
  });

  it("a revoked token is refused by the next request: nothing caches credentials or permissions", async () => {
    const { project, developer, name } = await npmProject("private");
    const path = `${projectPrefix(project.id)}/${escaped(name)}`;
    expect((await fetchCounted(path, { headers: bearer(developer.token) })).status).toBe(200);
    await ok(call("/api/v4/personal_access_tokens/self", { method: "DELETE", token: developer.token }), 204);
    expect((await fetchCounted(path, { headers: bearer(developer.token) })).status).toBe(401);
  });
});
