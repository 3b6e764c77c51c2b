// The storage view on the project and group package pages: packages_size (per blob), the quota and its use,
// immutable versions, the next cleanup run for Maintainers; hidden from those the API would not tell.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser, ok } from "../support/api";
import { browser, d1Queries, seedPackage, signIn, textOf } from "./support";

describe("storage view", () => {
  it("shows a project's figures to Reporters, the cleanup schedule to Maintainers, nothing to Guests or anonymous viewers", async () => {
    const group = await createGroup();
    const project = await createProject(group.id, { visibility: "public" });
    await seedPackage(project.id, "generic", "big", "1", { files: { "big.bin": "x".repeat(2048) } });
    await ok(call(`/api/v4/projects/${project.id}/storage`, { method: "PUT", token: ADMIN_TOKEN, json: { packages_size_limit: 4096 } }));
    await ok(call(`/api/v4/groups/${group.id}/storage`, { method: "PUT", token: ADMIN_TOKEN, json: { immutable_versions: true } }));
    await ok(call(`/api/v4/projects/${project.id}/packages/cleanup_policy`, { method: "PUT", token: ADMIN_TOKEN, json: { keep_n_duplicated_package_files: "1" } }));
    const [guest, reporter, maintainer] = [await createUser(), await createUser(), await createUser()];
    await addMember("projects", project.id, guest.id, 10);
    await addMember("projects", project.id, reporter.id, 20);
    await addMember("projects", project.id, maintainer.id, 40);
    const url = `/${project.path_with_namespace}/-/packages`;

    const reporterPage = await (await signIn(reporter.username)).get(url);
    const text = textOf(reporterPage.html);
    expect(text).toContain("Storage");
    expect(text).toContain("Packages use 2.0 KiB of 4.0 KiB (50% of the quota)");
    expect(text).toContain("Immutable versions on (set by a group above)");
    expect(text).not.toContain("Cleanup policy");
    const maintainerText = textOf((await (await signIn(maintainer.username)).get(url)).html);
    expect(maintainerText).toMatch(/Cleanup policy next run \d{4}-\d\d-\d\d \d\d:\d\d UTC/);

    for (const page of [await (await signIn(guest.username)).get(url), await browser().get(url)]) {
      expect(page.status).toBe(200);
      expect(textOf(page.html)).not.toContain("Packages use");
    }
    // The view is read beside the list: one batch more than the list alone, whatever the project holds.
    const plainGuest = await (await signIn(guest.username)).get(url);
    expect(d1Queries(reporterPage.res)).toBeLessThanOrEqual(d1Queries(plainGuest.res) + 1);
  });

  it("shows a group's figures to its Owners", async () => {
    const group = await createGroup();
    const project = await createProject(group.id, { visibility: "public" });
    await seedPackage(project.id, "generic", "g", "1", { files: { "g.bin": "y".repeat(100) } });
    const owner = await createUser();
    await addMember("groups", group.id, owner.id, 50);
    const url = `/groups/${group.full_path}/-/packages`;
    expect(textOf((await (await signIn(owner.username)).get(url)).html)).toContain("Packages use 100 B (no quota)");
    expect(textOf((await browser().get(url)).html)).not.toContain("Packages use");
  });
});
