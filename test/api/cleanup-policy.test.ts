// Cleanup policies: GitLab's field and allowed values, Packyard's rules one by one, a preview that lists exactly
// what the run deletes (the run's deletes go through each package's coordinator), the protection matrix (a
// protected package's latest version never goes) and the scheduled run in bounded batches.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { commitTargetOf } from "../../src/formats";
import { createDb } from "../../src/db/client";
import { namespaces, packageFiles, packages, packagesCleanupPolicies, projects } from "../../src/db/schema";
import { previewCleanup, runCleanupPolicy, runDueCleanupPolicies } from "../../src/core/storage/cleanup-policy";
import { subjectOf, type ProjectContext } from "../../src/core/tenancy";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser, ok } from "../support/api";
import { seedPackage } from "../support/packages";
import { checkInvariants } from "../support/invariants";

const db = createDb(env.DB);
const DAY = 86_400_000;

async function setup() {
  const project = await createProject((await createGroup()).id, { visibility: "private" });
  const [developer, maintainer] = await Promise.all([createUser(), createUser()]);
  await addMember("projects", project.id, developer.id, 30);
  await addMember("projects", project.id, maintainer.id, 40);
  return { project, developer, maintainer, url: `/api/v4/projects/${project.id}/packages/cleanup_policy` };
}

const put = (url: string, json: unknown, token = ADMIN_TOKEN) => call(url, { method: "PUT", token, json });

async function contextOf(projectId: number): Promise<ProjectContext> {
  const row = await db.select({ project: projects, namespace: namespaces }).from(projects).innerJoin(namespaces, eq(namespaces.id, projects.namespaceId)).where(eq(projects.id, projectId)).get();
  return { ...row!, subject: subjectOf(row!.project, row!.namespace), accessLevel: 0 };
}

async function versionsOf(projectId: number, name: string) {
  const rows = await db.select().from(packages).where(eq(packages.projectId, projectId)).all();
  return rows.filter((r) => r.name === name).map((r) => r.version).sort();
}

/** Seed versions in order (each a commit, so created_at grows). */
async function seedVersions(projectId: number, type: string, name: string, versions: string[]) {
  for (const version of versions) await seedPackage(projectId, type, name, version);
}

/** Preview, run with the same clock, and check that exactly the previewed rows went. */
async function previewThenRun(projectId: number, now = Date.now()) {
  const preview = await previewCleanup(db, projectId, now);
  const versionIds = preview.packages.flatMap((p) => p.deletions.versionIds).sort();
  const fileIds = preview.packages.flatMap((p) => p.deletions.fileIds).sort();
  const allPackagesBefore = (await db.select({ id: packages.id }).from(packages).where(eq(packages.projectId, projectId)).all()).map((r) => r.id);
  const allFilesBefore = (await db.select({ id: packageFiles.id }).from(packageFiles).innerJoin(packages, eq(packages.id, packageFiles.packageId)).where(eq(packages.projectId, projectId)).all()).map((r) => r.id);
  await runCleanupPolicy(env, await contextOf(projectId), commitTargetOf, now);
  const packagesAfter = new Set((await db.select({ id: packages.id }).from(packages).where(eq(packages.projectId, projectId)).all()).map((r) => r.id));
  const filesAfter = new Set((await db.select({ id: packageFiles.id }).from(packageFiles).innerJoin(packages, eq(packages.id, packageFiles.packageId)).where(eq(packages.projectId, projectId)).all()).map((r) => r.id));
  const goneVersions = allPackagesBefore.filter((id) => !packagesAfter.has(id)).sort();
  expect(goneVersions).toEqual(versionIds);
  // Files gone = the files chosen + the files of the versions that went.
  const goneFiles = allFilesBefore.filter((id) => !filesAfter.has(id));
  for (const id of fileIds) expect(goneFiles).toContain(id);
  expect(goneFiles.length).toBeGreaterThanOrEqual(fileIds.length);
  expect((await checkInvariants({ afterGrace: false })).violations).toEqual([]);
  return { versionIds, fileIds };
}

describe("cleanup policy API", () => {
  it("has GitLab's field, allowed values and next_run_at, and Packyard's rules", async () => {
    const { url, maintainer } = await setup();
    expect(await ok(call(url, { token: maintainer.token }))).toEqual({ keep_n_duplicated_package_files: "all", next_run_at: null, rules: [] });
    for (const value of ["1", "10", "20", "30", "40", "50"]) {
      const before = Date.now();
      const saved = await ok(put(url, { keep_n_duplicated_package_files: value }, maintainer.token));
      expect(saved.keep_n_duplicated_package_files).toBe(value);
      const next = Date.parse(saved.next_run_at);
      expect(next).toBeGreaterThanOrEqual(before + 12 * 3600_000);
      expect(next).toBeLessThanOrEqual(Date.now() + 12 * 3600_000);
    }
    for (const value of ["5", "0", "ALL", 10, ""]) expect((await put(url, { keep_n_duplicated_package_files: value }, maintainer.token)).status).toBe(400);
    const off = await ok(put(url, { keep_n_duplicated_package_files: "all" }, maintainer.token));
    expect(off.next_run_at).toBeNull();
    const withRule = await ok(put(url, { rules: [{ package_type: "generic", keep_n_latest: 3, version_regex_keep: "1\\..*" }] }, maintainer.token));
    expect(withRule.rules).toEqual([{ package_type: "generic", keep_n_latest: 3, older_than_days: null, name_regex: null, name_regex_keep: null, version_regex: null, version_regex_keep: "1\\..*" }]);
    expect(withRule.next_run_at).not.toBeNull();
    expect(await ok(call(url, { token: maintainer.token }))).toEqual(withRule);
  });

  it("refuses rules that say nothing, repeat a type, or carry a pattern RE2 cannot compile", async () => {
    const { url } = await setup();
    expect((await put(url, { rules: [{ package_type: "generic" }] })).status).toBe(400);
    expect((await put(url, { rules: [{ package_type: "generic", keep_n_latest: 1 }, { package_type: "generic", older_than_days: 3 }] })).status).toBe(400);
    expect((await put(url, { rules: [{ package_type: "generic", version_regex: "(a" }] })).status).toBe(400);
    expect((await put(url, { rules: [{ package_type: "no_such_type", keep_n_latest: 1 }] })).status).toBe(400);
    expect((await put(url, { rules: [{ package_type: "generic", keep_n_latest: 1, extra: 1 }] })).status).toBe(400);
  });

  it("is for Maintainers: 401 anonymous, 403 Developer, 404 for strangers of a private project", async () => {
    const { url, developer } = await setup();
    const stranger = await createUser();
    expect((await call(url)).status).toBe(401);
    expect((await call(url, { token: developer.token })).status).toBe(403);
    expect((await put(url, { keep_n_duplicated_package_files: "1" }, developer.token)).status).toBe(403);
    expect((await call(`${url}/preview`, { token: developer.token })).status).toBe(403);
    expect((await call(`${url}/run`, { method: "POST", token: developer.token })).status).toBe(403);
    expect((await call(url, { token: stranger.token })).status).toBe(404);
  });

  it("previews over the API exactly what the API run deletes", async () => {
    const { project, url, maintainer } = await setup();
    await seedVersions(project.id, "generic", "nightly", ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4"]);
    await seedVersions(project.id, "generic", "stable", ["2.0.0", "2.0.1"]);
    await ok(put(url, { rules: [{ package_type: "generic", keep_n_latest: 2, name_regex: "nightly" }] }, maintainer.token));
    const preview = await ok(call(`${url}/preview`, { token: maintainer.token }));
    expect(preview.packages.map((p: any) => `${p.name}@${p.version}`).sort()).toEqual(["nightly@1.0.0", "nightly@1.0.1", "nightly@1.0.2"]);
    expect(preview.size).toBe(preview.packages.reduce((s: number, p: any) => s + p.size, 0));
    expect(preview.size).toBeGreaterThan(0);
    const run = await ok(call(`${url}/run`, { method: "POST", token: maintainer.token }));
    expect(run).toEqual({ packages_deleted: 3, package_files_deleted: 0, failed: 0, complete: true });
    expect(await versionsOf(project.id, "nightly")).toEqual(["1.0.3", "1.0.4"]);
    expect(await versionsOf(project.id, "stable")).toEqual(["2.0.0", "2.0.1"]);
    expect((await ok(call(`${url}/preview`, { token: maintainer.token }))).packages).toEqual([]);
    expect((await checkInvariants({ afterGrace: false })).violations).toEqual([]);
  });
});

describe("cleanup rules (preview = run)", () => {
  const rule = async (projectId: number, json: unknown) => ok(put(`/api/v4/projects/${projectId}/packages/cleanup_policy`, json));

  it("keep_n_latest keeps the newest N versions of each name, and only of its type", async () => {
    const project = await createProject((await createGroup()).id);
    await seedVersions(project.id, "generic", "a", ["1", "2", "3", "4"]);
    await seedVersions(project.id, "generic", "b", ["1"]);
    await seedVersions(project.id, "pypi", "c", ["1", "2", "3"]);
    await rule(project.id, { rules: [{ package_type: "generic", keep_n_latest: 2 }] });
    await previewThenRun(project.id);
    expect(await versionsOf(project.id, "a")).toEqual(["3", "4"]);
    expect(await versionsOf(project.id, "b")).toEqual(["1"]);
    expect(await versionsOf(project.id, "c")).toEqual(["1", "2", "3"]);
  });

  it("version_regex removes only matching versions, version_regex_keep never removes matching ones", async () => {
    const project = await createProject((await createGroup()).id);
    await seedVersions(project.id, "maven", "app", ["1.0-SNAPSHOT", "1.0", "1.1-SNAPSHOT", "2.0-SNAPSHOT", "1.1"]);
    await rule(project.id, { rules: [{ package_type: "maven", version_regex: ".*-SNAPSHOT", version_regex_keep: "2\\..*" }] });
    await previewThenRun(project.id);
    expect(await versionsOf(project.id, "app")).toEqual(["1.0", "1.1", "2.0-SNAPSHOT"]);
  });

  it("name_regex limits the rule to matching names, name_regex_keep exempts names", async () => {
    const project = await createProject((await createGroup()).id);
    for (const name of ["ci-one", "ci-keep", "release"]) await seedVersions(project.id, "generic", name, ["1", "2"]);
    await rule(project.id, { rules: [{ package_type: "generic", keep_n_latest: 1, name_regex: "ci-.*", name_regex_keep: ".*-keep" }] });
    await previewThenRun(project.id);
    expect(await versionsOf(project.id, "ci-one")).toEqual(["2"]);
    expect(await versionsOf(project.id, "ci-keep")).toEqual(["1", "2"]);
    expect(await versionsOf(project.id, "release")).toEqual(["1", "2"]);
  });

  it("older_than_days removes versions older than N days only", async () => {
    const project = await createProject((await createGroup()).id);
    await seedVersions(project.id, "generic", "old", ["1", "2"]);
    await rule(project.id, { rules: [{ package_type: "generic", older_than_days: 30 }] });
    // Now: nothing is 30 days old.
    expect((await previewThenRun(project.id)).versionIds).toEqual([]);
    // 31 days on: both are; with keep_n_latest 1 the newest stays.
    await rule(project.id, { rules: [{ package_type: "generic", older_than_days: 30, keep_n_latest: 1 }] });
    expect((await previewThenRun(project.id, Date.now() + 31 * DAY)).versionIds).toHaveLength(1);
    expect(await versionsOf(project.id, "old")).toEqual(["2"]);
  });

  it("never removes a version a tag points at (npm dist-tags)", async () => {
    const project = await createProject((await createGroup()).id);
    await seedVersions(project.id, "generic", "tagged", ["1", "2", "3"]);
    const v1 = await db.select().from(packages).where(eq(packages.version, "1")).all();
    const { commitPackage } = await import("../../src/core/publish/client");
    const target = v1.find((r) => r.projectId === project.id)!;
    await commitPackage(env, { projectId: project.id, packageType: "generic", name: "tagged", normalizedName: "tagged", ops: [{ kind: "set_tag", tag: "lts", version: target.version }], author: { creatorId: null, buildInfo: null } });
    await rule(project.id, { rules: [{ package_type: "generic", keep_n_latest: 1 }] });
    await previewThenRun(project.id);
    expect(await versionsOf(project.id, "tagged")).toEqual(["1", "3"]);
  });

  it("keep_n_duplicated_package_files keeps the newest N files of each name in a version (GitLab's rule)", async () => {
    const project = await createProject((await createGroup()).id);
    for (let i = 0; i < 4; i++) await seedPackage(project.id, "generic", "dup", "1.0", { "a.bin": `a${i}`, [`unique-${i}.bin`]: `u${i}` });
    await rule(project.id, { keep_n_duplicated_package_files: "1" });
    const { fileIds } = await previewThenRun(project.id);
    expect(fileIds).toHaveLength(3);
    const left = await db.select().from(packageFiles).innerJoin(packages, eq(packages.id, packageFiles.packageId)).where(eq(packages.projectId, project.id)).all();
    const names = left.map((r) => r.package_files.fileName).sort();
    expect(names).toEqual(["a.bin", "unique-0.bin", "unique-1.bin", "unique-2.bin", "unique-3.bin"]);
    // The one kept is the newest upload.
    const kept = left.find((r) => r.package_files.fileName === "a.bin")!;
    expect(await (await env.BLOBS.get(`blobs/${kept.package_files.blobId}`))!.text()).toBe("a3");
  });
});

describe("protection matrix", () => {
  // A protected package (any rule of its type matching its name) never loses its latest installable version to a
  // policy, whatever the rule's levels; everything else the policy selects goes, for protected and unprotected alike.
  const cases = [
    { rule: null, versions: 3, left: 0 },
    { rule: null, versions: 1, left: 0 },
    { rule: { package_name_pattern: "lib*", minimum_access_level_for_delete: "owner" }, versions: 3, left: 1 },
    { rule: { package_name_pattern: "lib*", minimum_access_level_for_delete: "admin" }, versions: 1, left: 1 },
    { rule: { package_name_pattern: "lib*", minimum_access_level_for_push: "maintainer" }, versions: 3, left: 1 },
    { rule: { package_name_pattern: "other*", minimum_access_level_for_delete: "owner" }, versions: 3, left: 0 },
  ] as const;
  for (const c of cases) {
    it(`${c.rule ? `rule ${c.rule.package_name_pattern} ${JSON.stringify(c.rule)}` : "no rule"}, ${c.versions} version(s) → ${c.left} left`, async () => {
      const project = await createProject((await createGroup()).id);
      const versions = Array.from({ length: c.versions }, (_, i) => `${i + 1}.0.0`);
      await seedVersions(project.id, "generic", "library", versions);
      if (c.rule) await ok(call(`/api/v4/projects/${project.id}/packages/protection/rules`, { method: "POST", token: ADMIN_TOKEN, json: { package_type: "generic", ...c.rule } }), 201);
      await ok(put(`/api/v4/projects/${project.id}/packages/cleanup_policy`, { rules: [{ package_type: "generic", name_regex: ".*" }] }));
      await previewThenRun(project.id);
      const left = await versionsOf(project.id, "library");
      expect(left).toEqual(versions.slice(versions.length - c.left));
    });
  }

  it("the coordinator decides on the rules as they are at the run: a rule added after the preview still holds", async () => {
    const project = await createProject((await createGroup()).id);
    await seedVersions(project.id, "generic", "late", ["1", "2"]);
    await ok(put(`/api/v4/projects/${project.id}/packages/cleanup_policy`, { rules: [{ package_type: "generic", version_regex: ".*" }] }));
    expect((await previewCleanup(db, project.id)).packages[0]!.deletions.versionIds).toHaveLength(2);
    await ok(call(`/api/v4/projects/${project.id}/packages/protection/rules`, { method: "POST", token: ADMIN_TOKEN, json: { package_type: "generic", package_name_pattern: "late", minimum_access_level_for_delete: "owner" } }), 201);
    await runCleanupPolicy(env, await contextOf(project.id), commitTargetOf);
    expect(await versionsOf(project.id, "late")).toEqual(["2"]);
  });
});

describe("scheduled runs", () => {
  it("run due policies in bounded batches, then schedule the next run 12 hours on", async () => {
    const projectsMade = [];
    for (let i = 0; i < 3; i++) {
      const project = await createProject((await createGroup()).id);
      for (const name of ["x", "y"]) await seedVersions(project.id, "generic", name, ["1", "2"]);
      await ok(put(`/api/v4/projects/${project.id}/packages/cleanup_policy`, { rules: [{ package_type: "generic", keep_n_latest: 1 }] }));
      projectsMade.push(project);
    }
    const ids = new Set(projectsMade.map((p) => p.id));
    const later = Date.now() + 13 * 3600_000;
    // Not due yet.
    const early = await runDueCleanupPolicies(env, commitTargetOf, Date.now() + 3600_000, { policies: 100, commits: 100 });
    expect(early.commits).toBe(0);
    // Budget of 3 commits: the first policy finishes (2 names), the second stops after 1 and stays due.
    let ticks = 0;
    for (;;) {
      const tick = await runDueCleanupPolicies(env, commitTargetOf, later, { policies: 100, commits: 3 });
      ticks++;
      if (tick.policies === 0 || ticks > 10) break;
      expect(tick.commits).toBeLessThanOrEqual(3);
    }
    expect(ticks).toBeGreaterThan(1);
    for (const project of projectsMade) {
      expect(await versionsOf(project.id, "x")).toEqual(["2"]);
      expect(await versionsOf(project.id, "y")).toEqual(["2"]);
    }
    const rows = (await db.select().from(packagesCleanupPolicies).all()).filter((r) => ids.has(r.projectId));
    for (const row of rows) expect(row.nextRunAt!.getTime()).toBe(later + 12 * 3600_000);
    expect((await checkInvariants({ afterGrace: false })).violations).toEqual([]);
  });
});
