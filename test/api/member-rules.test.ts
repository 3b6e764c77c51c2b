// Issue 11, finding 2: who may grant, change and remove which role (GitLab's rules, see
// src/core/accounts/members.ts). Each refusal is GitLab's 403 {"message":"403 Forbidden"}.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser, ok } from "../support/api";

const FORBIDDEN = { message: "403 Forbidden" };

async function member(kind: "projects" | "groups", id: number, userId: number, token = ADMIN_TOKEN) {
  const list = await ok<{ id: number; access_level: number }[]>(call(`/api/v4/${kind}/${id}/members`, { token }));
  return list.find((m) => m.id === userId)?.access_level;
}

async function refused(response: Promise<Response>) {
  const res = await response;
  expect(res.status).toBe(403);
  expect(await res.json()).toEqual(FORBIDDEN);
}

const put = (kind: string, id: number, userId: number, token: string, access_level: number) => call(`/api/v4/${kind}/${id}/members/${userId}`, { method: "PUT", token, json: { access_level } });
const post = (kind: string, id: number, userId: number, token: string, access_level: number) => call(`/api/v4/${kind}/${id}/members`, { method: "POST", token, json: { user_id: userId, access_level } });
const remove = (kind: string, id: number, userId: number, token: string) => call(`/api/v4/${kind}/${id}/members/${userId}`, { method: "DELETE", token });

describe("project members", () => {
  it("refuses a Maintainer who raises their own role to Owner (the reported attack)", async () => {
    const project = await createProject((await createGroup()).id, { visibility: "private" });
    const maintainer = await createUser();
    await addMember("projects", project.id, maintainer.id, 40);
    await refused(put("projects", project.id, maintainer.id, maintainer.token, 50));
    expect(await member("projects", project.id, maintainer.id)).toBe(40);
  });

  it("leaves the Owner role to Owners: a Maintainer neither grants it nor changes or removes an Owner", async () => {
    const project = await createProject((await createGroup()).id, { visibility: "private" });
    const [maintainer, owner, newcomer] = await Promise.all([createUser(), createUser(), createUser()]);
    await addMember("projects", project.id, maintainer.id, 40);
    await addMember("projects", project.id, owner.id, 50);
    await refused(post("projects", project.id, newcomer.id, maintainer.token, 50));
    await refused(put("projects", project.id, owner.id, maintainer.token, 30));
    await refused(remove("projects", project.id, owner.id, maintainer.token));
    expect(await member("projects", project.id, owner.id)).toBe(50);
    // The Maintainer still manages everyone below Owner.
    await ok(post("projects", project.id, newcomer.id, maintainer.token, 40), 201);
    await ok(put("projects", project.id, newcomer.id, maintainer.token, 20));
    expect((await remove("projects", project.id, newcomer.id, maintainer.token)).status).toBe(204);
    // An Owner of the project grants, changes and removes the Owner role.
    await ok(post("projects", project.id, newcomer.id, owner.token, 50), 201);
    await ok(put("projects", project.id, newcomer.id, owner.token, 40));
    await ok(put("projects", project.id, newcomer.id, owner.token, 50));
    expect((await remove("projects", project.id, newcomer.id, owner.token)).status).toBe(204);
  });

  it("counts inherited roles: an Owner of the group is an Owner of its projects, a group Maintainer is not", async () => {
    const group = await createGroup();
    const project = await createProject(group.id, { visibility: "private" });
    const [groupOwner, groupMaintainer, target] = await Promise.all([createUser(), createUser(), createUser()]);
    await addMember("groups", group.id, groupOwner.id, 50);
    await addMember("groups", group.id, groupMaintainer.id, 40);
    await refused(post("projects", project.id, target.id, groupMaintainer.token, 50));
    await ok(post("projects", project.id, target.id, groupOwner.token, 50), 201);
    await refused(remove("projects", project.id, target.id, groupMaintainer.token));
    expect((await remove("projects", project.id, target.id, groupOwner.token)).status).toBe(204);
  });

  it("lets any member leave, and no one below Maintainer remove someone else", async () => {
    const project = await createProject((await createGroup()).id, { visibility: "private" });
    const [developer, reporter] = await Promise.all([createUser(), createUser()]);
    await addMember("projects", project.id, developer.id, 30);
    await addMember("projects", project.id, reporter.id, 20);
    await refused(remove("projects", project.id, reporter.id, developer.token));
    await refused(put("projects", project.id, developer.id, developer.token, 40));
    expect((await remove("projects", project.id, developer.id, developer.token)).status).toBe(204);
    expect(await member("projects", project.id, developer.id)).toBeUndefined();
  });
});

describe("group members", () => {
  it("leaves member management to Owners: a group Maintainer adds, changes and removes no one", async () => {
    const group = await createGroup();
    const [maintainer, developer, newcomer] = await Promise.all([createUser(), createUser(), createUser()]);
    await addMember("groups", group.id, maintainer.id, 40);
    await addMember("groups", group.id, developer.id, 30);
    await refused(post("groups", group.id, newcomer.id, maintainer.token, 50));
    await refused(post("groups", group.id, newcomer.id, maintainer.token, 20));
    await refused(put("groups", group.id, developer.id, maintainer.token, 20));
    await refused(put("groups", group.id, maintainer.id, maintainer.token, 50));
    await refused(remove("groups", group.id, developer.id, maintainer.token));
    expect(await member("groups", group.id, maintainer.id)).toBe(40);
    expect(await member("groups", group.id, developer.id)).toBe(30);
  });

  it("never removes or demotes a group's last Owner, not even for an administrator", async () => {
    const owner = await createUser();
    const group = await createGroup(undefined, {}, owner.token);
    expect(await member("groups", group.id, owner.id)).toBe(50);
    await refused(put("groups", group.id, owner.id, owner.token, 40));
    await refused(remove("groups", group.id, owner.id, owner.token));
    await refused(put("groups", group.id, owner.id, ADMIN_TOKEN, 40));
    await refused(remove("groups", group.id, owner.id, ADMIN_TOKEN));
    expect(await member("groups", group.id, owner.id)).toBe(50);
    // With a second Owner, either may go.
    const second = await createUser();
    await ok(post("groups", group.id, second.id, owner.token, 50), 201);
    await ok(put("groups", group.id, owner.id, second.token, 40));
    await refused(remove("groups", group.id, second.id, second.token));
    expect(await member("groups", group.id, second.id)).toBe(50);
  });

  it("counts the Owners of parent groups: a subgroup's only direct Owner may leave while the parent has one", async () => {
    const owner = await createUser();
    const top = await createGroup(undefined, {}, owner.token);
    const sub = await ok(call("/api/v4/groups", { method: "POST", token: owner.token, json: { name: "sub", path: "sub", parent_id: top.id, visibility: "public" } }), 201);
    const subOwner = await createUser();
    await ok(post("groups", sub.id, subOwner.id, owner.token, 50), 201);
    expect((await remove("groups", sub.id, owner.id, owner.token)).status).toBe(204);
    expect((await remove("groups", sub.id, subOwner.id, subOwner.token)).status).toBe(204);
    // The top group's only Owner is still its last Owner.
    await refused(remove("groups", top.id, owner.id, owner.token));
  });
});
