import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createUser, ok } from "../support/api";

const MUTATION = `mutation update($input: UpdateNamespacePackageSettingsInput!) {
  updateNamespacePackageSettings(input: $input) {
    packageSettings {
      mavenDuplicatesAllowed mavenDuplicateExceptionRegex genericDuplicatesAllowed genericDuplicateExceptionRegex
      nugetDuplicatesAllowed nugetDuplicateExceptionRegex terraformModuleDuplicatesAllowed terraformModuleDuplicateExceptionRegex
      npmPackageRequestsForwarding lockNpmPackageRequestsForwarding npmPackageRequestsForwardingLocked
      pypiPackageRequestsForwarding mavenPackageRequestsForwarding nugetSymbolServerEnabled
    }
    errors
  }
}`;

const QUERY = `query settings($path: ID!) { namespace(fullPath: $path) { id fullPath packageSettings { mavenDuplicatesAllowed mavenDuplicateExceptionRegex npmPackageRequestsForwarding npmPackageRequestsForwardingLocked lockNpmPackageRequestsForwarding } } }`;

function graphql(token: string | undefined, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return call("/api/graphql", { method: "POST", headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers }, json: { query, variables } });
}

describe("POST /api/graphql: namespace package settings", () => {
  it("updates the settings with GitLab's mutation and answers GitLab's payload", async () => {
    const group = await createGroup();
    const body = await ok(
      graphql(ADMIN_TOKEN, MUTATION, {
        input: { namespacePath: group.full_path, mavenDuplicatesAllowed: false, mavenDuplicateExceptionRegex: "foo-.*", genericDuplicatesAllowed: false, nugetDuplicatesAllowed: false, terraformModuleDuplicatesAllowed: true, npmPackageRequestsForwarding: true, lockNpmPackageRequestsForwarding: true },
      }),
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.updateNamespacePackageSettings).toEqual({
      errors: [],
      packageSettings: {
        mavenDuplicatesAllowed: false,
        mavenDuplicateExceptionRegex: "foo-.*",
        genericDuplicatesAllowed: false,
        genericDuplicateExceptionRegex: "",
        nugetDuplicatesAllowed: false,
        nugetDuplicateExceptionRegex: "",
        terraformModuleDuplicatesAllowed: true,
        terraformModuleDuplicateExceptionRegex: "",
        npmPackageRequestsForwarding: true,
        lockNpmPackageRequestsForwarding: true,
        npmPackageRequestsForwardingLocked: false,
        pypiPackageRequestsForwarding: false,
        mavenPackageRequestsForwarding: false,
        nugetSymbolServerEnabled: false,
      },
    });
    // The REST field reads the same stored settings.
    const rest = await ok(call(`/api/v4/groups/${group.id}`, { token: ADMIN_TOKEN }));
    expect(rest.package_settings).toMatchObject({ maven_duplicates_allowed: false, maven_duplicate_exception_regex: "foo-.*" });
  });

  it("answers the namespace query; a subgroup sees the lock of its parent", async () => {
    const parent = await createGroup();
    const child = await createGroup(`sub-${parent.path}`, { parent_id: parent.id });
    await ok(graphql(ADMIN_TOKEN, MUTATION, { input: { namespacePath: parent.full_path, npmPackageRequestsForwarding: true, lockNpmPackageRequestsForwarding: true } }));
    const body = await ok(graphql(ADMIN_TOKEN, QUERY, { path: child.full_path }));
    expect(body.data.namespace).toEqual({
      id: `gid://gitlab/Group/${child.id}`,
      fullPath: child.full_path,
      packageSettings: { mavenDuplicatesAllowed: true, mavenDuplicateExceptionRegex: "", npmPackageRequestsForwarding: true, npmPackageRequestsForwardingLocked: true, lockNpmPackageRequestsForwarding: false },
    });
    const refused = await ok(graphql(ADMIN_TOKEN, MUTATION, { input: { namespacePath: child.full_path, npmPackageRequestsForwarding: false } }));
    expect(refused.data.updateNamespacePackageSettings).toEqual({ packageSettings: null, errors: ["Npm package requests forwarding cannot be changed because it is locked by an ancestor"] });
  });

  it("leaves the settings to the namespace's Owner: others get GitLab's refusal and a null packageSettings", async () => {
    const group = await createGroup();
    const owner = await createUser();
    const maintainer = await createUser();
    await addMember("groups", group.id, owner.id, 50);
    await addMember("groups", group.id, maintainer.id, 40);
    const denied = await ok(graphql(maintainer.token, MUTATION, { input: { namespacePath: group.full_path, mavenDuplicatesAllowed: false } }));
    expect(denied.data.updateNamespacePackageSettings).toBeNull();
    expect(denied.errors[0].message).toBe("The resource that you are attempting to access does not exist or you don't have permission to perform this action");
    const anonymous = await ok(graphql(undefined, MUTATION, { input: { namespacePath: group.full_path, mavenDuplicatesAllowed: false } }));
    expect(anonymous.data.updateNamespacePackageSettings).toBeNull();
    expect((await ok(graphql(maintainer.token, QUERY, { path: group.full_path }))).data.namespace.packageSettings).toBeNull();

    const saved = await ok(graphql(owner.token, MUTATION, { input: { namespacePath: group.full_path, mavenDuplicatesAllowed: false } }));
    expect(saved.data.updateNamespacePackageSettings.packageSettings.mavenDuplicatesAllowed).toBe(false);
    expect((await ok(graphql(owner.token, QUERY, { path: group.full_path }))).data.namespace.packageSettings.mavenDuplicatesAllowed).toBe(false);
  });

  it("refuses an invalid regex at coercion, as GitLab's UntrustedRegexp does", async () => {
    const group = await createGroup();
    const body = await ok(graphql(ADMIN_TOKEN, MUTATION, { input: { namespacePath: group.full_path, mavenDuplicateExceptionRegex: "][" } }));
    expect(body.data).toBeUndefined();
    expect(body.errors[0].message).toContain("][ is an invalid regexp");
  });

  it("refuses documents with more than 100 fields, so aliases cannot multiply the work", async () => {
    const group = await createGroup();
    const aliases = Array.from({ length: 60 }, (_, i) => `n${i}: namespace(fullPath: "${group.full_path}") { fullPath }`).join(" ");
    const body = await ok(graphql(ADMIN_TOKEN, `{ ${aliases} }`));
    expect(body.data).toBeUndefined();
    expect(body.errors[0].message).toBe("Query has more than 100 fields");
    const fine = await ok(graphql(ADMIN_TOKEN, `{ a: namespace(fullPath: "${group.full_path}") { fullPath } b: namespace(fullPath: "${group.full_path}") { fullPath } }`));
    expect(fine.data.b.fullPath).toBe(group.full_path);
  });

  it("takes token credentials and JSON only", async () => {
    const group = await createGroup();
    const asText = await call("/api/graphql", { method: "POST", headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "text/plain" }, body: JSON.stringify({ query: "{ __typename }" }) });
    expect(asText.status).toBe(415);
    const basic = await call("/api/graphql", { method: "POST", headers: { Authorization: `Basic ${btoa(`root:${ADMIN_TOKEN}`)}` }, json: { query: QUERY, variables: { path: group.full_path } } });
    expect(basic.status).toBe(401);
    expect(basic.headers.get("x-content-type-options")).toBe("nosniff");
    const viaHeader = await ok(call("/api/graphql", { method: "POST", token: ADMIN_TOKEN, json: { query: QUERY, variables: { path: group.full_path } } }));
    expect(viaHeader.data.namespace.fullPath).toBe(group.full_path);
  });
});
