// `conan search` at project level (globs per reference component, newest first) and at instance level
// (every project the caller may read, or the one a literal `@group+project` names), as GitLab's finder.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser, ok, unique } from "../../support/api";

const v1Of = (projectId: number) => `/api/v4/projects/${projectId}/packages/conan/v1`;

async function upload(projectId: number, ref: string) {
  await ok(call(`${v1Of(projectId)}/files/${ref}/0/export/conanfile.py`, { method: "PUT", body: ref, token: ADMIN_TOKEN }));
}

const search = async (base: string, q: string, token?: string, extra = "") =>
  (await ok<{ results: string[] }>(call(`${base}/conans/search?q=${encodeURIComponent(q)}${extra}`, { token }))).results;

describe("conan search, project level", () => {
  it("matches each component's glob, newest first, and never lists everything", async () => {
    const group = await createGroup(undefined, { visibility: "private" });
    const project = await createProject(group.id, { visibility: "private" });
    const name = unique("zz").replace(/-/g, "_");
    for (const ref of [`${name}/1.0/acme/stable`, `${name}/1.1/acme/testing`, `${name}/2.0/_/_`, `${name}x/1.0/acme/stable`]) await upload(project.id, ref);
    const base = v1Of(project.id);
    expect(await search(base, `${name}*`, ADMIN_TOKEN)).toEqual([`${name}x/1.0@acme/stable`, `${name}/2.0`, `${name}/1.1@acme/testing`, `${name}/1.0@acme/stable`]);
    expect(await search(base, name, ADMIN_TOKEN)).toEqual([`${name}/2.0`, `${name}/1.1@acme/testing`, `${name}/1.0@acme/stable`]);
    expect(await search(base, `${name}/1.*`, ADMIN_TOKEN)).toEqual([`${name}/1.1@acme/testing`, `${name}/1.0@acme/stable`]);
    expect(await search(base, `${name}*@acme/stable`, ADMIN_TOKEN)).toEqual([`${name}x/1.0@acme/stable`, `${name}/1.0@acme/stable`]);
    expect(await search(base, `${name.toUpperCase()}/2.0`, ADMIN_TOKEN)).toEqual([`${name}/2.0`]);
    expect(await search(base, `${name.toUpperCase()}/2.0`, ADMIN_TOKEN, "&ignorecase=False")).toEqual([]);
    expect(await search(base, "*", ADMIN_TOKEN)).toEqual([]);
    expect(await search(base, "*/*", ADMIN_TOKEN)).toEqual([]);
    expect(await search(`/api/v4/projects/${project.id}/packages/conan/v2`, `${name}/2*`, ADMIN_TOKEN)).toEqual([`${name}/2.0`]);
  });
});

describe("conan search, instance level", () => {
  it("looks in every project the caller may read unless the pattern names one", async () => {
    const name = unique("inst").replace(/-/g, "_");
    const mine = await createGroup(undefined, { visibility: "private" });
    const theirs = await createGroup(undefined, { visibility: "private" });
    const open = await createGroup(undefined, { visibility: "public" });
    const [p1, p2, p3, p4] = [
      await createProject(mine.id, { visibility: "private" }),
      await createProject(theirs.id, { visibility: "private" }),
      await createProject(open.id, { visibility: "public" }),
      await createProject(theirs.id, { visibility: "private" }),
    ];
    const user = await createUser();
    await addMember("groups", mine.id, user.id, 20);
    await addMember("projects", p2.id, user.id, 20);
    const pathOf = (group: { path: string }, project: { path: string }) => `${group.path}+${project.path}`;
    await upload(p1.id, `${name}/1.0/${pathOf(mine, p1)}/stable`);
    await upload(p2.id, `${name}/2.0/${pathOf(theirs, p2)}/stable`);
    await upload(p3.id, `${name}/3.0/${pathOf(open, p3)}/stable`);
    await upload(p4.id, `${name}/4.0/${pathOf(theirs, p4)}/stable`);
    const base = "/api/v4/packages/conan/v1";

    expect(await search(base, `${name}*`, user.token)).toEqual([`${name}/3.0@${pathOf(open, p3)}/stable`, `${name}/2.0@${pathOf(theirs, p2)}/stable`, `${name}/1.0@${pathOf(mine, p1)}/stable`]);
    expect(await search(base, `${name}*`)).toEqual([`${name}/3.0@${pathOf(open, p3)}/stable`]);
    expect((await search(base, `${name}*`, ADMIN_TOKEN)).length).toBe(4);
    // A literal `@group+project` searches that project only; one the caller may not read finds nothing.
    expect(await search(base, `${name}/*@${pathOf(theirs, p2)}/*`, user.token)).toEqual([`${name}/2.0@${pathOf(theirs, p2)}/stable`]);
    expect(await search(base, `${name}/*@${pathOf(theirs, p4)}/*`, user.token)).toEqual([]);
    expect(await search(base, `${name}/*@${pathOf(theirs, p4)}/*`)).toEqual([]);
    expect(await search(base, `${name}/4.0@*/*`, user.token)).toEqual([]);
  });
});
