// GitLab's upload rules: name, system and version syntax; a version once per project; a name in one project of
// a top-level namespace unless the group's terraform_module duplicate setting allows it; and who may read at
// the namespace level.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser, ok, unique } from "../../support/api";
import { archiveText, seedModuleProject, terraformGet, upload, uploadPath, v1 } from "./support";

const NAMESPACE_DUPLICATE = { message: "A module with the same name already exists in the namespace." };
const PROJECT_DUPLICATE = { message: "A module with the same name & version already exists in the project." };

async function setPackageSettings(groupId: number, settings: Record<string, unknown>) {
  await ok(call(`/api/v4/groups/${groupId}`, { method: "PUT", token: ADMIN_TOKEN, json: { package_settings: settings } }));
}

describe("terraform module uploads", () => {
  it("refuses invalid names, systems and versions with 400 (Grape's {error}), and anonymous uploads with 401 first", async () => {
    const { project, developer } = await seedModuleProject();
    const cases: [string, string, string, string][] = [
      ["Hello", "local", "1.0.0", "module_name"],
      ["hello_world", "local", "1.0.0", "module_name"],
      ["a".repeat(65), "local", "1.0.0", "module_name"],
      ["hello", "AWS", "1.0.0", "module_system"],
      ["hello", "local", "1.0", "module_version"],
      ["hello", "local", "v1.0.0", "module_version"],
      ["hello", "local", "01.0.0", "module_version"],
    ];
    for (const [name, system, version, field] of cases) {
      const res = await upload(uploadPath(project.id, name, system, version), "x", { token: developer.token });
      expect(res.status, `${name}/${system}/${version}`).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(new RegExp(`^${field} is invalid`));
    }
    expect((await upload(uploadPath(project.id, "Hello", "local", "1.0.0"), "x")).status).toBe(401);
    for (const [name, system, version] of [["a".repeat(64), "x", "1.0.0"], ["my-module-2", "azure-rm", "2.0.0-beta.1+build.7"]] as const) {
      expect((await upload(uploadPath(project.id, name, system, version), "x", { token: developer.token })).status).toBe(201);
    }
  });

  it("needs Developer: a Reporter gets 403, and the upload path must end in /file", async () => {
    const { project } = await seedModuleProject();
    const reporter = await createUser();
    await addMember("projects", project.id, reporter.id, 20);
    expect((await upload(uploadPath(project.id, "hello", "local", "1.0.0"), "x", { token: reporter.token })).status).toBe(403);
    expect((await upload(`/api/v4/projects/${project.id}/packages/terraform/modules/hello/local/1.0.0/other`, "x", { token: ADMIN_TOKEN })).status).toBe(404);
  });

  it("answers GitLab's 400 for an archive above the size limit", async () => {
    const { project, developer } = await seedModuleProject();
    const res = await call(uploadPath(project.id, "big", "local", "1.0.0"), { method: "PUT", token: developer.token, body: "x", headers: { "content-length": String(6 * 1024 ** 3) } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/File is too large/);
  });

  it("publishes a version once per project (403, the first archive stays)", async () => {
    const { group, project, developer } = await seedModuleProject();
    expect((await upload(uploadPath(project.id, "once", "local", "1.0.0"), "first", { token: developer.token })).status).toBe(201);
    const again = await upload(uploadPath(project.id, "once", "local", "1.0.0"), "second", { token: developer.token });
    expect(again.status).toBe(403);
    expect(await again.json()).toEqual(PROJECT_DUPLICATE);
    const file = await call(`${v1(group.path, "once", "local")}/1.0.0/file`, { token: developer.token });
    expect(await archiveText(file)).toBe("first");
  });

  it("keeps a name in one project of the top-level namespace (subgroups included), by default", async () => {
    const { group, project, developer } = await seedModuleProject();
    const subgroup = await createGroup(unique("sub").toLowerCase(), { parent_id: group.id, visibility: "private" });
    const other = await createProject(subgroup.id, { visibility: "private" });
    await addMember("groups", group.id, developer.id, 30);
    expect((await upload(uploadPath(project.id, "shared", "local", "1.0.0"), "a", { token: developer.token })).status).toBe(201);
    for (const version of ["1.0.0", "2.0.0"]) {
      const res = await upload(uploadPath(other.id, "shared", "local", version), "b", { token: developer.token });
      expect(res.status, version).toBe(403);
      expect(await res.json()).toEqual(NAMESPACE_DUPLICATE);
    }
    // Another system is another module; another top-level namespace is another registry.
    expect((await upload(uploadPath(other.id, "shared", "aws", "1.0.0"), "c", { token: developer.token })).status).toBe(201);
    const elsewhere = await seedModuleProject();
    expect((await upload(uploadPath(elsewhere.project.id, "shared", "local", "1.0.0"), "d", { token: elsewhere.developer.token })).status).toBe(201);
  });

  it("lets the top-level group allow duplicate names, with exception patterns matched against the whole name", async () => {
    const { group, project, developer } = await seedModuleProject();
    const second = await createProject(group.id, { visibility: "private" });
    await addMember("projects", second.id, developer.id, 30);
    for (const name of ["alpha", "beta", "gamma"]) expect((await upload(uploadPath(project.id, name, "local", "1.0.0"), name, { token: developer.token })).status).toBe(201);
    const publishSecond = (name: string, version: string) => upload(uploadPath(second.id, name, "local", version), `${name} again`, { token: developer.token });

    // Not allowed, except names the pattern matches whole ("alp" alone matches no name).
    await setPackageSettings(group.id, { terraform_module_duplicates_allowed: false, terraform_module_duplicate_exception_regex: "alpha/.*|alp" });
    expect((await publishSecond("alpha", "1.0.0")).status).toBe(201);
    expect((await publishSecond("beta", "1.0.0")).status).toBe(403);
    // Allowed, except names the pattern matches.
    await setPackageSettings(group.id, { terraform_module_duplicates_allowed: true, terraform_module_duplicate_exception_regex: "gamma/local" });
    expect((await publishSecond("beta", "1.0.0")).status).toBe(201);
    expect((await publishSecond("gamma", "1.0.0")).status).toBe(403);
    // The same version twice in one project stays refused whatever the setting.
    expect((await publishSecond("beta", "1.0.0")).status).toBe(403);
    // At group level the newest publish of a version wins.
    const file = await call(`${v1(group.path, "beta", "local")}/1.0.0/file`, { token: developer.token });
    expect(await archiveText(file)).toBe("beta again");
  });

  it("lets exactly one of two concurrent publishes of a name and version in two projects of the namespace win", async () => {
    const { group, project } = await seedModuleProject();
    const second = await createProject(group.id, { visibility: "private" });
    const results = await Promise.all([project.id, second.id].map((id) => upload(uploadPath(id, "raced", "local", "1.0.0"), `from ${id}`, { token: ADMIN_TOKEN })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 403]);
  });
});

describe("terraform module reads in a namespace", () => {
  it("answers a private namespace as an unknown one: 401 anonymous, 404 for an outsider", async () => {
    const { group, project, developer } = await seedModuleProject();
    expect((await upload(uploadPath(project.id, "secret", "local", "1.0.0"), "s", { token: developer.token })).status).toBe(201);
    const outsider = await createUser();
    const unknown = unique("nobody").toLowerCase();
    for (const suffix of ["/versions", "", "/1.0.0", "/1.0.0/download", "/1.0.0/file"]) {
      for (const [token, status] of [[undefined, 401], [outsider.token, 404]] as const) {
        const hidden = await terraformGet(`${v1(group.path, "secret", "local")}${suffix}`, token);
        const missing = await terraformGet(`${v1(unknown, "secret", "local")}${suffix}`, token);
        expect([hidden.status, missing.status], suffix).toEqual([status, status]);
        expect(await hidden.json()).toEqual(await missing.json());
      }
    }
    expect((await terraformGet(`${v1(group.path, "secret", "local")}/versions`, developer.token)).status).toBe(200);
  });

  it("serves anonymous installs from a project that allows anyone to pull, in a private group", async () => {
    const { group, project, developer } = await seedModuleProject({ visibility: "private", package_registry_access_level: "public" });
    expect((await upload(uploadPath(project.id, "pullable", "local", "1.0.0"), "p", { token: developer.token })).status).toBe(201);
    expect((await terraformGet(`${v1(group.path, "pullable", "local")}/versions`)).status).toBe(200);
    expect((await terraformGet(`${v1(group.path, "pullable", "local")}/1.0.0/file`)).status).toBe(200);
  });

  it("reads only the projects the caller may read: a guest's module is hidden, a Reporter sees it", async () => {
    const { group, project, developer } = await seedModuleProject();
    expect((await upload(uploadPath(project.id, "members", "local", "1.0.0"), "m", { token: developer.token })).status).toBe(201);
    const [guest, reporter] = [await createUser(), await createUser()];
    await addMember("projects", project.id, guest.id, 10);
    await addMember("projects", project.id, reporter.id, 20);
    expect((await terraformGet(`${v1(group.path, "members", "local")}/versions`, guest.token)).status).toBe(404);
    expect((await terraformGet(`${v1(group.path, "members", "local")}/versions`, reporter.token)).status).toBe(200);
    expect((await terraformGet(`${v1(group.path, "members", "local")}/1.0.0/download`, guest.token)).status).toBe(404);
  });
});

describe("module names across a top-level namespace", () => {
  it("refuses a name another project holds, in any version, even when that project is hidden from the uploader", async () => {
    const { group, project, developer } = await seedModuleProject();
    const hidden = await createProject(group.id, { visibility: "private" });
    expect((await upload(uploadPath(hidden.id, "vpc", "aws", "1.0.0"), "hidden module", { token: ADMIN_TOKEN })).status).toBe(201);
    const res = await upload(uploadPath(project.id, "vpc", "aws", "2.0.0"), "shadowing module", { token: developer.token });
    expect(res.status).toBe(403);
  });
});
