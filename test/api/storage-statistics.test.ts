// Storage statistics: packages_size of a project and a group counted per blob (a blob two files share counts once
// in each project and group that holds them), GitLab's `statistics=true` and who sees it, groups of many projects
// in one aggregate statement, and the instance figure with request forwarding's cached copies for administrators.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { putBlob, type StoredBlob } from "../../src/core/blobs";
import { planCacheCommit } from "../../src/core/forwarding/cache";
import { commitPackage } from "../../src/core/publish/client";
import { createDb } from "../../src/db/client";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser, ok, unique } from "../support/api";
import { fetchCounted } from "../support/counting-d1";
import { createGroupWithProjects } from "../support/many-projects";
import { NO_AUTHOR } from "../support/packages";

async function blobOf(text: string) {
  const bytes = new TextEncoder().encode(text);
  return putBlob(env, new Response(bytes).body, { contentLength: bytes.byteLength, maxBytes: 1 << 20, digests: ["md5", "sha1", "sha512"] });
}

/** Publish files (name → blob) as one version: several files may share a blob. */
async function publish(projectId: number, name: string, version: string, files: Record<string, StoredBlob>) {
  return commitPackage(env, {
    projectId,
    packageType: "generic",
    name,
    normalizedName: name,
    ops: [{ kind: "publish", version, files: Object.entries(files).map(([fileName, blob]) => ({ fileName, blob: blob as never })), duplicates: { kind: "allow" } }],
    author: NO_AUTHOR,
  });
}

const projectSize = async (id: number, token = ADMIN_TOKEN) => (await ok(call(`/api/v4/projects/${id}?statistics=true`, { token }))).statistics?.packages_size;
const groupSize = async (id: number, token = ADMIN_TOKEN) => (await ok(call(`/api/v4/groups/${id}?statistics=true`, { token }))).statistics?.packages_size;

describe("storage statistics", () => {
  it("counts a blob shared by several files once per project and once per group", async () => {
    const group = await createGroup();
    const sub = await createGroup(unique("sub"), { parent_id: group.id });
    const [a, b] = [await createProject(group.id), await createProject(sub.id)];
    const shared = await blobOf("x".repeat(1000));
    const own = await blobOf("y".repeat(300));
    await publish(a.id, "lib", "1.0", { "lib.bin": shared, "copy.bin": shared });
    await publish(a.id, "lib", "1.1", { "lib.bin": shared, "other.bin": own });
    await publish(b.id, "lib", "1.0", { "lib.bin": shared });
    expect(await projectSize(a.id)).toBe(1300);
    expect(await projectSize(b.id)).toBe(1000);
    expect(await groupSize(sub.id)).toBe(1000);
    // The parent's tree holds both projects: the shared blob once.
    expect(await groupSize(group.id)).toBe(1300);
    const full = await ok(call(`/api/v4/projects/${a.id}?statistics=true`, { token: ADMIN_TOKEN }));
    expect(full.statistics).toMatchObject({ storage_size: 1300, packages_size: 1300, repository_size: 0, lfs_objects_size: 0, job_artifacts_size: 0 });
    // Without the parameter, no statistics.
    expect((await ok(call(`/api/v4/projects/${a.id}`, { token: ADMIN_TOKEN }))).statistics).toBeUndefined();
    // Deleting a version drops what only it referenced.
    const listed = await ok(call(`/api/v4/projects/${a.id}/packages?package_version=1.1`, { token: ADMIN_TOKEN }));
    expect((await call(`/api/v4/projects/${a.id}/packages/${listed[0].id}`, { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(204);
    expect(await projectSize(a.id)).toBe(1000);
    expect(await groupSize(group.id)).toBe(1000);
  });

  it("shows project statistics to Reporters and above, group statistics to administrators and the group's Owners", async () => {
    const group = await createGroup(unique("g"), { visibility: "public" });
    const project = await createProject(group.id, { visibility: "public" });
    await publish(project.id, "p", "1", { "p.bin": await blobOf("abc") });
    const [guest, reporter, owner] = [await createUser(), await createUser(), await createUser()];
    await addMember("projects", project.id, guest.id, 10);
    await addMember("projects", project.id, reporter.id, 20);
    await addMember("groups", group.id, owner.id, 50);
    expect(await projectSize(project.id, guest.token)).toBeUndefined();
    expect(await projectSize(project.id, reporter.token)).toBe(3);
    expect(await groupSize(group.id, reporter.token)).toBeUndefined();
    expect(await groupSize(group.id, owner.token)).toBe(3);
    const listed = await ok(call(`/api/v4/groups?statistics=true&search=${group.path}`, { token: ADMIN_TOKEN }));
    expect(listed.find((g: any) => g.id === group.id).statistics.packages_size).toBe(3);
    const listedByOwner = await ok(call(`/api/v4/groups?statistics=true&search=${group.path}`, { token: owner.token }));
    expect(listedByOwner.find((g: any) => g.id === group.id).statistics).toBeUndefined();
  });

  it("sums a group of a thousand projects in one statement: the same round trips as a group of one", async () => {
    const { group, projects } = await createGroupWithProjects(1000);
    for (const [i, p] of [projects[0]!, projects[500]!, projects[999]!].entries()) await publish(p.id, "n", "1", { "f.bin": await blobOf("z".repeat(10 * (i + 1))) });
    const small = await createGroup();
    const one = await createProject(small.id);
    await publish(one.id, "n", "1", { "f.bin": await blobOf("q") });
    const big = await fetchCounted(`/api/v4/groups/${group.id}?statistics=true`, { token: ADMIN_TOKEN });
    const little = await fetchCounted(`/api/v4/groups/${small.id}?statistics=true`, { token: ADMIN_TOKEN });
    expect(big.status).toBe(200);
    expect(JSON.parse(big.body).statistics.packages_size).toBe(60);
    expect(JSON.parse(little.body).statistics.packages_size).toBe(1);
    expect(big.roundTrips.total).toBe(little.roundTrips.total);
    const plain = await fetchCounted(`/api/v4/groups/${group.id}`, { token: ADMIN_TOKEN });
    expect(big.roundTrips.total).toBe(plain.roundTrips.total + 1);
  });

  it("costs one statement more than the plain project read", async () => {
    const project = await createProject((await createGroup()).id);
    const plain = await fetchCounted(`/api/v4/projects/${project.id}`, { token: ADMIN_TOKEN });
    const withStats = await fetchCounted(`/api/v4/projects/${project.id}?statistics=true`, { token: ADMIN_TOKEN });
    expect(withStats.roundTrips.total).toBe(plain.roundTrips.total + 1);
  });

  it("gives administrators the instance figure, cached copies of request forwarding included", async () => {
    const user = await createUser();
    expect((await call("/api/v4/application/storage", { token: user.token })).status).toBe(403);
    expect((await call("/api/v4/application/storage")).status).toBe(401);
    const before = await ok(call("/api/v4/application/storage", { token: ADMIN_TOKEN }));
    const project = await createProject((await createGroup()).id);
    const shared = await blobOf("s".repeat(50));
    await publish(project.id, "i", "1", { "a.bin": shared, "b.bin": shared });
    const cached = await blobOf("c".repeat(70));
    await planCacheCommit(createDb(env.DB), { packageType: "npm", normalizedName: unique("cached"), fileName: "x.tgz", blob: cached as never, upstreamUrl: "https://registry.npmjs.org/x", replace: false });
    const after = await ok(call("/api/v4/application/storage", { token: ADMIN_TOKEN }));
    expect(after.packages_size - before.packages_size).toBe(50);
    expect(after.cached_files_size - before.cached_files_size).toBe(70);
    expect(after.storage_size - before.storage_size).toBe(120);
    expect(after.blobs_size - before.blobs_size).toBe(120);
  });
});
