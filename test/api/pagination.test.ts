// Every list of the management API is paginated with GitLab's headers (issue 13 item 1): subgroups, a
// group's projects, members, deploy tokens and personal access tokens, besides the lists that already were.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createDeployToken, createGroup, createPersonalToken, createProject, createUser, ok } from "../support/api";

async function pages(path: string) {
  const first = await call(`${path}${path.includes("?") ? "&" : "?"}per_page=2`, { token: ADMIN_TOKEN });
  expect(first.status, path).toBe(200);
  const body = (await first.json()) as unknown[];
  return { count: body.length, total: first.headers.get("x-total"), next: first.headers.get("x-next-page"), link: first.headers.get("link") ?? "" };
}

describe("pagination of every list", () => {
  it("pages subgroups, projects, members, deploy tokens and personal access tokens", async () => {
    const group = await createGroup();
    for (let i = 0; i < 3; i++) {
      await ok(call("/api/v4/groups", { method: "POST", token: ADMIN_TOKEN, json: { name: `s${i}`, path: `s${i}`, parent_id: group.id, visibility: "public" } }), 201);
      await createProject(group.id, { visibility: "public" });
      await createDeployToken("groups", group.id, ["read_package_registry"]);
    }
    const user = await createUser();
    for (let i = 0; i < 2; i++) await createPersonalToken(user.id, ["read_api"]);
    for (let i = 0; i < 3; i++) await addMember("groups", group.id, (await createUser()).id, 30);
    for (const path of [`/api/v4/groups/${group.id}/subgroups`, `/api/v4/groups/${group.id}/projects`, `/api/v4/groups/${group.id}/members`, `/api/v4/groups/${group.id}/deploy_tokens`, `/api/v4/personal_access_tokens?user_id=${user.id}`]) {
      const page = await pages(path);
      expect(page.count, path).toBe(2);
      expect(Number(page.total), path).toBeGreaterThanOrEqual(3);
      expect(page.next, path).toBe("2");
      expect(page.link, path).toContain('rel="next"');
    }
  });
});

describe("listing members", () => {
  it("works with a read_api token, while changing them needs api", async () => {
    const { createGroup, createUser, createPersonalToken, addMember } = await import("../support/api");
    const group = await createGroup();
    const member = await createUser();
    await addMember("groups", group.id, member.id, 30);
    const readOnly = await createPersonalToken(member.id, ["read_api"]);
    expect((await call(`/api/v4/groups/${group.id}/members`, { token: readOnly })).status).toBe(200);
    const other = await createUser();
    expect((await call(`/api/v4/groups/${group.id}/members`, { method: "POST", token: readOnly, json: { user_id: other.id, access_level: 10 } })).status).toBe(403);
  });
});

describe("GET /namespaces", () => {
  it("lists the caller's own namespace and the groups they belong to (through a parent too), everything for administrators", async () => {
    const { createGroup, createUser, addMember } = await import("../support/api");
    const user = await createUser();
    const member = await createGroup();
    const sub = await ok(call("/api/v4/groups", { method: "POST", token: ADMIN_TOKEN, json: { name: "inner", path: `inner-${member.id}`, parent_id: member.id, visibility: "public" } }), 201);
    const other = await createGroup();
    await addMember("groups", member.id, user.id, 20);
    const paths = (await ok(call("/api/v4/namespaces?per_page=100", { token: user.token }))).map((n: { full_path: string }) => n.full_path);
    expect(paths).toEqual(expect.arrayContaining([user.username, member.full_path, sub.full_path]));
    expect(paths).not.toContain(other.full_path);
    const searched = await ok(call(`/api/v4/namespaces?search=${encodeURIComponent(other.path)}`, { token: ADMIN_TOKEN }));
    expect(searched.map((n: { id: number }) => n.id)).toContain(other.id);
    expect((await call("/api/v4/namespaces")).status).toBe(401);
  });
});
