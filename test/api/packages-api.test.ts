// The Packages API: filters, sorting, pagination headers, group listings, details, files, deletes.
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser, ok } from "../support/api";
import { seedPackage } from "../support/packages";

let group: any;
let project: any;
const list = (query: string, token = ADMIN_TOKEN) => call(`/api/v4/projects/${project.id}/packages${query}`, { token });

beforeAll(async () => {
  group = await createGroup(undefined, { visibility: "private" });
  project = await createProject(group.id, { visibility: "private" });
  await seedPackage(project.id, "npm", "alpha", "1.0.0");
  await seedPackage(project.id, "npm", "alpha", "1.1.0");
  await seedPackage(project.id, "pypi", "beta-tool", "2.0.0");
  await seedPackage(project.id, "maven", "com/acme/gamma", "3.0.0");
  await seedPackage(project.id, "maven", "com/acme/gamma", ""); // versionless metadata package
  await seedPackage(project.id, "generic", "hidden-thing", "1.0.0", undefined, { status: "hidden" });
});

describe("Packages API", () => {
  it("lists a project's packages oldest first with GitLab's pagination headers", async () => {
    const res = await list("?per_page=2");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-total")).toBe("4");
    expect(res.headers.get("x-page")).toBe("1");
    expect(res.headers.get("x-per-page")).toBe("2");
    expect(res.headers.get("x-next-page")).toBe("2");
    expect(res.headers.get("link")).toContain('rel="next"');
    const body = await res.json<any[]>();
    expect(body.map((p) => `${p.name}@${p.version}`)).toEqual(["alpha@1.0.0", "alpha@1.1.0"]);
    const second = await ok(list("?per_page=2&page=2"));
    expect(second.map((p: any) => p.name)).toEqual(["beta-tool", "com/acme/gamma"]);
  });

  it("filters by type, fuzzy name, exact version, status and versionless", async () => {
    const names = async (q: string) => (await ok(list(q))).map((p: any) => `${p.package_type}:${p.name}@${p.version}`);
    expect(await names("?package_type=npm")).toEqual(["npm:alpha@1.0.0", "npm:alpha@1.1.0"]);
    expect(await names("?package_name=TOOL")).toEqual(["pypi:beta-tool@2.0.0"]);
    expect(await names("?package_version=1.1.0")).toEqual(["npm:alpha@1.1.0"]);
    expect(await names("?status=hidden")).toEqual(["generic:hidden-thing@1.0.0"]);
    expect(await names("?package_type=maven&include_versionless=true")).toEqual(["maven:com/acme/gamma@3.0.0", "maven:com/acme/gamma@null"]);
  });

  it("sorts by name, version and type in both directions", async () => {
    const names = async (q: string) => (await ok(list(q))).map((p: any) => p.name);
    expect(await names("?order_by=name&sort=desc")).toEqual(["com/acme/gamma", "beta-tool", "alpha", "alpha"]);
    expect(await names("?order_by=type&sort=asc")).toEqual(["com/acme/gamma", "alpha", "alpha", "beta-tool"]);
    expect((await ok(list("?order_by=version&sort=desc")))[0].version).toBe("3.0.0");
  });

  it("rejects unknown filter values with 400", async () => {
    expect((await list("?order_by=size")).status).toBe(400);
    expect((await list("?status=gone")).status).toBe(400);
    expect((await list("?per_page=ten")).status).toBe(400);
  });

  it("caps per_page at 100 and treats a page below 1 as page 1, as GitLab", async () => {
    const capped = await list("?per_page=1000");
    expect(capped.status).toBe(200);
    expect(capped.headers.get("x-per-page")).toBe("100");
    const first = await list("?page=0&per_page=2");
    expect(first.status).toBe(200);
    expect(first.headers.get("x-page")).toBe("1");
  });

  it("lists a group's packages only from projects the caller can read", async () => {
    const top = await createGroup(undefined, { visibility: "public" });
    const sub = await ok(call("/api/v4/groups", { method: "POST", token: ADMIN_TOKEN, json: { name: "sub", path: "sub", parent_id: top.id, visibility: "public" } }), 201);
    const publicProject = await createProject(top.id, { visibility: "public" });
    const privateProject = await createProject(sub.id, { visibility: "private" });
    await seedPackage(publicProject.id, "npm", "open", "1.0.0");
    await seedPackage(privateProject.id, "npm", "secret", "1.0.0");
    const outsider = await createUser();
    const seen = async (q: string, token?: string) => (await ok(call(`/api/v4/groups/${top.id}/packages${q}`, { token }))).map((p: any) => p.name).sort();
    expect(await seen("", outsider.token)).toEqual(["open"]);
    expect(await seen("")).toEqual(["open"]);
    expect(await seen("", ADMIN_TOKEN)).toEqual(["open", "secret"]);
    expect(await seen("?exclude_subgroups=true", ADMIN_TOKEN)).toEqual(["open"]);
    await addMember("projects", privateProject.id, outsider.id, 20);
    expect(await seen("", outsider.token)).toEqual(["open", "secret"]);
  });

  it("shows details with other versions, the files with digests, and the pipelines", async () => {
    const built = await seedPackage(project.id, "npm", "built", "1.0.0", undefined, { buildInfo: { pipelineId: 77, ref: "main", sha: "deadbeef", userId: 1 } });
    const details = await ok(call(`/api/v4/projects/${project.id}/packages/${built.packageId}`, { token: ADMIN_TOKEN }));
    expect(details).toMatchObject({ name: "built", version: "1.0.0", package_type: "npm", pipeline: { id: 77, sha: "deadbeef", user: { username: "root" } } });
    expect(details._links.delete_api_path).toContain(`/packages/${built.packageId}`);
    const files = await ok(call(`/api/v4/projects/${project.id}/packages/${built.packageId}/package_files`, { token: ADMIN_TOKEN }));
    expect(files[0]).toMatchObject({ file_name: "built-1.0.0.bin", size: "built@1.0.0".length, file_sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const alpha = (await ok(list("?package_name=alpha&package_version=1.1.0")))[0];
    const alphaDetails = await ok(call(`/api/v4/projects/${project.id}/packages/${alpha.id}`, { token: ADMIN_TOKEN }));
    expect(alphaDetails.versions.map((v: any) => v.version)).toEqual(["1.0.0"]);
  });

  it("lets Maintainers delete packages and files (GitLab's destroy_package), and nobody else", async () => {
    const developer = await createUser();
    const maintainer = await createUser();
    await addMember("projects", project.id, developer.id, 30);
    await addMember("projects", project.id, maintainer.id, 40);
    const pkg = await seedPackage(project.id, "generic", "doomed", "1.0.0", { "a.txt": "a", "b.txt": "b" });
    const path = `/api/v4/projects/${project.id}/packages/${pkg.packageId}`;
    expect((await call(path, { method: "DELETE", token: developer.token })).status).toBe(403);
    expect((await call(`${path}/package_files/${pkg.fileIds[0]}`, { method: "DELETE", token: developer.token })).status).toBe(403);
    expect((await call(`${path}/package_files/${pkg.fileIds[0]}`, { method: "DELETE", token: maintainer.token })).status).toBe(204);
    const remaining = await ok(call(`${path}/package_files`, { token: developer.token }));
    expect(remaining.map((f: any) => f.file_name)).toEqual(["b.txt"]);
    expect((await call(path, { method: "DELETE", token: maintainer.token })).status).toBe(204);
    expect((await call(path, { token: maintainer.token })).status).toBe(404);
    expect((await call(path, { method: "DELETE", token: maintainer.token })).status).toBe(404);
  });

  it("answers 403 on every package endpoint when the registry is disabled", async () => {
    const p = await createProject(group.id, { visibility: "private", package_registry_access_level: "disabled" });
    expect((await call(`/api/v4/projects/${p.id}/packages`, { token: ADMIN_TOKEN })).status).toBe(403);
  });

  it("answers 404 for a package of another project and for non-numeric ids", async () => {
    const other = await createProject(group.id);
    const pkg = await seedPackage(other.id, "npm", "elsewhere", "1.0.0");
    expect((await call(`/api/v4/projects/${project.id}/packages/${pkg.packageId}`, { token: ADMIN_TOKEN })).status).toBe(404);
    expect((await call(`/api/v4/projects/${project.id}/packages/abc`, { token: ADMIN_TOKEN })).status).toBe(404);
  });
});
