// GET /version, GitLab's token scopes (accepted, unknown refused, enforced where they mean something here),
// a deploy token by id and the administrators' list, and members/all with inherited members.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createDeployToken, createGroup, createPersonalToken, createProject, createUser, ok, unique } from "../support/api";

describe("GET /version", () => {
  it("answers authenticated callers (api, read_api or read_user) with the GitLab version this API follows", async () => {
    expect((await call("/api/v4/version")).status).toBe(401);
    const user = await createUser();
    const readUser = await createPersonalToken(user.id, ["read_user"]);
    const body = await ok(call("/api/v4/version", { token: readUser }));
    expect(body).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+\.\d+/), revision: expect.any(String), enterprise: false });
    expect((await call("/api/v4/version", { token: await createPersonalToken(user.id, ["read_registry"]) })).status).toBe(403);
  });
});

describe("token scopes", () => {
  it("accepts GitLab's scopes, refuses unknown ones and admin scopes for non-administrators", async () => {
    const user = await createUser();
    const create = (scopes: string[], userId = user.id) => call(`/api/v4/users/${userId}/personal_access_tokens`, { method: "POST", token: ADMIN_TOKEN, json: { name: "t", scopes } });
    for (const scope of ["read_user", "self_rotate", "read_repository", "write_repository", "read_registry", "write_registry", "create_runner", "manage_runner", "k8s_proxy", "ai_features", "read_virtual_registry"]) {
      expect((await create([scope])).status, scope).toBe(201);
    }
    expect((await create(["not_a_scope"])).status).toBe(400);
    expect((await create(["sudo"])).status).toBe(400);
    expect((await create(["admin_mode"], 1)).status).toBe(201);
  });

  it("read_user reads users but not projects or packages; self_rotate only rotates itself; registry scopes grant nothing", async () => {
    const user = await createUser();
    const project = await createProject((await createGroup()).id, { visibility: "private" });
    await addMember("projects", project.id, user.id, 40);
    const readUser = await createPersonalToken(user.id, ["read_user"]);
    expect((await ok(call("/api/v4/user", { token: readUser }))).id).toBe(user.id);
    expect((await call(`/api/v4/users/${user.id}`, { token: readUser })).status).toBe(200);
    expect((await call(`/api/v4/projects/${project.id}/packages`, { token: readUser })).status).toBe(403);
    expect((await call("/api/v4/personal_access_tokens", { token: readUser })).status).toBe(403);

    const selfRotate = await createPersonalToken(user.id, ["self_rotate"]);
    expect((await call("/api/v4/user", { token: selfRotate })).status).toBe(403);
    const rotated = await ok(call("/api/v4/personal_access_tokens/self/rotate", { method: "POST", token: selfRotate }));
    expect(rotated.scopes).toEqual(["self_rotate"]);
    expect((await call("/api/v4/personal_access_tokens/self/rotate", { method: "POST", token: selfRotate })).status).toBe(401);
    const other = await createPersonalToken(user.id, ["read_api"]);
    const otherId = (await ok(call("/api/v4/personal_access_tokens/self", { token: other }))).id;
    expect((await call(`/api/v4/personal_access_tokens/${otherId}/rotate`, { method: "POST", token: rotated.token })).status).toBe(403);

    const registry = await createPersonalToken(user.id, ["read_registry", "write_registry", "read_repository"]);
    expect((await call(`/api/v4/projects/${project.id}/packages`, { token: registry })).status).toBe(403);
    expect((await call(`/api/v4/projects/${project.id}/packages/generic/x/1.0.0/f`, { method: "PUT", token: registry, body: "x", headers: { "content-length": "1" } })).status).toBe(403);
  });
});

describe("deploy tokens by id and for administrators", () => {
  it("GET …/deploy_tokens/:id for Maintainers, 404 for another project's token; GET /deploy_tokens for administrators with `active`", async () => {
    const project = await createProject((await createGroup()).id);
    const other = await createProject((await createGroup()).id);
    const maintainer = await createUser();
    await addMember("projects", project.id, maintainer.id, 40);
    const token = await createDeployToken("projects", project.id, ["read_package_registry"]);
    const foreign = await createDeployToken("projects", other.id, ["read_package_registry"]);
    const one = await ok(call(`/api/v4/projects/${project.id}/deploy_tokens/${token.id}`, { token: maintainer.token }));
    expect(one).toEqual({ id: token.id, name: "d", username: token.username, expires_at: null, scopes: ["read_package_registry"], revoked: false, expired: false });
    expect((await call(`/api/v4/projects/${project.id}/deploy_tokens/${foreign.id}`, { token: maintainer.token })).status).toBe(404);

    expect((await call("/api/v4/deploy_tokens", { token: maintainer.token })).status).toBe(403);
    await ok(call(`/api/v4/projects/${other.id}/deploy_tokens/${foreign.id}`, { method: "DELETE", token: ADMIN_TOKEN }), 204);
    const all = await ok(call("/api/v4/deploy_tokens?per_page=100", { token: ADMIN_TOKEN }));
    expect(all.map((t: any) => t.id)).toEqual(expect.arrayContaining([token.id, foreign.id]));
    const active = await ok(call("/api/v4/deploy_tokens?active=true&per_page=100", { token: ADMIN_TOKEN }));
    expect(active.map((t: any) => t.id)).toContain(token.id);
    expect(active.map((t: any) => t.id)).not.toContain(foreign.id);
    const res = await call("/api/v4/deploy_tokens?per_page=1", { token: ADMIN_TOKEN });
    expect(Number(res.headers.get("x-total"))).toBeGreaterThanOrEqual(2);
  });
});

describe("members/all and members/:user_id", () => {
  it("lists direct and inherited members once each at their highest role; :user_id is direct membership only", async () => {
    const group = await createGroup(unique("mem"));
    const sub = await ok(call("/api/v4/groups", { method: "POST", token: ADMIN_TOKEN, json: { name: "s", path: unique("s"), parent_id: group.id } }), 201);
    const project = await createProject(sub.id);
    const [inherited, direct, both] = await Promise.all([createUser(), createUser(), createUser()]);
    await addMember("groups", group.id, inherited.id, 20);
    await addMember("projects", project.id, direct.id, 30);
    await addMember("groups", sub.id, both.id, 40);
    await addMember("projects", project.id, both.id, 20);
    const all = await ok(call(`/api/v4/projects/${project.id}/members/all`, { token: ADMIN_TOKEN }));
    const levels = Object.fromEntries(all.map((m: any) => [m.username, m.access_level]));
    expect(levels).toMatchObject({ [inherited.username]: 20, [direct.username]: 30, [both.username]: 40 });
    expect(all.filter((m: any) => m.id === both.id)).toHaveLength(1);
    expect((await ok(call(`/api/v4/projects/${project.id}/members/all/${inherited.id}`, { token: ADMIN_TOKEN }))).access_level).toBe(20);
    expect((await call(`/api/v4/projects/${project.id}/members/${inherited.id}`, { token: ADMIN_TOKEN })).status).toBe(404);
    expect((await ok(call(`/api/v4/projects/${project.id}/members/${both.id}`, { token: ADMIN_TOKEN }))).access_level).toBe(20);
    const groupAll = await ok(call(`/api/v4/groups/${sub.id}/members/all`, { token: ADMIN_TOKEN }));
    expect(groupAll.map((m: any) => m.id)).toEqual(expect.arrayContaining([inherited.id, both.id]));
    expect(groupAll.map((m: any) => m.id)).not.toContain(direct.id);
    // read_api is enough to read them.
    const readApi = await createPersonalToken(inherited.id, ["read_api"]);
    expect((await call(`/api/v4/projects/${project.id}/members/all`, { token: readApi })).status).toBe(200);
  });

  it("shows a personal project's owner as its Owner", async () => {
    const user = await createUser();
    const project = await ok(call("/api/v4/projects", { method: "POST", token: user.token, json: { path: unique("own") } }), 201);
    const all = await ok(call(`/api/v4/projects/${project.id}/members/all`, { token: user.token }));
    expect(all).toEqual([expect.objectContaining({ id: user.id, access_level: 50 })]);
  });
});
