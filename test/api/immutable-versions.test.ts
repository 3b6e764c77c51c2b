// Immutable versions (project or group setting, off by default): bytes once published under a name and version
// are never replaced, and a deleted version or file leaves a tombstone with its digest, so it can be published
// again only with the same bytes. Checked inside the coordinator's commit.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { putBlob } from "../../src/core/blobs";
import { commitPackage } from "../../src/core/publish/client";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser, ok, unique } from "../support/api";
import { checkInvariants } from "../support/invariants";
import { NO_AUTHOR } from "../support/packages";

const fileUrl = (projectId: number, name: string, version: string, file: string) => `/api/v4/projects/${projectId}/packages/generic/${name}/${version}/${file}`;
const upload = (projectId: number, name: string, version: string, file: string, body: string, token = ADMIN_TOKEN) => call(fileUrl(projectId, name, version, file), { method: "PUT", token, body });
const setImmutable = (kind: "projects" | "groups", id: number, on: boolean, token = ADMIN_TOKEN) => call(`/api/v4/${kind}/${id}/storage`, { method: "PUT", token, json: { immutable_versions: on } });
const packagesOf = async (projectId: number) => ok(call(`/api/v4/projects/${projectId}/packages`, { token: ADMIN_TOKEN }));
const download = async (projectId: number, name: string, version: string, file: string) => (await call(fileUrl(projectId, name, version, file), { token: ADMIN_TOKEN })).text();

describe("immutable versions", () => {
  it("are off by default: Generic replaces a file of a version (GitLab's duplicates allowed)", async () => {
    const project = await createProject((await createGroup()).id);
    expect((await ok(call(`/api/v4/projects/${project.id}/storage`, { token: ADMIN_TOKEN }))).immutable_versions).toBe(false);
    expect((await upload(project.id, "tool", "1.0.0", "tool.bin", "one")).status).toBe(201);
    expect((await upload(project.id, "tool", "1.0.0", "tool.bin", "two")).status).toBe(201);
    expect(await download(project.id, "tool", "1.0.0", "tool.bin")).toBe("two");
  });

  it("when on, refuse other bytes under a file a version holds; the same bytes and new files pass", async () => {
    const project = await createProject((await createGroup()).id);
    expect((await ok(setImmutable("projects", project.id, true))).immutable_versions).toBe(true);
    expect((await upload(project.id, "tool", "1.0.0", "tool.bin", "one")).status).toBe(201);
    const refused = await upload(project.id, "tool", "1.0.0", "tool.bin", "two");
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("immutable");
    expect((await upload(project.id, "tool", "1.0.0", "tool.bin", "one")).status).toBe(201);
    expect((await upload(project.id, "tool", "1.0.0", "extra.bin", "three")).status).toBe(201);
    expect(await download(project.id, "tool", "1.0.0", "tool.bin")).toBe("one");
    expect((await checkInvariants({ afterGrace: false })).violations).toEqual([]);
  });

  it("leave a tombstone when a version or a file is deleted: published again only with the same bytes", async () => {
    const project = await createProject((await createGroup()).id);
    await ok(setImmutable("projects", project.id, true));
    expect((await upload(project.id, "lib", "2.0.0", "lib.bin", "original")).status).toBe(201);
    const [pkg] = await packagesOf(project.id);
    expect((await call(`/api/v4/projects/${project.id}/packages/${pkg.id}`, { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(204);
    expect(await packagesOf(project.id)).toEqual([]);
    expect((await upload(project.id, "lib", "2.0.0", "lib.bin", "impostor")).status).toBe(403);
    expect((await upload(project.id, "lib", "2.0.0", "lib.bin", "original")).status).toBe(201);
    // One file deleted: the same.
    expect((await upload(project.id, "lib", "2.0.0", "notes.txt", "v1 notes")).status).toBe(201);
    const [again] = await packagesOf(project.id);
    const files = await ok(call(`/api/v4/projects/${project.id}/packages/${again.id}/package_files`, { token: ADMIN_TOKEN }));
    const notes = files.find((f: any) => f.file_name === "notes.txt");
    expect((await call(`/api/v4/projects/${project.id}/packages/${again.id}/package_files/${notes.id}`, { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(204);
    expect((await upload(project.id, "lib", "2.0.0", "notes.txt", "rewritten")).status).toBe(403);
    expect((await upload(project.id, "lib", "2.0.0", "notes.txt", "v1 notes")).status).toBe(201);
    // Another version of the name is not bound by them.
    expect((await upload(project.id, "lib", "2.0.1", "lib.bin", "impostor")).status).toBe(201);
  });

  it("turned on at a group hold for every project of its tree; turned off, replacement works again", async () => {
    const group = await createGroup();
    const sub = await createGroup(unique("sub"), { parent_id: group.id });
    const project = await createProject(sub.id);
    await ok(setImmutable("groups", group.id, true));
    const view = await ok(call(`/api/v4/projects/${project.id}/storage`, { token: ADMIN_TOKEN }));
    expect(view).toMatchObject({ immutable_versions: false, immutable_versions_inherited: true });
    expect((await upload(project.id, "g", "1.0.0", "g.bin", "one")).status).toBe(201);
    expect((await upload(project.id, "g", "1.0.0", "g.bin", "two")).status).toBe(403);
    await ok(setImmutable("groups", group.id, false));
    expect((await upload(project.id, "g", "1.0.0", "g.bin", "two")).status).toBe(201);
  });

  it("key Conan files by their revision: a new revision's conanfile.py is not a replacement", async () => {
    const project = await createProject((await createGroup()).id);
    await ok(setImmutable("projects", project.id, true));
    const publish = async (revision: string, text: string) => {
      const blob = await putBlob(env, new Response(text).body, { contentLength: text.length, maxBytes: 1000, digests: ["md5", "sha1"] });
      return commitPackage(env, {
        projectId: project.id,
        packageType: "conan",
        name: "zlib",
        normalizedName: "zlib/user/stable",
        ops: [{ kind: "publish", version: "1.3", files: [{ blob: blob as never, fileName: "conanfile.py", metadata: { conan_file_type: "recipe_file", recipe_revision: revision } }], duplicates: { kind: "allow" } }],
        author: NO_AUTHOR,
      });
    };
    await publish("aaa", "recipe a");
    await publish("bbb", "recipe b");
    await expect(publish("aaa", "recipe a, changed")).rejects.toThrow(/immutable/);
  });

  it("are set by Maintainers on a project and Owners on a group", async () => {
    const group = await createGroup();
    const project = await createProject(group.id);
    const [developer, maintainer] = [await createUser(), await createUser()];
    await addMember("projects", project.id, developer.id, 30);
    await addMember("projects", project.id, maintainer.id, 40);
    await addMember("groups", group.id, maintainer.id, 40);
    expect((await setImmutable("projects", project.id, true, developer.token)).status).toBe(403);
    expect((await setImmutable("projects", project.id, true, maintainer.token)).status).toBe(200);
    expect((await setImmutable("groups", group.id, true, maintainer.token)).status).toBe(403);
  });
});
