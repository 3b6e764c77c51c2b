// DELETE /projects/:id, /groups/:id and /users/:id as GitLab answers them (202, 202, 204; Owners and
// administrators only; 409 for a user who alone owns a group): every row of what goes is removed, no row
// is left pointing at a missing blob, and the bytes are the blob cleanup's.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { removeUnreferencedBlobs } from "../../src/core/cleanup";
import { commitPackage } from "../../src/core/publish/client";
import { putBlob } from "../../src/core/blobs";
import { ADMIN_TOKEN, addMember, call, createDeployToken, createGroup, createJobToken, createProject, createUser, ok, unique } from "../support/api";
import { NO_AUTHOR, seedPackage } from "../support/packages";

const count = async (sql: string, ...bind: unknown[]) => (await env.DB.prepare(sql).bind(...bind).first<{ n: number }>())!.n;

async function populatedProject(groupId: number) {
  const project = await createProject(groupId);
  const maintainer = await createUser();
  await addMember("projects", project.id, maintainer.id, 40);
  const seeded = [];
  for (const name of ["a", "b", "c"]) seeded.push(await seedPackage(project.id, "generic", name, "1.0.0", { [`${name}.bin`]: name, [`${name}2.bin`]: `${name}2` }));
  await ok(call(`/api/v4/projects/${project.id}/packages/protection/rules`, { method: "POST", token: ADMIN_TOKEN, json: { package_name_pattern: "a", package_type: "generic", minimum_access_level_for_delete: "admin" } }), 201);
  const deploy = await createDeployToken("projects", project.id, ["read_package_registry"]);
  const job = await createJobToken(project.id, maintainer.token);
  const bot = await ok(call(`/api/v4/projects/${project.id}/access_tokens`, { method: "POST", token: maintainer.token, json: { name: "ci", scopes: ["api"], access_level: 30 } }), 201);
  return { project, maintainer, seeded, deploy, job, bot };
}

describe("removing projects, groups and users", () => {
  it("DELETE /projects/:id: Owners only, 202, every row of the project gone, its bytes left to the cleanup", async () => {
    const owner = await createUser();
    const group = await createGroup(unique("rm"));
    await addMember("groups", group.id, owner.id, 50);
    const { project, maintainer, deploy, job, bot } = await populatedProject(group.id);
    const blobIds = (await env.DB.prepare("SELECT f.blob_id AS id FROM package_files f JOIN packages p ON p.id = f.package_id WHERE p.project_id = ?").bind(project.id).all<{ id: string }>()).results.map((r) => r.id);
    expect(blobIds).toHaveLength(6);

    expect((await call(`/api/v4/projects/${project.id}`, { method: "DELETE", token: maintainer.token })).status).toBe(403);
    expect((await call(`/api/v4/projects/${project.id}`, { method: "DELETE" })).status).toBe(401);
    const res = await call(`/api/v4/projects/${project.id}`, { method: "DELETE", token: owner.token });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ message: "202 Accepted" });

    expect((await call(`/api/v4/projects/${project.id}`, { token: ADMIN_TOKEN })).status).toBe(404);
    expect(await count("SELECT count(*) AS n FROM packages WHERE project_id = ?", project.id)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM package_files WHERE blob_id IN (SELECT value FROM json_each(?))`, JSON.stringify(blobIds))).toBe(0);
    expect(await count("SELECT count(*) AS n FROM package_protection_rules WHERE project_id = ?", project.id)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM members WHERE source_type = 'Project' AND source_id = ?", project.id)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM users WHERE id = ?", bot.user_id)).toBe(0);
    expect((await call("/api/v4/user", { token: bot.token })).status).toBe(401);
    expect((await call(`/api/v4/projects/${project.id}/packages`, { headers: { "DEPLOY-TOKEN": deploy.token } })).status).toBe(401);
    expect((await call(`/api/v4/projects/${project.id}/packages`, { headers: { "JOB-TOKEN": job.token } })).status).toBe(401);

    // The blob rows are still there (nothing points at them); the cleanup removes rows and bytes.
    expect(await count(`SELECT count(*) AS n FROM blobs WHERE id IN (SELECT value FROM json_each(?))`, JSON.stringify(blobIds))).toBe(6);
    await removeUnreferencedBlobs(env, Date.now() + 2 * 86_400_000);
    expect(await count(`SELECT count(*) AS n FROM blobs WHERE id IN (SELECT value FROM json_each(?))`, JSON.stringify(blobIds))).toBe(0);
    expect((await env.BLOBS.head(`blobs/${blobIds[0]}`))).toBeNull();
  });

  it("a commit that arrives after the project is gone is refused, and D1's foreign keys refuse orphan rows", async () => {
    const project = await createProject((await createGroup()).id);
    await ok(call(`/api/v4/projects/${project.id}`, { method: "DELETE", token: ADMIN_TOKEN }), 202);
    const blob = await putBlob(env, new Response("late").body, { contentLength: 4, maxBytes: 10 });
    const late = commitPackage(env, { projectId: project.id, packageType: "generic", name: "late", normalizedName: "late", ops: [{ kind: "publish", version: "1", files: [{ blob, fileName: "f" }], duplicates: { kind: "allow" } }], author: NO_AUTHOR });
    await expect(late).rejects.toThrow(/Project Not Found/);
    await expect(env.DB.prepare("INSERT INTO packages (project_id, package_type, name, normalized_name) VALUES (?, 'generic', 'x', 'x')").bind(project.id).run()).rejects.toThrow(/FOREIGN KEY/);
  });

  it("DELETE /groups/:id: Owners only, 202, the group, its subgroups and their projects gone", async () => {
    const owner = await createUser();
    const group = await createGroup(unique("rmg"));
    await addMember("groups", group.id, owner.id, 50);
    const sub = await ok(call("/api/v4/groups", { method: "POST", token: owner.token, json: { name: "sub", path: unique("sub"), parent_id: group.id, visibility: "public" } }), 201);
    const top = await populatedProject(group.id);
    const inner = await populatedProject(sub.id);
    const groupBot = await ok(call(`/api/v4/groups/${sub.id}/access_tokens`, { method: "POST", token: owner.token, json: { name: "g", scopes: ["read_api"], access_level: 20 } }), 201);
    expect((await call(`/api/v4/groups/${group.id}`, { method: "DELETE", token: top.maintainer.token })).status).toBe(403);
    expect(await ok(call(`/api/v4/groups/${group.id}`, { method: "DELETE", token: owner.token }), 202)).toEqual({ message: "202 Accepted" });
    for (const id of [group.id, sub.id]) expect((await call(`/api/v4/groups/${id}`, { token: ADMIN_TOKEN })).status).toBe(404);
    for (const p of [top.project, inner.project]) expect(await count("SELECT count(*) AS n FROM packages WHERE project_id = ?", p.id)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM members WHERE source_type = 'Namespace' AND source_id IN (?, ?)", group.id, sub.id)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM users WHERE id = ?", groupBot.user_id)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM package_files WHERE package_id NOT IN (SELECT id FROM packages)")).toBe(0);
  });

  it("DELETE /users/:id: administrators only; 409 for a group's sole Owner unless hard_delete; the user's tokens and personal projects go", async () => {
    const user = await createUser();
    const other = await createUser();
    const personal = await ok(call("/api/v4/projects", { method: "POST", token: user.token, json: { path: unique("mine") } }), 201);
    await seedPackage(personal.id, "generic", "mine", "1.0.0");
    const solo = await createGroup(unique("solo"), {}, user.token);
    const shared = await createProject((await createGroup()).id);
    await addMember("projects", shared.id, user.id, 30);
    await ok(call(`/api/v4/projects/${shared.id}/packages/generic/made/1.0.0/f.bin`, { method: "PUT", token: user.token, body: "x", headers: { "content-length": "1" } }), 201);

    expect((await call(`/api/v4/users/${user.id}`, { method: "DELETE", token: other.token })).status).toBe(403);
    expect((await call("/api/v4/users/1", { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(403);
    expect((await call("/api/v4/users/999999", { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(404);
    const conflict = await call(`/api/v4/users/${user.id}`, { method: "DELETE", token: ADMIN_TOKEN });
    expect(conflict.status).toBe(409);
    expect(await conflict.text()).toContain("sole-owner of a group");

    expect((await call(`/api/v4/users/${user.id}?hard_delete=true`, { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(204);
    expect((await call(`/api/v4/users/${user.id}`, { token: ADMIN_TOKEN })).status).toBe(404);
    expect((await call("/api/v4/user", { token: user.token })).status).toBe(401);
    expect((await call(`/api/v4/projects/${personal.id}`, { token: ADMIN_TOKEN })).status).toBe(404);
    expect((await call(`/api/v4/groups/${solo.id}`, { token: ADMIN_TOKEN })).status).toBe(404);
    // What the user published elsewhere stays, authored by nobody (GitLab's ghost user).
    const kept = await ok(call(`/api/v4/projects/${shared.id}/packages`, { token: ADMIN_TOKEN }));
    expect(kept.map((p: any) => p.name)).toEqual(["made"]);
    expect(await count("SELECT count(*) AS n FROM packages WHERE project_id = ? AND creator_id IS NULL", shared.id)).toBe(1);
    // A user who owns no group alone is removed without hard_delete.
    expect((await call(`/api/v4/users/${other.id}`, { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(204);
  });
});
