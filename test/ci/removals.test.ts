// Removing a project, a group or a user leaves no row of the CI tables pointing at it (D1 enforces the
// foreign keys, so a forgotten table would make the removal fail): trusted publishers, allowlist entries
// either way, and authorship of both.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser, ok } from "../support/api";

const publisher = (projectId: number, token = ADMIN_TOKEN) =>
  ok(call(`/api/v4/projects/${projectId}/trusted_publishers`, { method: "POST", token, json: { provider: "github", repository: "acme/x" } }), 201);
const allow = (projectId: number, json: Record<string, number>, token = ADMIN_TOKEN) =>
  ok(call(`/api/v4/projects/${projectId}/job_token_scope/${"target_group_id" in json ? "groups_allowlist" : "allowlist"}`, { method: "POST", token, json }), 201);

describe("removals with CI rows", () => {
  it("removes a project that has publishers, an allowlist and is on another project's allowlist", async () => {
    const group = await createGroup();
    const a = await createProject(group.id);
    const b = await createProject(group.id);
    await publisher(a.id);
    await allow(a.id, { target_project_id: b.id });
    await allow(b.id, { target_project_id: a.id });
    expect((await call(`/api/v4/projects/${a.id}`, { method: "DELETE", token: ADMIN_TOKEN })).status).toBeLessThan(300);
    expect((await call(`/api/v4/projects/${a.id}`, { token: ADMIN_TOKEN })).status).toBe(404);
    expect(await ok(call(`/api/v4/projects/${b.id}/job_token_scope/allowlist`, { token: ADMIN_TOKEN }))).toEqual([]);
  });

  it("removes a group named on an allowlist, and a user who created publishers and allowlist entries", async () => {
    const doomed = await createGroup();
    const keeper = await createProject((await createGroup()).id);
    const maintainer = await createUser();
    await addMember("projects", keeper.id, maintainer.id, 40);
    await addMember("groups", doomed.id, maintainer.id, 10);
    await allow(keeper.id, { target_group_id: doomed.id }, maintainer.token);
    const created = await publisher(keeper.id, maintainer.token);
    expect((await call(`/api/v4/groups/${doomed.id}`, { method: "DELETE", token: ADMIN_TOKEN })).status).toBeLessThan(300);
    expect(await ok(call(`/api/v4/projects/${keeper.id}/job_token_scope/groups_allowlist`, { token: ADMIN_TOKEN }))).toEqual([]);
    const other = await createProject((await createGroup()).id, { visibility: "public" });
    await allow(keeper.id, { target_project_id: other.id }, maintainer.token);
    expect((await call(`/api/v4/users/${maintainer.id}`, { method: "DELETE", token: ADMIN_TOKEN })).status).toBeLessThan(300);
    expect((await ok(call(`/api/v4/projects/${keeper.id}/trusted_publishers/${created.id}`, { token: ADMIN_TOKEN }))).creator_id).toBeNull();
    expect((await ok(call(`/api/v4/projects/${keeper.id}/job_token_scope/allowlist`, { token: ADMIN_TOKEN }))).map((p: { id: number }) => p.id)).toEqual([other.id]);
  });
});
