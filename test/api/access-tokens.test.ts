// Project and group access tokens as GitLab has them: a bot user per token, a member at the token's level, its
// token a personal access token that works on package endpoints; GitLab's answers (401 to read without the right,
// 400 to create or revoke without it or above one's own level), rotation and revocation.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser, ok, unique } from "../support/api";

async function setup() {
  const group = await createGroup(unique("at"));
  const project = await createProject(group.id, { visibility: "private" });
  const [developer, maintainer, owner] = await Promise.all([createUser(), createUser(), createUser()]);
  await addMember("projects", project.id, developer.id, 30);
  await addMember("projects", project.id, maintainer.id, 40);
  await addMember("groups", group.id, owner.id, 50);
  return { group, project, developer, maintainer, owner, url: `/api/v4/projects/${project.id}/access_tokens` };
}

const upload = (projectId: number, name: string, token: string) =>
  call(`/api/v4/projects/${projectId}/packages/generic/${name}/1.0.0/f.bin`, { method: "PUT", token, body: "x", headers: { "content-length": "1" } });

describe("project and group access tokens", () => {
  it("creates a bot-backed token with GitLab's fields that acts at its access level", async () => {
    const { project, maintainer, url } = await setup();
    const created = await ok(call(url, { method: "POST", token: maintainer.token, json: { name: "ci", description: "publishes", scopes: ["api"], access_level: 30, expires_at: "2099-01-01" } }), 201);
    expect(created).toMatchObject({ name: "ci", description: "publishes", scopes: ["api"], access_level: 30, expires_at: "2099-01-01", revoked: false, active: true });
    expect(created.token).toMatch(/^glpat-/);
    const bot = await ok(call("/api/v4/user", { token: created.token }));
    expect(bot).toMatchObject({ id: created.user_id, bot: true, name: "ci" });
    expect(bot.username).toMatch(new RegExp(`^project_${project.id}_bot_[0-9a-f]{32}$`));
    // A Developer-level token publishes, but may not delete (Maintainer).
    expect((await upload(project.id, "by-bot", created.token)).status).toBe(201);
    const pkg = (await ok(call(`/api/v4/projects/${project.id}/packages`, { token: created.token })))[0];
    expect((await call(`/api/v4/projects/${project.id}/packages/${pkg.id}`, { method: "DELETE", token: created.token })).status).toBe(403);
    // The bot is a member at the token's level.
    const member = await ok(call(`/api/v4/projects/${project.id}/members/${created.user_id}`, { token: maintainer.token }));
    expect(member).toMatchObject({ access_level: 30, expires_at: "2099-01-01", bot: true });

    const defaults = await ok(call(url, { method: "POST", token: maintainer.token, json: { name: "d", scopes: "read_api" } }), 201);
    expect(defaults.access_level).toBe(40);
    expect(Date.parse(defaults.expires_at) - Date.now()).toBeGreaterThan(360 * 86_400_000);

    const listed = await ok(call(url, { token: maintainer.token }));
    expect(listed.map((t: any) => t.id)).toEqual([defaults.id, created.id]);
    expect(listed[0]).not.toHaveProperty("token");
    expect(await ok(call(`${url}/${created.id}`, { token: maintainer.token }))).toMatchObject({ id: created.id, access_level: 30 });
    expect((await call(`${url}/999999`, { token: maintainer.token })).status).toBe(404);
  });

  it("answers 401 to read and 400 to create without the right, and refuses a level above the caller's", async () => {
    const { developer, maintainer, owner, url } = await setup();
    expect((await call(url)).status).toBe(401);
    expect((await call(url, { token: developer.token })).status).toBe(401);
    expect((await call(url, { method: "POST", token: developer.token, json: { name: "x", scopes: ["api"] } })).status).toBe(400);
    const above = await call(url, { method: "POST", token: maintainer.token, json: { name: "x", scopes: ["api"], access_level: 50 } });
    expect(above.status).toBe(400);
    expect(await above.text()).toContain("can't be greater the access level");
    expect((await call(url, { method: "POST", token: owner.token, json: { name: "x", scopes: ["api"], access_level: 50 } })).status).toBe(201);
    // read_user is not a scope for resource tokens; unknown scopes are refused.
    expect((await call(url, { method: "POST", token: maintainer.token, json: { name: "x", scopes: ["read_user"] } })).status).toBe(400);
    expect((await call(url, { method: "POST", token: maintainer.token, json: { name: "x", scopes: ["nope"] } })).status).toBe(400);
  });

  it("rotates (new secret, same level, old one refused) and revokes (listed as inactive)", async () => {
    const { project, developer, maintainer, url } = await setup();
    const created = await ok(call(url, { method: "POST", token: maintainer.token, json: { name: "ci", scopes: ["api"], access_level: 30 } }), 201);
    expect((await call(`${url}/${created.id}/rotate`, { method: "POST", token: developer.token })).status).toBe(401);
    const rotated = await ok(call(`${url}/${created.id}/rotate`, { method: "POST", token: maintainer.token, json: { expires_at: "2099-06-01" } }));
    expect(rotated).toMatchObject({ name: "ci", access_level: 30, expires_at: "2099-06-01", active: true });
    expect(rotated.id).not.toBe(created.id);
    expect((await call("/api/v4/user", { token: created.token })).status).toBe(401);
    expect((await upload(project.id, "after-rotate", rotated.token)).status).toBe(201);

    expect((await call(`${url}/${rotated.id}`, { method: "DELETE", token: developer.token })).status).toBe(400);
    expect((await call(`${url}/${rotated.id}`, { method: "DELETE", token: maintainer.token })).status).toBe(204);
    expect((await call("/api/v4/user", { token: rotated.token })).status).toBe(401);
    const inactive = await ok(call(`${url}?state=inactive`, { token: maintainer.token }));
    expect(inactive.map((t: any) => [t.id, t.active])).toEqual([
      [rotated.id, false],
      [created.id, false],
    ]);
    expect(await ok(call(`${url}?state=active`, { token: maintainer.token }))).toEqual([]);
  });

  it("group access tokens: Owners create them, and they reach the group's projects", async () => {
    const { group, project, maintainer, owner } = await setup();
    const url = `/api/v4/groups/${group.id}/access_tokens`;
    expect((await call(url, { method: "POST", token: maintainer.token, json: { name: "g", scopes: ["read_api"] } })).status).toBe(400);
    const created = await ok(call(url, { method: "POST", token: owner.token, json: { name: "g", scopes: ["read_api"], access_level: 20 } }), 201);
    expect(created.access_level).toBe(20);
    expect((await ok(call("/api/v4/user", { token: created.token }))).username).toMatch(new RegExp(`^group_${group.id}_bot_`));
    expect((await call(`/api/v4/projects/${project.id}/packages`, { token: created.token })).status).toBe(200);
    expect((await upload(project.id, "nope", created.token)).status).toBe(403);
    expect((await ok(call(url, { token: ADMIN_TOKEN }))).map((t: any) => t.id)).toEqual([created.id]);
  });
});
