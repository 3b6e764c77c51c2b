// The protected packages API as GitLab has it: fields, validation (400 for values outside the enums, 422 for
// what the model refuses), and who may manage rules (Maintainers, with an api token; read_api lists them).
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createDeployToken, createGroup, createPersonalToken, createProject, createUser, ok } from "../support/api";

async function setup() {
  const project = await createProject((await createGroup()).id, { visibility: "private" });
  const [developer, maintainer] = await Promise.all([createUser(), createUser()]);
  await addMember("projects", project.id, developer.id, 30);
  await addMember("projects", project.id, maintainer.id, 40);
  return { project, developer, maintainer, url: `/api/v4/projects/${project.id}/packages/protection/rules` };
}

describe("package protection rules API", () => {
  it("creates, lists, patches and deletes a rule with GitLab's fields", async () => {
    const { project, maintainer, url } = await setup();
    const created = await ok(call(url, { method: "POST", token: maintainer.token, json: { package_name_pattern: "@flight/flight-*", package_type: "npm", minimum_access_level_for_push: "maintainer" } }), 201);
    expect(created).toEqual({
      id: expect.any(Number),
      project_id: project.id,
      package_name_pattern: "@flight/flight-*",
      package_type: "npm",
      minimum_access_level_for_delete: null,
      minimum_access_level_for_push: "maintainer",
    });
    const second = await ok(call(url, { method: "POST", token: maintainer.token, json: { package_name_pattern: "lib-*", package_type: "generic", minimum_access_level_for_delete: "owner" } }), 201);
    expect(second.minimum_access_level_for_push).toBeNull();
    expect((await ok(call(url, { token: maintainer.token }))).map((r: any) => r.id)).toEqual([created.id, second.id]);

    const patched = await ok(call(`${url}/${created.id}`, { method: "PATCH", token: maintainer.token, json: { minimum_access_level_for_push: "owner", minimum_access_level_for_delete: "admin" } }));
    expect(patched).toMatchObject({ package_name_pattern: "@flight/flight-*", minimum_access_level_for_push: "owner", minimum_access_level_for_delete: "admin" });
    const unsetPush = await ok(call(`${url}/${created.id}`, { method: "PATCH", token: maintainer.token, json: { minimum_access_level_for_push: "" } }));
    expect(unsetPush).toMatchObject({ minimum_access_level_for_push: null, minimum_access_level_for_delete: "admin" });

    expect((await call(`${url}/${created.id}`, { method: "DELETE", token: maintainer.token })).status).toBe(204);
    expect((await call(`${url}/${created.id}`, { method: "DELETE", token: maintainer.token })).status).toBe(404);
    expect((await ok(call(url, { token: maintainer.token }))).map((r: any) => r.id)).toEqual([second.id]);
  });

  it("answers 400 for values outside GitLab's enums and 422 for what the rule model refuses", async () => {
    const { maintainer, url } = await setup();
    const post = (json: unknown) => call(url, { method: "POST", token: maintainer.token, json });
    expect((await post({ package_name_pattern: "a", package_type: "not in enum", minimum_access_level_for_push: "maintainer" })).status).toBe(400);
    expect((await post({ package_name_pattern: "a", package_type: "npm", minimum_access_level_for_push: "developer" })).status).toBe(400);
    expect((await post({ package_name_pattern: "a", package_type: "npm", minimum_access_level_for_delete: "maintainer" })).status).toBe(400);
    expect((await post({ package_type: "npm", minimum_access_level_for_push: "maintainer" })).status).toBe(400);

    const refused = async (json: unknown) => {
      const res = await post(json);
      expect(res.status).toBe(422);
      return ((await res.json()) as { message: { error: string[] } }).message.error;
    };
    expect(await refused({ package_name_pattern: "*@scope/x", package_type: "npm", minimum_access_level_for_push: "maintainer" })).toEqual([
      "Package name pattern should be a valid NPM package name with optional wildcard characters.",
    ]);
    expect(await refused({ package_name_pattern: "My_Module", package_type: "terraform_module", minimum_access_level_for_push: "maintainer" })).toEqual([
      "Package name pattern should be a valid Terraform module package name with optional wildcard characters.",
    ]);
    expect(await refused({ package_name_pattern: "", package_type: "maven", minimum_access_level_for_push: "owner" })).toEqual(["Package name pattern can't be blank"]);
    expect(await refused({ package_name_pattern: "a", package_type: "pypi" })).toEqual(["A rule must have at least a minimum access role for push or delete."]);

    await ok(post({ package_name_pattern: "@scope/taken-*", package_type: "npm", minimum_access_level_for_push: "maintainer" }), 201);
    expect(await refused({ package_name_pattern: "@scope/taken-*", package_type: "npm", minimum_access_level_for_push: "owner" })).toEqual(["Package name pattern has already been taken"]);
    // The same pattern for another type is another rule.
    await ok(post({ package_name_pattern: "@scope/taken-*", package_type: "generic", minimum_access_level_for_push: "owner" }), 201);
    const other = await ok(post({ package_name_pattern: "other", package_type: "npm", minimum_access_level_for_push: "owner" }), 201);
    const patch = await call(`${url}/${other.id}`, { method: "PATCH", token: maintainer.token, json: { package_name_pattern: "@scope/taken-*" } });
    expect(patch.status).toBe(422);
    const both = await call(`${url}/${other.id}`, { method: "PATCH", token: maintainer.token, json: { minimum_access_level_for_push: null } });
    expect(both.status).toBe(422);
  });

  it("lets Maintainers and administrators manage rules; 401 without credentials, 403 below Maintainer or with a read_api token", async () => {
    const { project, developer, maintainer, url } = await setup();
    const json = { package_name_pattern: "x-*", package_type: "generic", minimum_access_level_for_push: "maintainer" };
    expect((await call(url)).status).toBe(401);
    expect((await call(url, { method: "POST", json })).status).toBe(401);
    expect((await call(url, { token: developer.token })).status).toBe(403);
    expect((await call(url, { method: "POST", token: developer.token, json })).status).toBe(403);
    const outsider = await createUser();
    expect((await call(url, { token: outsider.token })).status).toBe(404);

    const readApi = await createPersonalToken(maintainer.id, ["read_api"]);
    const rule = await ok(call(url, { method: "POST", token: ADMIN_TOKEN, json }), 201);
    expect((await ok(call(url, { token: readApi }))).map((r: any) => r.id)).toEqual([rule.id]);
    expect((await call(url, { method: "POST", token: readApi, json: { ...json, package_name_pattern: "y" } })).status).toBe(403);
    expect((await call(`${url}/${rule.id}`, { method: "DELETE", token: readApi })).status).toBe(403);

    const deploy = await createDeployToken("projects", project.id, ["write_package_registry"]);
    expect((await call(url, { headers: { "DEPLOY-TOKEN": deploy.token } })).status).toBe(403);

    // A rule id of another project is not found here.
    const elsewhere = await createProject((await createGroup()).id);
    const foreign = await ok(call(`/api/v4/projects/${elsewhere.id}/packages/protection/rules`, { method: "POST", token: ADMIN_TOKEN, json }), 201);
    expect((await call(`${url}/${foreign.id}`, { method: "PATCH", token: maintainer.token, json: { package_name_pattern: "z" } })).status).toBe(404);
    expect((await call(`${url}/${foreign.id}`, { method: "DELETE", token: maintainer.token })).status).toBe(404);
  });
});
