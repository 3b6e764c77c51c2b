// Deleting package files in bulk (GitLab's destroyPackageFiles over REST): up to 100 files of one project, one
// coordinator commit per package, protected packages' files left with GitLab's error, Maintainers only.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser, ok } from "../support/api";
import { checkInvariants } from "../support/invariants";
import { seedPackage } from "../support/packages";

const bulk = (projectId: number, ids: unknown, token = ADMIN_TOKEN) => call(`/api/v4/projects/${projectId}/packages/package_files/bulk_delete`, { method: "POST", token, json: { ids } });
const filesOf = async (projectId: number, packageId: number) => ok(call(`/api/v4/projects/${projectId}/packages/${packageId}/package_files`, { token: ADMIN_TOKEN }));

describe("bulk delete of package files", () => {
  it("deletes files of several packages at once and lowers packages_size", async () => {
    const project = await createProject((await createGroup()).id);
    const a = await seedPackage(project.id, "generic", "a", "1", { "a1.bin": "aaaa", "a2.bin": "bbbb", "a3.bin": "cc" });
    const b = await seedPackage(project.id, "generic", "b", "1", { "b1.bin": "dddddd" });
    const [aFiles, bFiles] = [await filesOf(project.id, a.packageId!), await filesOf(project.id, b.packageId!)];
    const size = async () => (await ok(call(`/api/v4/projects/${project.id}?statistics=true`, { token: ADMIN_TOKEN }))).statistics.packages_size;
    expect(await size()).toBe(16);
    const doomed = [aFiles.find((f: any) => f.file_name === "a1.bin").id, aFiles.find((f: any) => f.file_name === "a2.bin").id, bFiles[0].id];
    const answer = await ok(bulk(project.id, doomed));
    expect(answer).toEqual({ deleted: [...doomed].sort((x, y) => x - y), errors: [] });
    expect((await filesOf(project.id, a.packageId!)).map((f: any) => f.file_name)).toEqual(["a3.bin"]);
    expect(await filesOf(project.id, b.packageId!)).toEqual([]);
    expect(await size()).toBe(2);
    expect((await checkInvariants({ afterGrace: false, emptyAllowed: new Set([b.packageId!]) })).violations).toEqual([]);
  });

  it("deletes exactly 100 files in one call (the ids bind as one value: D1 binds at most 100)", async () => {
    const project = await createProject((await createGroup()).id);
    const files = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`f${i}.bin`, `file ${i}`]));
    const pkg = await seedPackage(project.id, "generic", "many", "1", files);
    const listed = await ok<{ id: number; file_name: string }[]>(call(`/api/v4/projects/${project.id}/packages/${pkg.packageId}/package_files?per_page=100&page=1`, { token: ADMIN_TOKEN }));
    expect(listed).toHaveLength(100);
    const answer = await ok(bulk(project.id, listed.map((f) => f.id)));
    expect(answer.deleted).toHaveLength(100);
    expect(answer.errors).toEqual([]);
    expect(await filesOf(project.id, pkg.packageId!)).toHaveLength(1);
  });

  it("refuses more than 100 files, files of another project, and callers below Maintainer", async () => {
    const group = await createGroup();
    const [project, other] = [await createProject(group.id), await createProject(group.id)];
    const mine = await seedPackage(project.id, "generic", "m", "1");
    const theirs = await seedPackage(other.id, "generic", "t", "1");
    const [myFile] = await filesOf(project.id, mine.packageId!);
    const [theirFile] = await filesOf(other.id, theirs.packageId!);
    expect((await bulk(project.id, Array.from({ length: 101 }, (_, i) => i + 1))).status).toBe(400);
    expect((await bulk(project.id, [])).status).toBe(400);
    expect((await bulk(project.id, [myFile.id, theirFile.id])).status).toBe(404);
    expect(await filesOf(project.id, mine.packageId!)).toHaveLength(1);
    const developer = await createUser();
    await addMember("projects", project.id, developer.id, 30);
    expect((await bulk(project.id, [myFile.id], developer.token)).status).toBe(403);
    expect(await filesOf(project.id, mine.packageId!)).toHaveLength(1);
  });

  it("leaves the files of a deletion-protected package with GitLab's error and deletes the rest", async () => {
    const project = await createProject((await createGroup()).id);
    const maintainer = await createUser();
    await addMember("projects", project.id, maintainer.id, 40);
    const guarded = await seedPackage(project.id, "generic", "guarded", "1");
    const free = await seedPackage(project.id, "generic", "free", "1");
    await ok(call(`/api/v4/projects/${project.id}/packages/protection/rules`, { method: "POST", token: ADMIN_TOKEN, json: { package_type: "generic", package_name_pattern: "guarded", minimum_access_level_for_delete: "owner" } }), 201);
    const [g] = await filesOf(project.id, guarded.packageId!);
    const [f] = await filesOf(project.id, free.packageId!);
    const answer = await ok(bulk(project.id, [g.id, f.id], maintainer.token));
    expect(answer).toEqual({ deleted: [f.id], errors: ["Package 'guarded' is deletion protected."] });
    expect(await filesOf(project.id, guarded.packageId!)).toHaveLength(1);
  });
});
