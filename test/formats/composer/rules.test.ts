// Composer publish rules: what an upload must carry, GitLab's same-version rules (the same archive again is
// 400, a different one replaces the version), one name and version per top-level namespace, and the
// Composer 1 provider chain whose hashes the client verifies.
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, createGroup, createProject, ok, unique } from "../../support/api";
import { digestsOf, groupPrefix, multipart, p2Versions, packageZip, projectPrefix, UA_COMPOSER_1, upload } from "./helpers";
import { makeZip } from "../../support/zip-writer";

let group: { id: number };
let project: { id: number };
beforeAll(async () => {
  group = await createGroup(unique("composer-rules"), { visibility: "private" });
  project = await createProject(group.id, { visibility: "private" });
});

const nameOf = (label: string) => `acme/${unique(label)}`;
const token = ADMIN_TOKEN;
const filesOf = async (projectId: number, name: string, version: string) => {
  const query = new URLSearchParams({ package_type: "composer", package_name: name, package_version: version });
  const [record] = await ok<{ id: number }[]>(call(`/api/v4/projects/${projectId}/packages?${query}`, { token }));
  return ok<{ file_name: string; file_sha256: string }[]>(call(`/api/v4/projects/${projectId}/packages/${record!.id}/package_files`, { token }));
};

describe("what an upload must carry", () => {
  it("refuses bad archives, names and versions with 400 and GitLab's messages", async () => {
    const name = nameOf("bad");
    const cases: [Promise<Response>, number, RegExp][] = [
      [upload(project.id, new TextEncoder().encode("plain text, no zip"), { version: "1.0.0", token }), 400, /not a usable zip archive/],
      [upload(project.id, await makeZip([{ name: "README.md", data: "hi" }]), { version: "1.0.0", token }), 400, /no composer.json/],
      [upload(project.id, await makeZip([{ name: "composer.json", data: "{not json" }]), { version: "1.0.0", token }), 400, /not valid JSON/],
      [upload(project.id, await packageZip({ name: "Acme/Hello" }), { version: "1.0.0", token }), 400, /must be lowercase/],
      [upload(project.id, await packageZip({ name: "hello" }), { version: "1.0.0", token }), 400, /vendor name, a forward slash/],
      [upload(project.id, await packageZip({ name }), { token }), 400, /version is missing/],
      [upload(project.id, await packageZip({ name }), { version: "1.0.0.0", token }), 400, /^Validation failed: Version is invalid/],
      [upload(project.id, await packageZip({ name, version: "1.0" }), { token }), 400, /^Validation failed: Version is invalid/],
    ];
    for (const [response, status, message] of cases) {
      const res = await response;
      const body = (await res.json()) as { message?: string; error?: string };
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(body.message ?? body.error).toMatch(message);
    }
    const missing = multipart([{ name: "version", value: "1.0.0" }]);
    const res = await call(`${projectPrefix(project.id)}`, { method: "POST", body: missing.body, token, headers: { "content-type": missing.contentType } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "package is missing" });
    // GitLab's own request (a git tag) cannot work without git: a clear 400, not a parse error.
    const tag = await call(`${projectPrefix(project.id)}`, { method: "POST", body: "tag=v1.0.0", token, headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(tag.status).toBe(400);
    expect(((await tag.json()) as { message: string }).message).toMatch(/uploaded zip/);
    // Nothing was stored by any of them.
    expect((await call(`${projectPrefix(project.id)}/p2/${name}.json`, { token })).status).toBe(404);
  });

  it("refuses an upload over the size limit with 413 before reading it", async () => {
    const res = await call(`${projectPrefix(project.id)}`, {
      method: "POST",
      body: "x",
      token,
      headers: { "content-type": "multipart/form-data; boundary=b", "content-length": String(6 * 1024 ** 3) },
    });
    expect(res.status).toBe(413);
  });
});

describe("large archives", () => {
  it("streams a chunked upload of a 9 MiB archive and reads only composer.json back", async () => {
    const name = nameOf("large");
    const big = new Uint8Array(9 * 1024 * 1024).map((_, i) => (i * 31) & 0xff);
    const zip = await makeZip([{ name: "assets/big.bin", data: big }, { name: "composer.json", data: JSON.stringify({ name }) }]);
    const { body, contentType } = multipart([{ name: "version", value: "1.0.0" }, { name: "package", value: zip, filename: "large.zip" }]);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < body.length; i += 64 * 1024) controller.enqueue(body.slice(i, i + 64 * 1024));
        controller.close();
      },
    });
    const res = await call(`${projectPrefix(project.id)}`, { method: "POST", body: stream, token, headers: { "content-type": contentType } });
    expect(res.status, await res.text()).toBe(201);
    const { sha256 } = await digestsOf(zip);
    const archive = await call(`${projectPrefix(project.id)}/archives/${name}.zip?sha=${sha256}`, { token });
    expect((await digestsOf(new Uint8Array(await archive.arrayBuffer()))).sha256).toBe(sha256);
  });
});

describe("publishing a version again (GitLab's rules)", () => {
  it("answers the same archive with 400 and keeps the version as it was", async () => {
    const name = nameOf("same");
    const zip = await packageZip({ name });
    expect((await upload(project.id, zip, { version: "1.0.0", token })).status).toBe(201);
    const again = await upload(project.id, zip, { version: "v1.0.0", token });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { message: string }).message).toMatch(/already holds this archive/);
    expect((await filesOf(project.id, name, "1.0.0")).map((f) => f.file_sha256)).toEqual([(await digestsOf(zip)).sha256]);
  });

  it("replaces the version with a different archive: new metadata and dist, the old archive gone, one file", async () => {
    const name = nameOf("replace");
    const first = await packageZip({ name, description: "first" });
    const second = await packageZip({ name, description: "second" });
    expect((await upload(project.id, first, { version: "1.0.0", token })).status).toBe(201);
    expect((await upload(project.id, second, { version: "1.0.0", token })).status).toBe(201);
    const [old, current] = await Promise.all([digestsOf(first), digestsOf(second)]);
    const versions = await p2Versions(await call(`${groupPrefix(group.id)}/p2/${name}.json`, { token }), name);
    expect(versions["1.0.0"]).toMatchObject({ description: "second", dist: { reference: current.sha256, shasum: current.sha1 } });
    expect((await filesOf(project.id, name, "1.0.0")).map((f) => f.file_sha256)).toEqual([current.sha256]);
    expect((await call(`${projectPrefix(project.id)}/archives/${name}.zip?sha=${old.sha256}`, { token })).status).toBe(404);
    expect((await call(`${projectPrefix(project.id)}/archives/${name}.zip?sha=${current.sha256}`, { token })).status).toBe(200);
  });

  it("lets only one of two concurrent uploads of a new version win the race; the other is replaced or told to retry", async () => {
    const name = nameOf("race");
    const zips = await Promise.all([packageZip({ name }), packageZip({ name })]);
    const statuses = (await Promise.all(zips.map((zip) => upload(project.id, zip, { version: "1.0.0", token })))).map((r) => r.status).sort();
    expect([[201, 201], [201, 409]]).toContainEqual(statuses);
    expect(await filesOf(project.id, name, "1.0.0")).toHaveLength(1);
  });

  it("refuses a name and version another project of the same top-level group holds, and takes it in another group", async () => {
    const name = nameOf("taken");
    const sub = await createGroup(unique("sub"), { visibility: "private", parent_id: group.id });
    const sibling = await createProject(sub.id, { visibility: "private" });
    const elsewhere = await createProject((await createGroup(unique("other"), { visibility: "private" })).id, { visibility: "private" });
    expect((await upload(project.id, await packageZip({ name }), { version: "1.0.0", token })).status).toBe(201);
    const clash = await upload(sibling.id, await packageZip({ name }), { version: "1.0.0", token });
    expect(clash.status).toBe(400);
    expect(await clash.json()).toEqual({ message: "Validation failed: Name is already taken by another project" });
    expect((await upload(sibling.id, await packageZip({ name }), { version: "1.0.1", token })).status).toBe(201);
    expect((await upload(elsewhere.id, await packageZip({ name }), { version: "1.0.0", token })).status).toBe(201);
  });
});

describe("Composer 1", () => {
  it("follows provider-includes to each package's metadata, every hash matching the bytes served", async () => {
    const g = await createGroup(unique("composer1"), { visibility: "private" });
    const [a, b] = await Promise.all([createProject(g.id, { visibility: "private" }), createProject(g.id, { visibility: "private" })]);
    const names = [nameOf("one"), nameOf("two")].sort();
    expect((await upload(a.id, await packageZip({ name: names[0] }), { version: "1.0.0", token })).status).toBe(201);
    expect((await upload(a.id, await packageZip({ name: names[0] }), { version: "dev-main", token })).status).toBe(201);
    expect((await upload(b.id, await packageZip({ name: names[1], require: { [names[0]!]: "^1.0" } }), { version: "2.0.0", token })).status).toBe(201);
    const headers = { "user-agent": UA_COMPOSER_1 };
    const sha256 = async (text: string) => (await digestsOf(new TextEncoder().encode(text))).sha256;

    for (const prefix of [groupPrefix(g.id), projectPrefix(a.id)]) {
      const root = (await (await call(`${prefix}/packages.json`, { token, headers })).json()) as any;
      expect(root["providers-url"]).toBe(`${prefix}/%package%$%hash%.json`);
      const listHash = root["provider-includes"]["p/%hash%.json"].sha256 as string;
      const list = await (await call(`${prefix}/p/${listHash}.json`, { token, headers })).text();
      expect(await sha256(list)).toBe(listHash);
      const providers = JSON.parse(list).providers as Record<string, { sha256: string }>;
      expect(Object.keys(providers)).toEqual(prefix.includes("/group/") ? names : [names[0]]);
      for (const [name, { sha256: hash }] of Object.entries(providers)) {
        const url = root["providers-url"].replace("%package%", name).replace("%hash%", hash);
        const document = await (await call(url, { token, headers })).text();
        expect(await sha256(document), url).toBe(hash);
        const versions = JSON.parse(document).packages[name] as Record<string, { uid: number; version: string }>;
        for (const [version, entry] of Object.entries(versions)) expect(entry).toMatchObject({ version, uid: expect.any(Number) });
        // `$` may come percent-encoded.
        expect(await (await call(url.replace("$", "%24"), { token, headers })).text()).toBe(document);
      }
    }
  });
});
