// GitLab's GroupPolicy enables read_group for `has_projects`: a user who is a member of a project in a private
// group (or of a subgroup holding projects) sees the group, though not a member of it, and its group-level
// package endpoints answer with the packages of the projects that user may read, not 404.
// Spec: gitlabhq app/policies/group_policy.rb (`condition(:has_projects)`, `rule { has_projects }.policy { enable :read_group }`),
// app/finders/concerns/find_group_projects.rb (include_subgroups: true).
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser, ok } from "../support/api";
import { seedPackage } from "../support/packages";

const subgroup = (parentId: number, path = `sub-${parentId}`) => ok(call("/api/v4/groups", { method: "POST", token: ADMIN_TOKEN, json: { name: "sub", path, parent_id: parentId, visibility: "private" } }), 201);
const simple = (groupId: number, name: string, token: string) =>
  call(`/api/v4/groups/${groupId}/-/packages/pypi/simple/${name}/`, { token, headers: { accept: "application/vnd.pypi.simple.v1+json" } });

describe("a private group read through a project membership", () => {
  it("lets a project member read the group and its group-level packages of that project only", async () => {
    const group = await createGroup(undefined, { visibility: "private" });
    const mine = await createProject(group.id, { visibility: "private" });
    const other = await createProject(group.id, { visibility: "private" });
    await seedPackage(mine.id, "pypi", "mine-pkg", "1.0", { "mine_pkg-1.0-py3-none-any.whl": "mine" });
    await seedPackage(other.id, "pypi", "other-pkg", "1.0", { "other_pkg-1.0-py3-none-any.whl": "other" });
    const member = await createUser();
    await addMember("projects", mine.id, member.id, 20);

    expect((await ok(call(`/api/v4/groups/${group.id}`, { token: member.token }))).id).toBe(group.id);
    const listed = await ok<{ name: string }[]>(call(`/api/v4/groups/${group.id}/packages`, { token: member.token }));
    expect(listed.map((p) => p.name)).toEqual(["mine-pkg"]);
    expect((await simple(group.id, "mine-pkg", member.token)).status).toBe(200);
    expect((await simple(group.id, "other-pkg", member.token)).status).toBe(404);
  });

  it("lists such groups in GET /groups and /groups/:id/subgroups, and no others", async () => {
    const group = await createGroup(undefined, { visibility: "private" });
    const sub = await subgroup(group.id);
    const project = await createProject(sub.id, { visibility: "private" });
    const sibling = await subgroup(group.id, `sibling-${group.id}`);
    await createProject(sibling.id, { visibility: "private" });
    const member = await createUser();
    await addMember("projects", project.id, member.id, 30);
    const listed = await ok<{ id: number }[]>(call("/api/v4/groups?per_page=100", { token: member.token }));
    const ids = listed.map((g) => g.id);
    expect(ids).toContain(group.id);
    expect(ids).toContain(sub.id);
    const subs = await ok<{ id: number }[]>(call(`/api/v4/groups/${group.id}/subgroups`, { token: member.token }));
    expect(subs.map((g) => g.id)).toEqual([sub.id]);
    expect(ids).not.toContain(sibling.id);
  });

  it("counts a subgroup membership when the subgroup holds a project", async () => {
    const group = await createGroup(undefined, { visibility: "private" });
    const sub = await subgroup(group.id);
    const project = await createProject(sub.id, { visibility: "private" });
    await seedPackage(project.id, "pypi", "deep-pkg", "1.0", { "deep_pkg-1.0-py3-none-any.whl": "deep" });
    const member = await createUser();
    await addMember("groups", sub.id, member.id, 20);
    expect((await call(`/api/v4/groups/${group.id}`, { token: member.token })).status).toBe(200);
    expect((await simple(group.id, "deep-pkg", member.token)).status).toBe(200);
  });

  it("still hides the group from users with no project in it, and from anonymous callers", async () => {
    const group = await createGroup(undefined, { visibility: "private" });
    const project = await createProject(group.id, { visibility: "private" });
    await seedPackage(project.id, "pypi", "hidden-pkg", "1.0", { "hidden_pkg-1.0-py3-none-any.whl": "hidden" });
    const elsewhere = await createGroup(undefined, { visibility: "private" });
    const stranger = await createUser();
    await addMember("projects", (await createProject(elsewhere.id, { visibility: "private" })).id, stranger.id, 40);
    // An empty subgroup gives nothing either: has_projects asks for a project.
    const emptySub = await subgroup(group.id);
    const subMember = await createUser();
    await addMember("groups", emptySub.id, subMember.id, 40);

    for (const token of [stranger.token, subMember.token]) {
      expect((await call(`/api/v4/groups/${group.id}`, { token })).status).toBe(404);
      expect((await simple(group.id, "hidden-pkg", token)).status).toBe(404);
    }
    expect((await call(`/api/v4/groups/${group.id}/-/packages/pypi/simple/hidden-pkg/`)).status).toBe(401);
  });
});
