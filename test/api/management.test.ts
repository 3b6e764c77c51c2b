import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser, ok, unique } from "../support/api";

describe("management API", () => {
  it("answers GET /user for the admin token as root", async () => {
    const me = await ok(call("/api/v4/user", { token: ADMIN_TOKEN }));
    expect(me).toMatchObject({ id: 1, username: "root", is_admin: true });
  });

  it("creates a user, a group, a subgroup and a project, and finds the project by URL-encoded path", async () => {
    const user = await createUser();
    const group = await createGroup();
    const sub = await ok(call("/api/v4/groups", { method: "POST", token: ADMIN_TOKEN, json: { name: "sub", path: "sub", parent_id: group.id } }), 201);
    expect(sub.full_path).toBe(`${group.full_path}/sub`);
    const project = await createProject(sub.id, { visibility: "private" });
    expect(project.path_with_namespace).toBe(`${group.full_path}/sub/${project.path}`);
    const byPath = await ok(call(`/api/v4/projects/${encodeURIComponent(project.path_with_namespace)}`, { token: ADMIN_TOKEN }));
    expect(byPath.id).toBe(project.id);
    // not a member: private project is a 404 for the user and for anonymous callers
    expect((await call(`/api/v4/projects/${project.id}`, { token: user.token })).status).toBe(404);
    expect((await call(`/api/v4/projects/${project.id}`)).status).toBe(404);
    // inherited membership from the top group makes it visible
    await addMember("groups", group.id, user.id, 20);
    expect((await call(`/api/v4/projects/${project.id}`, { token: user.token })).status).toBe(200);
  });

  it("rejects malformed JSON, wrong types and bad paths with 400 and GitLab's message body", async () => {
    const malformed = await call("/api/v4/groups", { method: "POST", token: ADMIN_TOKEN, body: "{nope", headers: { "content-type": "application/json" } });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toHaveProperty("message");
    const wrongType = await call("/api/v4/groups", { method: "POST", token: ADMIN_TOKEN, json: { name: 5, path: "x" } });
    expect(wrongType.status).toBe(400);
    const badPath = await call("/api/v4/groups", { method: "POST", token: ADMIN_TOKEN, json: { name: "x", path: "../etc" } });
    expect(badPath.status).toBe(400);
  });

  it("updates package_registry_access_level and reports packages_enabled", async () => {
    const group = await createGroup();
    const project = await createProject(group.id);
    const updated = await ok(call(`/api/v4/projects/${project.id}`, { method: "PUT", token: ADMIN_TOKEN, json: { package_registry_access_level: "disabled" } }));
    expect(updated).toMatchObject({ package_registry_access_level: "disabled", packages_enabled: false });
    const invalid = await call(`/api/v4/projects/${project.id}`, { method: "PUT", token: ADMIN_TOKEN, json: { package_registry_access_level: "everyone" } });
    expect(invalid.status).toBe(400);
  });

  it("shows a deploy token once and lists it without the secret", async () => {
    const group = await createGroup();
    const created = await ok(call(`/api/v4/groups/${group.id}/deploy_tokens`, { method: "POST", token: ADMIN_TOKEN, json: { name: "ci", scopes: ["read_package_registry"] } }), 201);
    expect(created.token).toMatch(/^gldt-/);
    expect(created.username).toBe(`gitlab+deploy-token-${created.id}`);
    const listed = await ok(call(`/api/v4/groups/${group.id}/deploy_tokens`, { token: ADMIN_TOKEN }));
    expect(listed[0]).not.toHaveProperty("token");
  });

  it("needs the admin to create users", async () => {
    const user = await createUser();
    const res = await call("/api/v4/users", { method: "POST", token: user.token, json: { username: unique("x"), name: "x" } });
    expect(res.status).toBe(403);
    expect((await call("/api/v4/users", { method: "POST", json: { username: unique("x"), name: "x" } })).status).toBe(401);
  });
});
