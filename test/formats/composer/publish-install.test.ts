// Composer publish and install over HTTP inside workerd: a zip uploaded to a project is listed by the
// group's and the project's packages.json, described by p2 metadata, and downloaded by its dist URL.
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, BASE, call, createGroup, createProject, createUser, addMember, unique } from "../../support/api";
import { digestsOf, groupPrefix, p2Versions, packageZip, projectPrefix, UA_COMPOSER_2, upload } from "./helpers";

let group: { id: number; full_path: string };
let project: { id: number };
let developer: { token: string };

beforeAll(async () => {
  group = await createGroup(unique("composer"), { visibility: "private" });
  project = await createProject(group.id, { visibility: "private" });
  const user = await createUser();
  await addMember("groups", group.id, user.id, 30);
  developer = user;
});

const nameOf = (label: string) => `acme/${unique(label)}`;

describe("Composer publish", () => {
  it("answers 201 Created and lists the package at group and project level", async () => {
    const name = nameOf("hello");
    const zip = await packageZip({ name, description: "Says hello", type: "library", license: "MIT", autoload: { "psr-4": { "Acme\\": "src/" } } });
    const res = await upload(project.id, zip, { version: "1.0.0", token: developer.token });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await res.json()).toEqual({ message: "201 Created" });
    const { sha256, sha1 } = await digestsOf(zip);

    for (const prefix of [groupPrefix(group.id), projectPrefix(project.id)]) {
      const root = await call(`${prefix}/packages.json`, { token: developer.token, headers: { "user-agent": UA_COMPOSER_2 } });
      expect(root.status).toBe(200);
      const body = (await root.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ packages: [], "metadata-url": `${prefix}/p2/%package%.json` });
      expect(body["available-packages"]).toContain(name);
      expect(body["provider-includes"]).toBeUndefined();

      const p2 = await call(`${prefix}/p2/${name}.json`, { token: developer.token });
      expect(p2.status).toBe(200);
      expect(p2.headers.get("content-type")).toMatch(/^application\/json/);
      const versions = await p2Versions(p2, name);
      expect(Object.keys(versions)).toEqual(["1.0.0"]);
      expect(versions["1.0.0"]).toMatchObject({
        name,
        version: "1.0.0",
        version_normalized: "1.0.0.0",
        description: "Says hello",
        license: "MIT",
        autoload: { "psr-4": { "Acme\\": "src/" } },
        dist: { type: "zip", url: `${BASE}/api/v4/projects/${project.id}/packages/composer/archives/${name}.zip?sha=${sha256}`, reference: sha256, shasum: sha1 },
      });
      expect(typeof versions["1.0.0"].uid).toBe("number");
    }

    const archive = await call(`/api/v4/projects/${project.id}/packages/composer/archives/${name}.zip?sha=${sha256}`, { token: developer.token });
    expect(archive.status).toBe(200);
    expect(archive.headers.get("content-type")).toBe("application/zip");
    expect(archive.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect((await digestsOf(new Uint8Array(await archive.arrayBuffer()))).sha1).toBe(sha1);
  });

  it("takes the version from composer.json when the form has none, and the form's version over composer.json's", async () => {
    const name = nameOf("versions");
    expect((await upload(project.id, await packageZip({ name, version: "2.0.0" }), { token: developer.token })).status).toBe(201);
    expect((await upload(project.id, await packageZip({ name, version: "9.9.9" }), { version: "v2.1.0", token: developer.token })).status).toBe(201);
    const versions = await p2Versions(await call(`${projectPrefix(project.id)}/p2/${name}.json`, { token: developer.token }), name);
    expect(Object.keys(versions)).toEqual(["2.0.0", "2.1.0"]);
    expect(versions["2.1.0"].version).toBe("2.1.0");
  });

  it("reads composer.json at the archive's top level or in its one top-level folder, stored or deflated", async () => {
    const name = nameOf("layout");
    expect((await upload(project.id, await packageZip({ name }, { root: true }), { version: "1.0.0", token: developer.token })).status).toBe(201);
    expect((await upload(project.id, await packageZip({ name }), { version: "1.0.1", token: developer.token })).status).toBe(201);
  });

  it("serves dev versions in p2/<name>~dev.json and tagged versions in p2/<name>.json", async () => {
    const name = nameOf("dev");
    for (const version of ["1.0.0", "dev-main", "1.x-dev"]) {
      expect((await upload(project.id, await packageZip({ name }), { version, token: developer.token })).status).toBe(201);
    }
    const stable = await p2Versions(await call(`${groupPrefix(group.id)}/p2/${name}.json`, { token: developer.token }), name);
    expect(Object.keys(stable)).toEqual(["1.0.0"]);
    const dev = await p2Versions(await call(`${groupPrefix(group.id)}/p2/${name}~dev.json`, { token: developer.token }), name);
    expect(Object.keys(dev).sort()).toEqual(["1.x-dev", "dev-main"]);
    expect(dev["1.x-dev"].version_normalized).toBe("1.9999999.9999999.9999999-dev");
    expect((await call(`${groupPrefix(group.id)}/p2/acme/missing.json`, { token: developer.token })).status).toBe(404);
  });

  it("serves an archive only for its own sha and name, and asks for the sha", async () => {
    const name = nameOf("archive");
    const zip = await packageZip({ name });
    expect((await upload(project.id, zip, { version: "1.0.0", token: developer.token })).status).toBe(201);
    const { sha256 } = await digestsOf(zip);
    const base = `/api/v4/projects/${project.id}/packages/composer/archives`;
    expect((await call(`${base}/${name}.zip?sha=${sha256}`, { token: developer.token })).status).toBe(200);
    expect((await call(`${base}/acme/other.zip?sha=${sha256}`, { token: developer.token })).status).toBe(404);
    expect((await call(`${base}/${name}.zip?sha=${"0".repeat(64)}`, { token: developer.token })).status).toBe(404);
    const missing = await call(`${base}/${name}.zip`, { token: developer.token });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: "sha is missing" });
    expect((await call(`${groupPrefix(group.id)}/archives/${name}.zip?sha=${sha256}`, { token: developer.token })).status).toBe(404);
  });

  it("answers unknown paths under the repository with 404 for everyone", async () => {
    expect((await call(`${groupPrefix(group.id)}/nothing-here`)).status).toBe(404);
    expect((await call(`${projectPrefix(project.id)}/p2/not-a-name.json`, { token: ADMIN_TOKEN })).status).toBe(404);
  });
});
