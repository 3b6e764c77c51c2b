// Members (inherited down the group tree, expiring), personal-token scopes on the management API,
// and who may change group package settings.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createPersonalToken, createProject, createUser, ok } from "../support/api";

describe("members", () => {
  it("adds, changes and removes project members; only Maintainers may manage them", async () => {
    const group = await createGroup(undefined, { visibility: "private" });
    const project = await createProject(group.id, { visibility: "private" });
    const dev = await createUser();
    const other = await createUser();
    const member = await addMember("projects", project.id, dev.id, 30);
    expect(member).toMatchObject({ id: dev.id, username: dev.username, access_level: 30 });
    // a Developer cannot add members
    const denied = await call(`/api/v4/projects/${project.id}/members`, { method: "POST", token: dev.token, json: { user_id: other.id, access_level: 20 } });
    expect(denied.status).toBe(403);
    const changed = await ok(call(`/api/v4/projects/${project.id}/members/${dev.id}`, { method: "PUT", token: ADMIN_TOKEN, json: { access_level: 40 } }));
    expect(changed.access_level).toBe(40);
    // now a Maintainer, the same user may add members
    await ok(call(`/api/v4/projects/${project.id}/members`, { method: "POST", token: dev.token, json: { user_id: other.id, access_level: 20 } }), 201);
    const listed = await ok(call(`/api/v4/projects/${project.id}/members`, { token: dev.token }));
    expect(listed.map((m: any) => m.username).sort()).toEqual([dev.username, other.username].sort());
    expect((await call(`/api/v4/projects/${project.id}/members/${other.id}`, { method: "DELETE", token: dev.token })).status).toBe(204);
    expect((await call(`/api/v4/projects/${project.id}/members/${other.id}`, { method: "DELETE", token: dev.token })).status).toBe(404);
    const invalid = await call(`/api/v4/projects/${project.id}/members`, { method: "POST", token: ADMIN_TOKEN, json: { user_id: other.id, access_level: 35 } });
    expect(invalid.status).toBe(400);
  });

  it("lets an expired membership lapse", async () => {
    const group = await createGroup(undefined, { visibility: "private" });
    const project = await createProject(group.id, { visibility: "private" });
    const user = await createUser();
    await ok(call(`/api/v4/groups/${group.id}/members`, { method: "POST", token: ADMIN_TOKEN, json: { user_id: user.id, access_level: 20, expires_at: "2020-01-01" } }), 201);
    expect((await call(`/api/v4/projects/${project.id}/packages`, { token: user.token })).status).toBe(404);
  });
});

describe("personal token scopes on the management API", () => {
  it("lets a read_api token read but not write", async () => {
    const user = await createUser();
    const readOnly = await createPersonalToken(user.id, ["read_api"]);
    expect((await call("/api/v4/user", { token: readOnly })).status).toBe(200);
    const write = await call("/api/v4/groups", { method: "POST", token: readOnly, json: { name: "g", path: `g-${user.id}` } });
    expect(write.status).toBe(403);
  });

  it("creates projects in the caller's own namespace by default", async () => {
    const user = await createUser();
    const project = await ok(call("/api/v4/projects", { method: "POST", token: user.token, json: { name: "Mine Here" } }), 201);
    expect(project).toMatchObject({ path: "mine-here", path_with_namespace: `${user.username}/mine-here`, namespace: { kind: "user" } });
    // and may not create them in a group it does not maintain
    const group = await createGroup();
    const denied = await call("/api/v4/projects", { method: "POST", token: user.token, json: { name: "x", namespace_id: group.id } });
    expect(denied.status).toBe(403);
  });
});

describe("group package settings", () => {
  it("needs the Owner role and validates the exception regex", async () => {
    const group = await createGroup();
    const maintainer = await createUser();
    await addMember("groups", group.id, maintainer.id, 40);
    const denied = await call(`/api/v4/groups/${group.id}`, { method: "PUT", token: maintainer.token, json: { package_settings: { maven_duplicates_allowed: false } } });
    expect(denied.status).toBe(403);
    const badRegex = await call(`/api/v4/groups/${group.id}`, { method: "PUT", token: ADMIN_TOKEN, json: { package_settings: { maven_duplicate_exception_regex: "(" } } });
    expect(badRegex.status).toBe(400);
    const saved = await ok(call(`/api/v4/groups/${group.id}`, { method: "PUT", token: ADMIN_TOKEN, json: { package_settings: { maven_duplicates_allowed: false, maven_duplicate_exception_regex: "SNAPSHOT" } } }));
    expect(saved.package_settings).toEqual({ maven_duplicates_allowed: false, maven_duplicate_exception_regex: "SNAPSHOT" });
  });
});
