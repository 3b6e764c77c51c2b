import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser, ok, unique } from "../../support/api";
import { PIP_ACCEPT, twineUpload } from "../../formats/pypi/helpers";
import { serveUpstreams, type UpstreamDouble } from "./upstreams";

let upstream: number;
let double: UpstreamDouble;
const NAME = "shadowed-lib";

const settings = (json: Record<string, unknown>) => ok(call("/api/v4/application/settings", { method: "PUT", token: ADMIN_TOKEN, json }));
const page = (base: string, name = NAME, init: RequestInit & { token?: string } = {}) => call(`${base}/simple/${name}/`, { ...init, headers: { accept: PIP_ACCEPT } });

beforeAll(async () => {
  const group = await createGroup(unique("pypi-org"));
  upstream = (await createProject(group.id, { visibility: "public" })).id;
  for (const name of [NAME, "allowed-lib", "other-lib"]) {
    expect((await twineUpload(upstream, { name, version: "9.9.9", fileName: `${name.replace(/-/g, "_")}-9.9.9.tar.gz` }, { token: ADMIN_TOKEN })).res.status).toBe(201);
  }
});

afterEach(async () => {
  double?.restore();
  await settings({ pypi_package_requests_forwarding: false });
});

async function consumer(projectVisibility = "public") {
  const group = await createGroup(unique("consumer"));
  const project = await createProject(group.id, { visibility: projectVisibility });
  return { group, project, groupBase: `/api/v4/groups/${group.id}/-/packages/pypi`, projectBase: `/api/v4/projects/${project.id}/packages/pypi` };
}

describe("dependency-confusion guards", () => {
  it("never forwards a name a project of the level holds, even one the caller cannot read", async () => {
    double = serveUpstreams({ pypi: upstream });
    await settings({ pypi_package_requests_forwarding: true });
    const { group, project } = await consumer("private");
    await createProject(group.id, { visibility: "public" });
    expect((await twineUpload(project.id, { name: NAME, version: "1.0", fileName: "shadowed_lib-1.0.tar.gz" }, { token: ADMIN_TOKEN })).res.status).toBe(201);
    const anonymous = await page(`/api/v4/groups/${group.id}/-/packages/pypi`);
    expect(anonymous.status).toBe(401);
    const outsider = await createUser();
    expect((await page(`/api/v4/groups/${group.id}/-/packages/pypi`, NAME, { token: outsider.token })).status).toBe(404);
    expect(double.requests).toEqual([]);
  });

  it("keeps a deleted name reserved until a Maintainer releases it", async () => {
    double = serveUpstreams({ pypi: upstream });
    await settings({ pypi_package_requests_forwarding: true });
    const { project, groupBase } = await consumer();
    const maintainer = await createUser();
    const developer = await createUser();
    await addMember("projects", project.id, maintainer.id, 40);
    await addMember("projects", project.id, developer.id, 30);
    expect((await twineUpload(project.id, { name: NAME, version: "1.0", fileName: "shadowed_lib-1.0.tar.gz" }, { token: ADMIN_TOKEN })).res.status).toBe(201);
    const reserved = `/api/v4/projects/${project.id}/packages/reserved_names`;
    expect(await ok(call(reserved, { token: maintainer.token }))).toMatchObject([{ package_type: "pypi", name: NAME, published: true }]);
    expect((await call(`${reserved}/pypi/${NAME}`, { method: "DELETE", token: maintainer.token })).status).toBe(409);

    const [pkg] = await ok(call(`/api/v4/projects/${project.id}/packages`, { token: maintainer.token }));
    expect((await call(`/api/v4/projects/${project.id}/packages/${pkg.id}`, { method: "DELETE", token: maintainer.token })).status).toBe(204);
    expect((await page(groupBase)).status).toBe(404);
    expect(double.requests).toEqual([]);

    expect((await call(`${reserved}/pypi/${NAME}`, { method: "DELETE", token: developer.token })).status).toBe(403);
    expect((await call(`${reserved}/pypi/${NAME}`, { method: "DELETE", token: maintainer.token })).status).toBe(204);
    const forwarded = await page(groupBase);
    expect(forwarded.status).toBe(200);
    expect(forwarded.headers.get("x-packyard-forwarded")).not.toBeNull();
  });

  it("forwards only what the group's allow pattern names and its deny pattern does not", async () => {
    double = serveUpstreams({ pypi: upstream });
    await settings({ pypi_package_requests_forwarding: true });
    const { group, groupBase } = await consumer();
    const sub = await createGroup(unique("sub"), { parent_id: group.id });
    const subBase = `/api/v4/groups/${sub.id}/-/packages/pypi`;
    const rules = `/api/v4/groups/${group.id}/packages/forwarding_rules`;
    const owner = await createUser();
    const maintainer = await createUser();
    await addMember("groups", group.id, owner.id, 50);
    await addMember("groups", group.id, maintainer.id, 40);
    expect((await call(rules, { method: "PUT", token: maintainer.token, json: { package_requests_forwarding_deny_regex: "x" } })).status).toBe(403);
    expect((await call(rules, { method: "PUT", token: owner.token, json: { package_requests_forwarding_deny_regex: "(" } })).status).toBe(400);
    const saved = await ok(call(rules, { method: "PUT", token: owner.token, json: { package_requests_forwarding_allow_regex: ".*-lib", package_requests_forwarding_deny_regex: "other-.*" } }));
    expect(saved).toEqual({ package_requests_forwarding_allow_regex: ".*-lib", package_requests_forwarding_deny_regex: "other-.*" });
    expect((await page(groupBase, "allowed-lib")).status).toBe(200);
    expect((await page(subBase, "other-lib")).status).toBe(404);
    expect((await page(groupBase, "other-lib")).status).toBe(404);
  });
});

describe("the kept copies, for administrators", () => {
  it("lists kept names with their files and size, and purges them", async () => {
    double = serveUpstreams({ pypi: upstream });
    await settings({ pypi_package_requests_forwarding: true });
    const { projectBase } = await consumer();
    const json = await (await page(projectBase, "other-lib")).json<{ files: { url: string }[] }>();
    expect((await call(`${projectBase}/simple/other-lib/${json.files[0]!.url}`.replace("/simple/other-lib/../../", "/"))).status).toBe(200);
    const user = await createUser();
    expect((await call("/api/v4/application/package_cache", { token: user.token })).status).toBe(403);
    const listed = await ok(call("/api/v4/application/package_cache?package_type=pypi&search=other", { token: ADMIN_TOKEN }));
    expect(listed).toEqual([expect.objectContaining({ package_type: "pypi", name: "other-lib", files: 2 })]);
    expect(listed[0].size).toBeGreaterThan(0);
    const purged = await ok(call("/api/v4/application/package_cache?package_type=pypi&name=other-lib", { method: "DELETE", token: ADMIN_TOKEN }));
    expect(purged.files_removed).toBe(2);
    expect(await ok(call("/api/v4/application/package_cache?package_type=pypi&search=other", { token: ADMIN_TOKEN }))).toEqual([]);
    expect((await page(projectBase, "other-lib")).headers.get("x-packyard-forwarded")).toBe("MISS");
  });
});
