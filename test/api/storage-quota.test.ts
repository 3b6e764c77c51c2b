// Quotas per project and group (administrators set them): a publish that would take a project, or any group above
// it, past its quota is a 413 and leaves nothing behind; the check is the commit's own last statement, so two
// publishes at the edge in two coordinators cannot both pass; counted per blob like statistics.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { putBlob } from "../../src/core/blobs";
import { commitPackage } from "../../src/core/publish/client";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser, ok, unique } from "../support/api";
import { checkInvariants } from "../support/invariants";
import { NO_AUTHOR } from "../support/packages";

const upload = (projectId: number, name: string, version: string, bytes: number, token = ADMIN_TOKEN) =>
  call(`/api/v4/projects/${projectId}/packages/generic/${name}/${version}/${name}.bin`, { method: "PUT", token, body: "b".repeat(bytes) });

const setLimit = (kind: "projects" | "groups", id: number, limit: number | null, token = ADMIN_TOKEN) => call(`/api/v4/${kind}/${id}/storage`, { method: "PUT", token, json: { packages_size_limit: limit } });
const usage = async (kind: "projects" | "groups", id: number) => ok(call(`/api/v4/${kind}/${id}/storage`, { token: ADMIN_TOKEN }));

describe("storage quotas", () => {
  it("answers 413 for a publish past the project's quota and keeps nothing of it", async () => {
    const project = await createProject((await createGroup()).id);
    expect(await ok(setLimit("projects", project.id, 1000))).toMatchObject({ packages_size: 0, packages_size_limit: 1000 });
    expect((await upload(project.id, "a", "1.0.0", 600)).status).toBe(201);
    const refused = await upload(project.id, "b", "1.0.0", 600);
    expect(refused.status).toBe(413);
    expect(await refused.text()).toContain("storage quota");
    // Exactly at the quota is allowed.
    expect((await upload(project.id, "c", "1.0.0", 400)).status).toBe(201);
    expect(await usage("projects", project.id)).toMatchObject({ packages_size: 1000, packages_size_limit: 1000 });
    expect((await upload(project.id, "d", "1.0.0", 1)).status).toBe(413);
    expect((await ok(call(`/api/v4/projects/${project.id}/packages`, { token: ADMIN_TOKEN }))).map((p: any) => p.name).sort()).toEqual(["a", "c"]);
    // 0 removes the quota.
    expect((await ok(setLimit("projects", project.id, 0))).packages_size_limit).toBeNull();
    expect((await upload(project.id, "d", "1.0.0", 1)).status).toBe(201);
    expect((await checkInvariants({ afterGrace: false })).violations).toEqual([]);
  });

  it("holds a group's quota over every project of its tree", async () => {
    const group = await createGroup();
    const sub = await createGroup(unique("sub"), { parent_id: group.id });
    const [a, b] = [await createProject(group.id), await createProject(sub.id)];
    await ok(setLimit("groups", group.id, 1000));
    expect((await upload(a.id, "x", "1.0.0", 700)).status).toBe(201);
    expect((await upload(b.id, "y", "1.0.0", 400)).status).toBe(413);
    expect((await upload(b.id, "y", "1.0.0", 300)).status).toBe(201);
    expect(await usage("groups", group.id)).toMatchObject({ packages_size: 1000, packages_size_limit: 1000 });
    expect((await usage("groups", sub.id)).packages_size).toBe(300);
  });

  it("counts per blob: a file sharing a blob already counted adds nothing", async () => {
    const project = await createProject((await createGroup()).id);
    const blob = await putBlob(env, new Response("s".repeat(500)).body, { contentLength: 500, maxBytes: 1000, digests: ["md5", "sha1", "sha512"] });
    const publish = (version: string) =>
      commitPackage(env, { projectId: project.id, packageType: "generic", name: "s", normalizedName: "s", ops: [{ kind: "publish", version, files: [{ fileName: "s.bin", blob: blob as never }], duplicates: { kind: "allow" } }], author: NO_AUTHOR });
    await publish("1");
    await ok(setLimit("projects", project.id, 500));
    await publish("2");
    expect(await usage("projects", project.id)).toMatchObject({ packages_size: 500, packages_size_limit: 500 });
  });

  it("lets two publishes at the edge in two coordinators never both pass", async () => {
    for (let round = 0; round < 3; round++) {
      const project = await createProject((await createGroup()).id);
      await ok(setLimit("projects", project.id, 1000));
      const answers = await Promise.all([upload(project.id, "left", "1.0.0", 600), upload(project.id, "right", "1.0.0", 600), upload(project.id, "third", "1.0.0", 600)]);
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 413, 413]);
      expect((await usage("projects", project.id)).packages_size).toBe(600);
    }
    expect((await checkInvariants({ afterGrace: false })).violations).toEqual([]);
  });

  it("is set by administrators only; Reporters read a project's figure, Owners a group's", async () => {
    const group = await createGroup();
    const project = await createProject(group.id, { visibility: "private" });
    const [maintainer, guest, owner] = [await createUser(), await createUser(), await createUser()];
    await addMember("projects", project.id, maintainer.id, 40);
    await addMember("projects", project.id, guest.id, 10);
    await addMember("groups", group.id, owner.id, 50);
    expect((await setLimit("projects", project.id, 10, maintainer.token)).status).toBe(403);
    expect((await setLimit("groups", group.id, 10, owner.token)).status).toBe(403);
    expect((await call(`/api/v4/projects/${project.id}/storage`, { token: maintainer.token })).status).toBe(200);
    expect((await call(`/api/v4/projects/${project.id}/storage`, { token: guest.token })).status).toBe(403);
    expect((await call(`/api/v4/groups/${group.id}/storage`, { token: owner.token })).status).toBe(200);
    expect((await call(`/api/v4/groups/${group.id}/storage`, { token: maintainer.token })).status).toBe(403);
    expect((await setLimit("projects", project.id, -1)).status).toBe(400);
  });
});
