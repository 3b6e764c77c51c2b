// Issue 11, finding 4: the visibility hierarchy (nothing more visible than its parent group) and who changes
// visibility (Owners and administrators: GitLab's change_visibility_level, HackerOne report 1536559).
// Messages are GitLab's validation messages (src/core/accounts/visibility.ts).
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser, ok } from "../support/api";

async function badRequest(response: Promise<Response>, message: string) {
  const res = await response;
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ message });
}

const putProject = (id: number, json: unknown, token = ADMIN_TOKEN) => call(`/api/v4/projects/${id}`, { method: "PUT", token, json });
const putGroup = (id: number, json: unknown, token = ADMIN_TOKEN) => call(`/api/v4/groups/${id}`, { method: "PUT", token, json });
const subgroupOf = (parentId: number, visibility: string) =>
  call("/api/v4/groups", { method: "POST", token: ADMIN_TOKEN, json: { name: "sub", path: `sub-${parentId}-${visibility}`, parent_id: parentId, visibility } });

describe("visibility hierarchy", () => {
  it("lowers a new project's visibility to its group's, as GitLab's project creation does", async () => {
    const group = await createGroup(undefined, { visibility: "private" });
    const project = await createProject(group.id, { visibility: "public" });
    expect(project.visibility).toBe("private");
    const internal = await createGroup(undefined, { visibility: "internal" });
    expect((await createProject(internal.id, { visibility: "public" })).visibility).toBe("internal");
    expect((await createProject(internal.id, { visibility: "private" })).visibility).toBe("private");
    // A personal namespace sets no limit.
    const user = await createUser();
    const mine = await ok(call("/api/v4/projects", { method: "POST", token: user.token, json: { name: "open", visibility: "public" } }), 201);
    expect(mine.visibility).toBe("public");
  });

  it("refuses to make a project more visible than its group", async () => {
    const group = await createGroup(undefined, { visibility: "internal" });
    const project = await createProject(group.id, { visibility: "private" });
    await badRequest(putProject(project.id, { visibility: "public" }), '400 Bad request - {"visibility_level":["public is not allowed in a internal group."]}');
    expect((await ok(call(`/api/v4/projects/${project.id}`, { token: ADMIN_TOKEN }))).visibility).toBe("private");
    expect((await ok(putProject(project.id, { visibility: "internal" }))).visibility).toBe("internal");
  });

  it("refuses a subgroup more visible than its parent, on creation and on update", async () => {
    const parent = await createGroup(undefined, { visibility: "private" });
    await badRequest(subgroupOf(parent.id, "public"), '400 Bad request - Failed to save group {:visibility_level=>["public is not allowed since the parent group has a private visibility."]}');
    const sub = await ok(subgroupOf(parent.id, "private"), 201);
    await badRequest(putGroup(sub.id, { visibility: "internal" }), '400 Bad request - {"visibility_level":["internal is not allowed since the parent group has a private visibility."]}');
    expect((await ok(call(`/api/v4/groups/${sub.id}`, { token: ADMIN_TOKEN }))).visibility).toBe("private");
  });

  it("refuses to lower a group below a child project or subgroup", async () => {
    const group = await createGroup(undefined, { visibility: "public" });
    await createProject(group.id, { visibility: "public" });
    await badRequest(putGroup(group.id, { visibility: "internal" }), '400 Bad request - {"visibility_level":["internal is not allowed since this group contains projects with higher visibility."]}');
    await ok(subgroupOf(group.id, "internal"), 201);
    await badRequest(
      putGroup(group.id, { visibility: "private" }),
      '400 Bad request - {"visibility_level":["private is not allowed since this group contains projects with higher visibility.","private is not allowed since there are sub-groups with higher visibility."]}',
    );
    expect((await ok(call(`/api/v4/groups/${group.id}`, { token: ADMIN_TOKEN }))).visibility).toBe("public");
  });

  it("lets a group drop to its children's level", async () => {
    const group = await createGroup(undefined, { visibility: "public" });
    await createProject(group.id, { visibility: "internal" });
    await ok(subgroupOf(group.id, "private"), 201);
    expect((await ok(putGroup(group.id, { visibility: "internal" }))).visibility).toBe("internal");
  });
});

describe("who changes visibility", () => {
  it("refuses a project Maintainer (HackerOne 1536559) but lets them change the other settings", async () => {
    const group = await createGroup(undefined, { visibility: "public" });
    const project = await createProject(group.id, { visibility: "private" });
    const [maintainer, owner] = await Promise.all([createUser(), createUser()]);
    await addMember("projects", project.id, maintainer.id, 40);
    await addMember("projects", project.id, owner.id, 50);
    const denied = await putProject(project.id, { visibility: "public" }, maintainer.token);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ message: "403 Forbidden" });
    // GitLab refuses the attribute itself, even when it would not change.
    expect((await putProject(project.id, { visibility: "private" }, maintainer.token)).status).toBe(403);
    const renamed = await ok(putProject(project.id, { name: "renamed", package_registry_access_level: "private" }, maintainer.token));
    expect(renamed).toMatchObject({ name: "renamed", visibility: "private", package_registry_access_level: "private" });
    expect((await ok(putProject(project.id, { visibility: "public" }, owner.token))).visibility).toBe("public");
  });

  it("refuses a group Maintainer but lets them rename it; its Owner changes the visibility", async () => {
    const group = await createGroup(undefined, { visibility: "public" });
    const [maintainer, owner] = await Promise.all([createUser(), createUser()]);
    await addMember("groups", group.id, maintainer.id, 40);
    await addMember("groups", group.id, owner.id, 50);
    expect((await putGroup(group.id, { visibility: "private" }, maintainer.token)).status).toBe(403);
    expect((await ok(putGroup(group.id, { description: "by a Maintainer" }, maintainer.token))).description).toBe("by a Maintainer");
    expect((await ok(putGroup(group.id, { visibility: "internal" }, owner.token))).visibility).toBe("internal");
  });
});
