// NuGet rules in workerd: duplicates (allowed by default, newest served; 409 under the group setting), delete
// (Maintainers, v3 and v2 paths, 404 when absent), group-level feeds (search and metadata only, anonymous
// callers challenged, packages of readable projects only), and registration paging past 128 versions.
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser } from "../../support/api";
import { apiKey, basicAuth, buildNupkg, push } from "./support";

let maintainer: { id: number; token: string };
let developer: { id: number; token: string };
let outsider: { id: number; token: string };
let group: { id: number; full_path: string };
let project: { id: number };
let hidden: { id: number };
let strict: { id: number };

beforeAll(async () => {
  [maintainer, developer, outsider] = await Promise.all([createUser(), createUser(), createUser()]);
  // A public group of private projects: the project's Developer sees the group, not the other project.
  group = await createGroup(undefined, { visibility: "public" });
  project = await createProject(group.id, { visibility: "private" });
  hidden = await createProject(group.id, { visibility: "private" });
  await addMember("projects", project.id, maintainer.id, 40);
  await addMember("projects", project.id, developer.id, 30);
  await addMember("groups", group.id, outsider.id, 10);
  const strictGroup = await createGroup(undefined, { visibility: "private" });
  const settings = { nuget_duplicates_allowed: false, nuget_duplicate_exception_regex: ".*-SNAPSHOT" };
  expect((await call(`/api/v4/groups/${strictGroup.id}`, { method: "PUT", token: ADMIN_TOKEN, json: { package_settings: settings } })).status).toBe(200);
  strict = await createProject(strictGroup.id, { visibility: "private" });
});

const nupkgUrl = (projectId: number, id: string, version: string) => `/api/v4/projects/${projectId}/packages/nuget/download/${id}/${version}/${id}.${version}.nupkg`;

describe("duplicates", () => {
  it("takes the same version again by default and serves the newest package", async () => {
    const first = await buildNupkg({ id: "Dup.Pkg", version: "1.0.0", content: "first" });
    const second = await buildNupkg({ id: "Dup.Pkg", version: "1.0.0", content: "second" });
    expect((await push(project.id, first, apiKey(developer.token))).status).toBe(201);
    expect((await push(project.id, second, apiKey(developer.token))).status).toBe(201);
    const served = await call(nupkgUrl(project.id, "dup.pkg", "1.0.0"), { headers: basicAuth(developer.token) });
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(second);
  });

  it("answers 409 when the group forbids duplicates, except for versions its exception matches", async () => {
    const bytes = await buildNupkg({ id: "Strict.Pkg", version: "1.0.0" });
    expect((await push(strict.id, bytes, apiKey(ADMIN_TOKEN))).status).toBe(201);
    const again = await push(strict.id, await buildNupkg({ id: "Strict.Pkg", version: "1.0" }), apiKey(ADMIN_TOKEN));
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ message: "A package with the same name and version already exists" });
    const served = await call(nupkgUrl(strict.id, "strict.pkg", "1.0.0"), { headers: basicAuth(ADMIN_TOKEN) });
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(bytes);
    for (let i = 0; i < 2; i++) expect((await push(strict.id, await buildNupkg({ id: "Strict.Pkg", version: "2.0.0-SNAPSHOT" }), apiKey(ADMIN_TOKEN))).status).toBe(201);
  });
});

describe("delete", () => {
  it("deletes a version for Maintainers only, at the v3 and the v2 path", async () => {
    for (const version of ["1.0.0", "2.0.0"]) expect((await push(project.id, await buildNupkg({ id: "Del.Pkg", version }), apiKey(developer.token))).status).toBe(201);
    const v3 = `/api/v4/projects/${project.id}/packages/nuget/Del.Pkg/1.0.0`;
    expect((await call(v3, { method: "DELETE", headers: apiKey(developer.token) })).status).toBe(403);
    expect((await call(v3, { method: "DELETE" })).status).toBe(401);
    expect((await call(v3, { method: "DELETE", headers: apiKey(maintainer.token) })).status).toBe(204);
    expect((await call(v3, { method: "DELETE", headers: apiKey(maintainer.token) })).status).toBe(404);
    expect((await call(`/api/v4/projects/${project.id}/packages/nuget/v2/del.pkg/2.0`, { method: "DELETE", headers: apiKey(maintainer.token) })).status).toBe(204);
    expect((await call(`/api/v4/projects/${project.id}/packages/nuget/download/del.pkg/index.json`, { headers: basicAuth(maintainer.token) })).status).toBe(404);
  });
});

describe("group-level feeds", () => {
  beforeAll(async () => {
    expect((await push(project.id, await buildNupkg({ id: "Group.Seen", version: "1.0.0" }), apiKey(developer.token))).status).toBe(201);
    expect((await push(hidden.id, await buildNupkg({ id: "Group.Hidden", version: "1.0.0" }), apiKey(ADMIN_TOKEN))).status).toBe(201);
  });
  const groupBase = () => `/api/v4/groups/${group.id}/-/packages/nuget`;

  it("lists search and metadata only, and challenges anonymous callers", async () => {
    const index = (await (await call(`${groupBase()}/index.json`)).json()) as { resources: { "@type": string; "@id": string }[] };
    expect(index.resources.map((r) => r["@type"])).toEqual([
      "SearchQueryService",
      "SearchQueryService/3.0.0-beta",
      "SearchQueryService/3.0.0-rc",
      "RegistrationsBaseUrl",
      "RegistrationsBaseUrl/3.0.0-beta",
      "RegistrationsBaseUrl/3.0.0-rc",
    ]);
    const anonymous = await call(`${groupBase()}/query?q=group`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Basic /);
    expect((await call(`${groupBase()}/download/group.seen/index.json`, { headers: basicAuth(developer.token) })).status).toBe(404);
  });

  it("answers from the projects the caller may read, with package content on the owning project", async () => {
    const res = await call(`${groupBase()}/query?q=group`, { headers: basicAuth(developer.token) });
    expect(res.status, await res.clone().text()).toBe(200);
    const hits = (await res.json()) as { data: { id: string }[] };
    expect(hits.data.map((d) => d.id)).toEqual(["Group.Seen"]);
    const all = (await (await call(`${groupBase()}/query?q=group`, { headers: basicAuth(ADMIN_TOKEN) })).json()) as { data: { id: string }[] };
    expect(all.data.map((d) => d.id)).toEqual(["Group.Hidden", "Group.Seen"]);
    const registration = (await (await call(`${groupBase()}/metadata/group.seen/index.json`, { headers: basicAuth(developer.token) })).json()) as any;
    expect(registration.items[0].items[0].packageContent).toBe(`http://packyard.test/api/v4/projects/${project.id}/packages/nuget/download/group.seen/1.0.0/group.seen.1.0.0.nupkg`);
    expect(registration["@id"]).toBe(`http://packyard.test${groupBase()}/metadata/group.seen/index.json`);
    expect((await call(`${groupBase()}/metadata/group.hidden/index.json`, { headers: basicAuth(developer.token) })).status).toBe(404);
    // A Guest of the group reads nothing of its private projects.
    expect(((await (await call(`${groupBase()}/query`, { headers: basicAuth(outsider.token) })).json()) as { data: unknown[] }).data).toEqual([]);
  });
});

describe("registration paging", () => {
  it("inlines up to 128 versions and pages by 64 beyond, each page fetched on its own", async () => {
    const versions = Array.from({ length: 130 }, (_, i) => `1.0.${i}`);
    for (let i = 0; i < versions.length; i += 10) {
      await Promise.all(versions.slice(i, i + 10).map(async (version) => expect((await push(project.id, await buildNupkg({ id: "Many.Versions", version }), apiKey(developer.token))).status).toBe(201)));
    }
    const index = (await (await call(`/api/v4/projects/${project.id}/packages/nuget/metadata/many.versions/index.json`, { headers: basicAuth(developer.token) })).json()) as any;
    expect(index.count).toBe(3);
    expect(index.items.map((p: any) => [p.count, p.lower, p.upper, p.items])).toEqual([
      [64, "1.0.0", "1.0.63", undefined],
      [64, "1.0.64", "1.0.127", undefined],
      [2, "1.0.128", "1.0.129", undefined],
    ]);
    const page = await call(new URL(index.items[1]["@id"]).pathname, { headers: basicAuth(developer.token) });
    expect(page.status).toBe(200);
    const body = (await page.json()) as any;
    expect(body.items).toHaveLength(64);
    expect(body.items[0].catalogEntry.version).toBe("1.0.64");
  }, 120_000);
});
