// Cargo's registry over HTTP in workerd: config.json at project and group level, index files built from D1
// (cksum = the .crate's sha256), name rules, duplicates, concurrent publishes, yank and unyank with their
// permission matrix, cargo search, owners, the 401 challenge and revalidation.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser } from "../../support/api";
import { digestsOf } from "../../contract/support";
import { cargoPrefix, cargoPublish, crateBytes, indexLines, indexPath, rawAuth } from "./support";

const groupPrefix = (groupId: number | string) => `/api/v4/groups/${groupId}/-/packages/cargo`;
const detail = async (res: Response) => (await res.json<{ errors: { detail: string }[] }>()).errors[0]!.detail;

async function tenant(visibility: "public" | "private" = "private") {
  const group = await createGroup(undefined, { visibility });
  const project = await createProject(group.id, { visibility });
  return { group, project };
}

describe("config.json", () => {
  it("points dl and api back at the project and asks for the token on a private project; anonymous callers get cargo's challenge", async () => {
    const { group, project } = await tenant("private");
    const anonymous = await call(`${cargoPrefix(project.id)}/index/config.json`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe('Cargo login_url="http://packyard.test/users/sign_in"');
    expect(await detail(anonymous)).toMatch(/401/);
    const res = await call(`${cargoPrefix(project.id)}/index/config.json`, { headers: rawAuth(ADMIN_TOKEN) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      dl: `http://packyard.test${cargoPrefix(project.id)}/api/v1/crates/{crate}/{version}/download`,
      api: `http://packyard.test${cargoPrefix(project.id)}`,
      "auth-required": true,
    });
    const atGroup = await call(`${groupPrefix(group.full_path)}/index/config.json`, { headers: rawAuth(ADMIN_TOKEN) });
    expect((await atGroup.json<{ dl: string }>()).dl).toBe(`http://packyard.test${groupPrefix(group.full_path)}/api/v1/crates/{crate}/{version}/download`);
  });

  it("lets anyone read a public project's registry without a token", async () => {
    const { project } = await tenant("public");
    const res = await call(`${cargoPrefix(project.id)}/index/config.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).not.toHaveProperty("auth-required");
  });
});

describe("publish and the index", () => {
  it("serves one line per version with the .crate's sha256 as cksum, downloads the bytes, and answers 304 to a matching ETag", async () => {
    const { project } = await tenant();
    const crates = [crateBytes("a"), crateBytes("b")];
    for (const [i, bytes] of crates.entries()) expect((await cargoPublish(project.id, { name: "Acme_Lib", vers: `1.${i}.0` }, bytes, ADMIN_TOKEN)).status).toBe(200);
    const lines = await indexLines(project.id, "acme_lib", ADMIN_TOKEN);
    expect(lines.map((l) => [l.name, l.vers, l.cksum, l.yanked])).toEqual([
      ["Acme_Lib", "1.0.0", (await digestsOf(crates[0]!)).sha256, false],
      ["Acme_Lib", "1.1.0", (await digestsOf(crates[1]!)).sha256, false],
    ]);
    const download = await call(`${cargoPrefix(project.id)}/api/v1/crates/Acme_Lib/1.1.0/download`, { headers: rawAuth(ADMIN_TOKEN) });
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(crates[1]);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="Acme_Lib-1.1.0.crate"/);

    const path = `${cargoPrefix(project.id)}/index/${indexPath("acme_lib")}`;
    const first = await call(path, { headers: rawAuth(ADMIN_TOKEN) });
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect((await call(path, { headers: { ...rawAuth(ADMIN_TOKEN), "If-None-Match": etag } })).status).toBe(304);
    // GitLab's beta path for the same index.
    const beta = await call(`${cargoPrefix(project.id)}/metadata/${indexPath("acme_lib")}`, { headers: rawAuth(ADMIN_TOKEN) });
    expect(beta.headers.get("etag")).toBe(etag);
    expect((await call(`${cargoPrefix(project.id)}/metadata/config.json`, { headers: rawAuth(ADMIN_TOKEN) })).status).toBe(200);
  });

  it("answers 404 for an unknown crate, another spelling's index path and a path cargo would never build", async () => {
    const { project } = await tenant();
    await cargoPublish(project.id, { name: "foo-bar", vers: "1.0.0" }, crateBytes("fb"), ADMIN_TOKEN);
    for (const path of ["no/ne/nonesuch", "fo/o_/foo_bar", "fo/ox/foo-bar", "Fo/o-/Foo-bar"]) {
      const res = await call(`${cargoPrefix(project.id)}/index/${path}`, { headers: rawAuth(ADMIN_TOKEN) });
      expect(res.status, path).toBe(404);
    }
    expect((await call(`${cargoPrefix(project.id)}/api/v1/crates/foo-bar/9.9.9/download`, { headers: rawAuth(ADMIN_TOKEN) })).status).toBe(404);
  });

  it("keeps one crate per name up to case and - / _, and refuses a version twice (also up to build metadata) with 400", async () => {
    const { project } = await tenant();
    expect((await cargoPublish(project.id, { name: "Foo-Bar", vers: "1.0.0+a" }, crateBytes("1"), ADMIN_TOKEN)).status).toBe(200);
    for (const name of ["foo_bar", "foo-bar", "FOO_BAR"]) {
      const res = await cargoPublish(project.id, { name, vers: "2.0.0" }, crateBytes(name), ADMIN_TOKEN);
      expect(res.status, name).toBe(400);
      expect(await detail(res)).toBe("crate was previously named `Foo-Bar`");
    }
    for (const vers of ["1.0.0+a", "1.0.0+b", "1.0.0"]) {
      const res = await cargoPublish(project.id, { name: "Foo-Bar", vers }, crateBytes(vers), ADMIN_TOKEN);
      expect(res.status, vers).toBe(400);
      expect(await detail(res)).toBe("crate version `1.0.0+a` is already uploaded");
    }
    expect((await indexLines(project.id, "foo-bar", ADMIN_TOKEN)).map((l) => l.vers)).toEqual(["1.0.0+a"]);
  });

  it("lands every one of many concurrent publishes of one crate, and lets only one of two racing spellings win", async () => {
    const { project } = await tenant();
    const versions = Array.from({ length: 12 }, (_, i) => `0.${i}.0`);
    const answers = await Promise.all(versions.map((vers) => cargoPublish(project.id, { name: "busy", vers }, crateBytes(vers), ADMIN_TOKEN)));
    expect(answers.map((r) => r.status)).toEqual(versions.map(() => 200));
    expect((await indexLines(project.id, "busy", ADMIN_TOKEN)).map((l) => l.vers).sort()).toEqual([...versions].sort());

    const race = await Promise.all(["race_me", "race-me", "Race_Me"].map((name) => cargoPublish(project.id, { name, vers: "1.0.0" }, crateBytes(name), ADMIN_TOKEN)));
    expect(race.filter((r) => r.status === 200)).toHaveLength(1);
    expect(race.filter((r) => r.status === 400)).toHaveLength(2);
  });

  it("reads every readable project of a group, and refuses publishing at group level", async () => {
    const { group, project } = await tenant();
    const other = await createProject(group.id, { visibility: "private" });
    await cargoPublish(project.id, { name: "grouped", vers: "1.0.0" }, crateBytes("g1"), ADMIN_TOKEN);
    await cargoPublish(other.id, { name: "grouped", vers: "1.1.0" }, crateBytes("g2"), ADMIN_TOKEN);
    const res = await call(`${groupPrefix(group.id)}/index/${indexPath("grouped")}`, { headers: rawAuth(ADMIN_TOKEN) });
    expect(res.status).toBe(200);
    expect((await res.text()).trim().split("\n").map((l) => JSON.parse(l).vers)).toEqual(["1.0.0", "1.1.0"]);
    expect((await call(`${groupPrefix(group.id)}/api/v1/crates/grouped/1.1.0/download`, { headers: rawAuth(ADMIN_TOKEN) })).status).toBe(200);
    const publish = await call(`${groupPrefix(group.id)}/api/v1/crates/new`, { method: "PUT", body: new Uint8Array(8), headers: rawAuth(ADMIN_TOKEN) });
    expect(publish.status).toBe(400);
    expect(await detail(publish)).toMatch(/read-only/);
  });
});

describe("the package page", () => {
  it("shows cargo's configuration, dependency line and commands", async () => {
    const { project } = await tenant("public");
    expect((await cargoPublish(project.id, { name: "paged", vers: "0.3.0" }, crateBytes("p"), ADMIN_TOKEN)).status).toBe(200);
    const [pkg] = await (await call(`/api/v4/projects/${project.id}/packages?package_type=cargo`, { token: ADMIN_TOKEN })).json<{ id: number }[]>();
    const page = await call(`/${project.path_with_namespace}/-/packages/${pkg!.id}`);
    expect(page.status).toBe(200);
    const text = await page.text();
    const registry = project.path;
    expect(text).toContain(`[registries.${registry}]`);
    expect(text).toContain(`index = &quot;sparse+http://packyard.test/api/v4/projects/${project.id}/packages/cargo/index/&quot;`);
    expect(text).toContain(`paged = { version = &quot;0.3.0&quot;, registry = &quot;${registry}&quot; }`);
    expect(text).toContain(`cargo add paged@0.3.0 --registry ${registry}`);
  });
});

describe("yank, search and owners", () => {
  it("yanks and unyanks (Maintainer only): the line stays, flagged, and the .crate still downloads", async () => {
    const { project } = await tenant();
    const [developer, maintainer, reporter] = await Promise.all([createUser(), createUser(), createUser()]);
    await addMember("projects", project.id, developer.id, 30);
    await addMember("projects", project.id, maintainer.id, 40);
    await addMember("projects", project.id, reporter.id, 20);
    expect((await cargoPublish(project.id, { name: "yankee", vers: "1.0.0" }, crateBytes("y"), developer.token)).status).toBe(200);
    const yank = (token?: string, version = "1.0.0") => call(`${cargoPrefix(project.id)}/api/v1/crates/yankee/${version}/yank`, { method: "DELETE", headers: rawAuth(token) });
    const unyank = (token?: string) => call(`${cargoPrefix(project.id)}/api/v1/crates/yankee/1.0.0/unyank`, { method: "PUT", headers: rawAuth(token) });

    expect((await yank()).status).toBe(401);
    expect((await yank(reporter.token)).status).toBe(403);
    expect((await yank(developer.token)).status).toBe(403);
    const done = await yank(maintainer.token);
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({ ok: true });
    expect((await indexLines(project.id, "yankee", developer.token))[0]!.yanked).toBe(true);
    expect((await call(`${cargoPrefix(project.id)}/api/v1/crates/yankee/1.0.0/download`, { headers: rawAuth(reporter.token) })).status).toBe(200);
    const packages = await (await call(`/api/v4/projects/${project.id}/packages?package_type=cargo`, { token: ADMIN_TOKEN })).json<{ status: string }[]>();
    expect(packages.map((p) => p.status)).toEqual(["deprecated"]);

    expect((await unyank(maintainer.token)).status).toBe(200);
    expect((await indexLines(project.id, "yankee", developer.token))[0]!.yanked).toBe(false);
    const missing = await yank(maintainer.token, "9.9.9");
    expect(missing.status).toBe(404);
    expect(await detail(missing)).toBe("crate `yankee` does not have a version `9.9.9`");
  });

  it("answers cargo search with matching crates (case, - and _ insensitive), their newest version and description", async () => {
    const { project } = await tenant();
    await cargoPublish(project.id, { name: "search_me", vers: "0.1.0", description: "old" }, crateBytes("s1"), ADMIN_TOKEN);
    await cargoPublish(project.id, { name: "search_me", vers: "0.10.0", description: "searchable crate" }, crateBytes("s2"), ADMIN_TOKEN);
    await cargoPublish(project.id, { name: "search-me-too", vers: "2.0.0" }, crateBytes("s3"), ADMIN_TOKEN);
    await cargoPublish(project.id, { name: "unrelated", vers: "1.0.0" }, crateBytes("s4"), ADMIN_TOKEN);
    const res = await call(`${cargoPrefix(project.id)}/api/v1/crates?q=Search-Me&per_page=10`, { headers: rawAuth(ADMIN_TOKEN) });
    expect(await res.json()).toEqual({
      crates: [
        { name: "search_me", max_version: "0.10.0", description: "searchable crate" },
        { name: "search-me-too", max_version: "2.0.0", description: "the search-me-too crate" },
      ],
      meta: { total: 2 },
    });
    const limited = await call(`${cargoPrefix(project.id)}/api/v1/crates?q=search&per_page=1`, { headers: rawAuth(ADMIN_TOKEN) });
    expect(await limited.json()).toMatchObject({ crates: [{ name: "search_me" }], meta: { total: 2 } });
    const second = await call(`${cargoPrefix(project.id)}/api/v1/crates?q=search&per_page=1&page=2`, { headers: rawAuth(ADMIN_TOKEN) });
    expect(await second.json()).toMatchObject({ crates: [{ name: "search-me-too" }], meta: { total: 2 } });
  });

  it("lists the project as the crate's owner and refuses owner changes with a pointer to the members", async () => {
    const { project } = await tenant();
    await cargoPublish(project.id, { name: "owned", vers: "1.0.0" }, crateBytes("o"), ADMIN_TOKEN);
    const owners = await call(`${cargoPrefix(project.id)}/api/v1/crates/owned/owners`, { headers: rawAuth(ADMIN_TOKEN) });
    expect(await owners.json()).toEqual({ users: [{ id: project.id, login: project.path_with_namespace, name: project.name, kind: "team" }] });
    expect((await call(`${cargoPrefix(project.id)}/api/v1/crates/nobody/owners`, { headers: rawAuth(ADMIN_TOKEN) })).status).toBe(404);
    const add = await call(`${cargoPrefix(project.id)}/api/v1/crates/owned/owners`, { method: "PUT", body: JSON.stringify({ users: ["bob"] }), headers: rawAuth(ADMIN_TOKEN) });
    expect(add.status).toBe(400);
    expect(await detail(add)).toMatch(/members of its project/);
  });
});
