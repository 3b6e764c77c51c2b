import { describe, expect, it } from "vitest";
import { addMember, createGroup, createProject, createUser } from "../../support/api";
import { get, groupBase, INSTANCE_BASE, projectBase, put } from "./helpers";

const text = async (res: Response) => new TextDecoder().decode(await res.arrayBuffer());

async function developerOf(groupId: number) {
  const user = await createUser();
  await addMember("groups", groupId, user.id, 30);
  return { token: user.token };
}

describe("maven group endpoint", () => {
  it("serves the newest publish across the group's projects and subgroups, and metadata listing every project's versions", async () => {
    const group = await createGroup();
    const sub = await createGroup(undefined, { parent_id: group.id });
    const older = await createProject(group.id, { visibility: "public" });
    const newer = await createProject(sub.id, { visibility: "public" });
    const auth = await developerOf(group.id);
    await put(`${projectBase(older.id)}/com/acme/shared/1.0.0/shared-1.0.0.jar`, "from older", auth);
    await put(`${projectBase(older.id)}/com/acme/shared/0.9.0/shared-0.9.0.jar`, "old only", auth);
    await put(`${projectBase(newer.id)}/com/acme/shared/1.0.0/shared-1.0.0.jar`, "from newer", auth);
    await put(`${projectBase(newer.id)}/com/acme/shared/2.0.0/shared-2.0.0.jar`, "two", auth);
    const base = groupBase(group.id);
    expect(await text(await get(`${base}/com/acme/shared/1.0.0/shared-1.0.0.jar`))).toBe("from newer");
    expect(await text(await get(`${base}/com/acme/shared/0.9.0/shared-0.9.0.jar`))).toBe("old only");
    const xml = await text(await get(`${base}/com/acme/shared/maven-metadata.xml`));
    for (const v of ["0.9.0", "1.0.0", "2.0.0"]) expect(xml).toContain(`<version>${v}</version>`);
    expect(xml).toContain("<latest>2.0.0</latest>");
    // By full path too.
    expect((await get(`/api/v4/groups/${encodeURIComponent(group.full_path)}/-/packages/maven/com/acme/shared/2.0.0/shared-2.0.0.jar`)).status).toBe(200);
  });

  it("challenges anonymous callers when a private project of a public group might hold the file, and hides it from outsiders", async () => {
    const group = await createGroup();
    const hidden = await createProject(group.id, { visibility: "private" });
    const auth = await developerOf(group.id);
    await put(`${projectBase(hidden.id)}/com/acme/secret/1.0.0/secret-1.0.0.jar`, "secret", auth);
    const url = `${groupBase(group.id)}/com/acme/secret/1.0.0/secret-1.0.0.jar`;
    const anonymous = await get(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe('Basic realm="GitLab Packages Registry"');
    expect((await get(url, auth)).status).toBe(200);
    expect((await get(url, { token: (await createUser()).token })).status).toBe(404);
  });

  it("answers 401 to anonymous callers of a private group and 404 to unknown groups", async () => {
    const group = await createGroup(undefined, { visibility: "private" });
    expect((await get(`${groupBase(group.id)}/com/acme/x/1.0/x-1.0.jar`)).status).toBe(401);
    expect((await get(`${groupBase(999999)}/com/acme/x/1.0/x-1.0.jar`, { token: (await createUser()).token })).status).toBe(404);
  });
});

describe("maven instance endpoint", () => {
  it("serves packages whose path starts with the owning project's full path", async () => {
    const group = await createGroup();
    const project = await createProject(group.id, { visibility: "public" });
    const auth = await developerOf(group.id);
    const fullPath = `${group.path}/${project.path}`;
    await put(`${projectBase(project.id)}/${fullPath}/1.0.0/${project.path}-1.0.0.jar`, "exact", auth);
    await put(`${projectBase(project.id)}/${fullPath}/lib/1.0.0/lib-1.0.0.jar`, "below", auth);
    await put(`${projectBase(project.id)}/com/elsewhere/x/1.0.0/x-1.0.0.jar`, "elsewhere", auth);
    expect(await text(await get(`${INSTANCE_BASE}/${fullPath}/1.0.0/${project.path}-1.0.0.jar`))).toBe("exact");
    expect(await text(await get(`${INSTANCE_BASE}/${fullPath}/lib/1.0.0/lib-1.0.0.jar`))).toBe("below");
    expect(await text(await get(`${INSTANCE_BASE}/${fullPath}/lib/maven-metadata.xml`))).toContain("<version>1.0.0</version>");
    expect(await text(await get(`${INSTANCE_BASE}/${fullPath}/maven-metadata.xml`))).toContain(`<artifactId>${project.path}</artifactId>`);
    // A path no project owns answers as a private one would (401 anonymous, 404 signed in): existence does not leak.
    expect((await get(`${INSTANCE_BASE}/com/elsewhere/x/1.0.0/x-1.0.0.jar`)).status).toBe(401);
    expect((await get(`${INSTANCE_BASE}/com/elsewhere/x/1.0.0/x-1.0.0.jar`, auth)).status).toBe(404);
    expect((await get(`${INSTANCE_BASE}/${fullPath}/lib/9.9.9/lib-9.9.9.jar`)).status).toBe(404);
  });

  it("challenges anonymous callers of a private project and serves its members", async () => {
    const group = await createGroup();
    const project = await createProject(group.id, { visibility: "private" });
    const auth = await developerOf(group.id);
    const fullPath = `${group.path}/${project.path}`;
    await put(`${projectBase(project.id)}/${fullPath}/lib/1.0.0/lib-1.0.0.jar`, "private", auth);
    const url = `${INSTANCE_BASE}/${fullPath}/lib/1.0.0/lib-1.0.0.jar`;
    const anonymous = await get(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe('Basic realm="GitLab Packages Registry"');
    expect(await text(await get(url, auth))).toBe("private");
    expect((await get(url, { token: (await createUser()).token })).status).toBe(404);
  });
});

describe("maven edge cache", () => {
  it("caches anonymous pulls of public packages and shows a publish at once", async () => {
    const group = await createGroup();
    const project = await createProject(group.id, { visibility: "public" });
    const auth = await developerOf(group.id);
    const base = projectBase(project.id);
    await put(`${base}/com/acme/cached/1.0.0/cached-1.0.0.jar`, "one", auth);
    const jar = `${base}/com/acme/cached/1.0.0/cached-1.0.0.jar`;
    const metadata = `${base}/com/acme/cached/maven-metadata.xml`;
    for (const url of [jar, `${jar}.sha1`, metadata, `${groupBase(group.id)}/com/acme/cached/maven-metadata.xml`]) {
      const first = await get(url);
      await first.arrayBuffer();
      expect(first.headers.get("x-packyard-cache"), url).toBe("MISS");
      const second = await get(url);
      await second.arrayBuffer();
      expect(second.headers.get("x-packyard-cache"), url).toBe("HIT");
    }
    const credentialed = await get(metadata, auth);
    expect(credentialed.headers.get("x-packyard-cache")).toBe("BYPASS");
    expect(credentialed.headers.get("cache-control")).toMatch(/private/);
    await put(`${base}/com/acme/cached/1.1.0/cached-1.1.0.jar`, "two", auth);
    const after = await get(metadata);
    expect(after.headers.get("x-packyard-cache")).toBe("MISS");
    expect(await after.text()).toContain("<version>1.1.0</version>");
    const groupAfter = await get(`${groupBase(group.id)}/com/acme/cached/maven-metadata.xml`);
    expect(await groupAfter.text()).toContain("<version>1.1.0</version>");
  });

  it("never caches responses for private projects", async () => {
    const group = await createGroup();
    const project = await createProject(group.id, { visibility: "private" });
    const auth = await developerOf(group.id);
    const jar = `${projectBase(project.id)}/com/acme/p/1.0.0/p-1.0.0.jar`;
    await put(jar, "x", auth);
    for (let i = 0; i < 2; i++) {
      const res = await get(jar, auth);
      await res.arrayBuffer();
      expect(res.headers.get("x-packyard-cache")).toBe("BYPASS");
    }
  });
});
