// GitLab's GraphQL form of the cleanup policy: Project.packagesCleanupPolicy and updatePackagesCleanupPolicy, with
// GitLab's enum, for Maintainers; the same row the REST form reads.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createPersonalToken, createProject, createUser, ok } from "../support/api";

const graphql = (token: string | undefined, query: string, variables: Record<string, unknown> = {}) =>
  ok(call("/api/graphql", { method: "POST", headers: token ? { Authorization: `Bearer ${token}` } : {}, json: { query, variables } }));

const QUERY = "query($p: ID!) { project(fullPath: $p) { fullPath packagesCleanupPolicy { keepNDuplicatedPackageFiles nextRunAt } } }";
const MUTATION = "mutation($i: UpdatePackagesCleanupPolicyInput!) { updatePackagesCleanupPolicy(input: $i) { errors packagesCleanupPolicy { keepNDuplicatedPackageFiles nextRunAt } } }";

describe("cleanup policy over GraphQL", () => {
  it("reads and updates GitLab's fields, shared with the REST form", async () => {
    const project = await createProject((await createGroup()).id, { visibility: "private" });
    const [developer, maintainer] = [await createUser(), await createUser()];
    await addMember("projects", project.id, developer.id, 30);
    await addMember("projects", project.id, maintainer.id, 40);
    const path = project.path_with_namespace;

    expect((await graphql(maintainer.token, QUERY, { p: path })).data.project).toEqual({ fullPath: path, packagesCleanupPolicy: { keepNDuplicatedPackageFiles: "ALL_PACKAGE_FILES", nextRunAt: null } });
    expect((await graphql(developer.token, QUERY, { p: path })).data.project.packagesCleanupPolicy).toBeNull();
    expect((await graphql(undefined, QUERY, { p: path })).data.project).toBeNull();

    const updated = await graphql(maintainer.token, MUTATION, { i: { projectPath: path, keepNDuplicatedPackageFiles: "TWENTY_PACKAGE_FILES" } });
    expect(updated.data.updatePackagesCleanupPolicy.errors).toEqual([]);
    expect(updated.data.updatePackagesCleanupPolicy.packagesCleanupPolicy.keepNDuplicatedPackageFiles).toBe("TWENTY_PACKAGE_FILES");
    expect(Date.parse(updated.data.updatePackagesCleanupPolicy.packagesCleanupPolicy.nextRunAt)).toBeGreaterThan(Date.now() + 11 * 3600_000);
    expect((await ok(call(`/api/v4/projects/${project.id}/packages/cleanup_policy`, { token: ADMIN_TOKEN }))).keep_n_duplicated_package_files).toBe("20");

    const refused = await graphql(developer.token, MUTATION, { i: { projectPath: path, keepNDuplicatedPackageFiles: "ONE_PACKAGE_FILE" } });
    expect(refused.errors[0].message).toMatch(/does not exist or you don't have permission/);
    const readOnly = await createPersonalToken(maintainer.id, ["read_api"]);
    expect((await graphql(readOnly, MUTATION, { i: { projectPath: path, keepNDuplicatedPackageFiles: "ONE_PACKAGE_FILE" } })).errors).toHaveLength(1);
    expect((await graphql(maintainer.token, MUTATION, { i: { projectPath: path, keepNDuplicatedPackageFiles: "FIVE" } })).errors).toHaveLength(1);
    expect((await ok(call(`/api/v4/projects/${project.id}/packages/cleanup_policy`, { token: ADMIN_TOKEN }))).keep_n_duplicated_package_files).toBe("20");
  });
});
