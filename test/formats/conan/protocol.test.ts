// Conan v1 and v2 request sequences (as conan's rest_client_v1/_v2 send them) against the Worker in workerd.
import { describe, expect, it } from "vitest";
import { addMember, basic, call, createGroup, createProject, createUser, ok } from "../../support/api";

async function setup(visibility = "private") {
  const group = await createGroup();
  const project = await createProject(group.id, { visibility });
  const user = await createUser();
  await addMember("projects", project.id, user.id, 30);
  const reader = await createUser();
  await addMember("projects", project.id, reader.id, 20);
  return { group, project, user, reader, v1: `/api/v4/projects/${project.id}/packages/conan/v1`, v2: `/api/v4/projects/${project.id}/packages/conan/v2` };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const path = (url: string) => new URL(url).pathname;

async function login(v1: string, username: string, password: string): Promise<string> {
  const res = await call(`${v1}/users/authenticate`, { headers: { Authorization: basic(username, password) } });
  expect(res.status).toBe(200);
  return res.text();
}

async function uploadV1(v1: string, token: string, ref: string, files: Record<string, string>, pkg?: string) {
  const urls = await ok<Record<string, string>>(
    call(`${v1}/conans/${ref}${pkg ? `/packages/${pkg}` : ""}/upload_urls`, { method: "POST", headers: bearer(token), json: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.length])) }),
  );
  for (const [name, body] of Object.entries(files)) if (urls[name]) expect((await call(path(urls[name]!), { method: "PUT", body, headers: bearer(token) })).status).toBe(200);
  return urls;
}

describe("conan v1", () => {
  it("ping advertises revisions at project level and nothing at instance level", async () => {
    const { v1 } = await setup();
    expect((await call(`${v1}/ping`)).headers.get("x-conan-server-capabilities")).toBe("revisions");
    expect((await call(`/api/v4/packages/conan/v1/ping`)).headers.get("x-conan-server-capabilities")).toBe("");
  });

  it("authenticates with Basic, then uploads, installs, searches and deletes with the Bearer token", async () => {
    const { v1, user, reader } = await setup();
    expect((await call(`${v1}/users/check_credentials`)).status).toBe(401);
    const token = await login(v1, user.username, user.token);
    expect(await (await call(`${v1}/users/check_credentials`, { headers: bearer(token) })).text()).toBe("ok");
    const ref = "hello/1.0.0/acme/stable";
    expect((await call(`${v1}/conans/${ref}`, { headers: bearer(token) })).status).toBe(404);
    const urls = await uploadV1(v1, token, ref, { "conanfile.py": "from conans import ConanFile", "conanmanifest.txt": "1\nconanfile.py: abc", "bogus.exe": "x" });
    expect(Object.keys(urls).sort()).toEqual(["conanfile.py", "conanmanifest.txt"]);
    expect(urls["conanfile.py"]).toContain(`/files/${ref}/0/export/conanfile.py`);
    await uploadV1(v1, token, ref, { "conaninfo.txt": "[settings]\n    os=Linux\n[options]\n    shared=False\n[requires]\n", "conanmanifest.txt": "m", "conan_package.tgz": "tgz" }, "abc123");

    const readerToken = await login(v1, reader.username, reader.token);
    const snapshot = await ok(call(`${v1}/conans/${ref}`, { headers: bearer(readerToken) }));
    expect(Object.keys(snapshot).sort()).toEqual(["conanfile.py", "conanmanifest.txt"]);
    const digest = await ok(call(`${v1}/conans/${ref}/digest`, { headers: bearer(readerToken) }));
    expect(Object.keys(digest)).toEqual(["conanmanifest.txt"]);
    const downloads = await ok<Record<string, string>>(call(`${v1}/conans/${ref}/download_urls`, { headers: bearer(readerToken) }));
    const file = await call(path(downloads["conanfile.py"]!), { headers: bearer(readerToken) });
    expect(await file.text()).toBe("from conans import ConanFile");
    expect(file.headers.get("content-disposition")).toContain("attachment");
    const pkgUrls = await ok<Record<string, string>>(call(`${v1}/conans/${ref}/packages/abc123/download_urls`, { headers: bearer(readerToken) }));
    expect(await (await call(path(pkgUrls["conan_package.tgz"]!), { headers: bearer(readerToken) })).text()).toBe("tgz");
    expect((await call(`${v1}/conans/${ref}/packages/other/digest`, { headers: bearer(readerToken) })).status).toBe(404);
    const binaries = await ok(call(`${v1}/conans/${ref}/search`, { headers: bearer(readerToken) }));
    expect(binaries.abc123.settings).toEqual({ os: "Linux" });
    expect(await ok(call(`${v1}/conans/search?q=hel*`, { headers: bearer(readerToken) }))).toEqual({ results: ["hello/1.0.0@acme/stable"] });
    // A reporter may not upload nor delete.
    expect((await call(`${v1}/conans/${ref}/upload_urls`, { method: "POST", headers: bearer(readerToken), json: { "conanfile.py": 1 } })).status).toBe(403);
    expect((await call(`${v1}/conans/${ref}`, { method: "DELETE", headers: bearer(token) })).status).toBe(403);
  });

  it("skips an empty upload (the client's checksum probe) and refuses a user or channel that is solely '_'", async () => {
    const { v1, user } = await setup();
    expect((await call(`${v1}/files/probe/1.0/a/b/0/export/conanfile.py`, { method: "PUT", body: "", headers: { ...bearer(user.token), "X-Checksum-Deploy": "true" } })).status).toBe(200);
    expect((await call(`${v1}/conans/probe/1.0/a/b`, { headers: bearer(user.token) })).status).toBe(404);
    const halfNone = await call(`${v1}/files/probe/1.0/_/b/0/export/conanfile.py`, { method: "PUT", body: "x", headers: bearer(user.token) });
    expect(halfNone.status).toBe(400);
    expect(await halfNone.json()).toEqual({ message: "400 Bad request - package_username can't be solely blank" });
    expect((await call(`${v1}/conans/probe/1.0/a/_`, { headers: bearer(user.token) })).status).toBe(400);
  });

  it("hides private recipes from anonymous callers and answers 401", async () => {
    const { v1, user } = await setup();
    await uploadV1(v1, user.token, "secret/1.0/a/b", { "conanfile.py": "x" });
    expect((await call(`${v1}/conans/secret/1.0/a/b`)).status).toBe(401);
    expect((await call(`${v1}/conans/secret/1.0/a/b`, { headers: bearer("not-a-token") })).status).toBe(401);
  });

  it("serves public recipes anonymously and deletes as a maintainer", async () => {
    const { v1, project, user } = await setup("public");
    const maintainer = await createUser();
    await addMember("projects", project.id, maintainer.id, 40);
    await uploadV1(v1, user.token, "pub/2.0/a/b", { "conanfile.py": "pub" });
    expect(Object.keys(await ok(call(`${v1}/conans/pub/2.0/a/b`)))).toEqual(["conanfile.py"]);
    const deleted = await ok(call(`${v1}/conans/pub/2.0/a/b`, { method: "DELETE", headers: bearer(maintainer.token) }));
    expect(deleted).toMatchObject({ name: "pub", version: "2.0", package_type: "conan" });
    expect((await call(`${v1}/conans/pub/2.0/a/b`)).status).toBe(404);
  });

  it("at instance level, the user names the project with '+'", async () => {
    const { group, project, user } = await setup();
    const projectPath = `${group.path}+${project.path}`;
    const base = "/api/v4/packages/conan/v1";
    const ref = `inst/1.0/${projectPath}/stable`;
    const urls = await uploadV1(base, user.token, ref, { "conanfile.py": "inst" });
    expect(urls["conanfile.py"]).toContain(`${base}/files/${ref}/0/export/conanfile.py`);
    expect(Object.keys(await ok(call(`${base}/conans/${ref}`, { headers: bearer(user.token) })))).toEqual(["conanfile.py"]);
    expect((await call(`${base}/conans/inst/1.0/nobody/stable`, { headers: bearer(user.token) })).status).toBe(404);
    expect(await ok(call(`${base}/conans/search?q=${encodeURIComponent(`inst/*@${projectPath}/*`)}`, { headers: bearer(user.token) }))).toEqual({ results: [`inst/1.0@${projectPath}/stable`] });
    // The same recipe through the project remote.
    expect(Object.keys(await ok(call(`/api/v4/projects/${project.id}/packages/conan/v1/conans/${ref}`, { headers: bearer(user.token) })))).toEqual(["conanfile.py"]);
  });
});

describe("conan v2", () => {
  it("uploads and installs revisions, rejects revision 0, deletes a package revision", async () => {
    const { v2, user } = await setup();
    const ref = "lib/1.2/_/_";
    const rrev = "a".repeat(32);
    const put = (p: string, body: string) => call(`${v2}/conans/${ref}${p}`, { method: "PUT", body, headers: bearer(user.token) });
    expect((await call(`${v2}/conans/${ref}/revisions`, { headers: bearer(user.token) })).status).toBe(404);
    expect((await put(`/revisions/0/files/conanfile.py`, "x")).status).toBe(400);
    expect((await put(`/revisions/${rrev}/files/conanfile.py`, "recipe")).status).toBe(200);
    expect((await put(`/revisions/${rrev}/files/conanmanifest.txt`, "m")).status).toBe(200);
    expect((await put(`/revisions/${rrev}/packages/pkg1/revisions/p1/files/conaninfo.txt`, "[settings]\nos=Macos\n")).status).toBe(200);
    expect((await put(`/revisions/${rrev}/packages/pkg1/revisions/p1/files/conan_package.tgz`, "bin")).status).toBe(200);

    const latest = await ok(call(`${v2}/conans/${ref}/latest`, { headers: bearer(user.token) }));
    expect(latest.revision).toBe(rrev);
    const revisions = await ok(call(`${v2}/conans/${ref}/revisions`, { headers: bearer(user.token) }));
    expect(revisions).toMatchObject({ reference: "lib/1.2", revisions: [{ revision: rrev }] });
    expect(await ok(call(`${v2}/conans/${ref}/revisions/${rrev}/files`, { headers: bearer(user.token) }))).toEqual({ files: { "conanfile.py": {}, "conanmanifest.txt": {} } });
    expect(await (await call(`${v2}/conans/${ref}/revisions/${rrev}/files/conanfile.py`, { headers: bearer(user.token) })).text()).toBe("recipe");
    const search = await ok(call(`${v2}/conans/${ref}/revisions/${rrev}/search`, { headers: bearer(user.token) }));
    expect(search.pkg1.settings).toEqual({ os: "Macos" });
    expect((await ok(call(`${v2}/conans/${ref}/revisions/${rrev}/packages/pkg1/latest`, { headers: bearer(user.token) }))).revision).toBe("p1");
    expect(await ok(call(`${v2}/conans/${ref}/revisions/${rrev}/packages/pkg1/revisions/p1/files`, { headers: bearer(user.token) }))).toEqual({
      files: { "conaninfo.txt": {}, "conan_package.tgz": {} },
    });
    expect(await (await call(`${v2}/conans/${ref}/revisions/${rrev}/packages/pkg1/revisions/p1/files/conan_package.tgz`, { headers: bearer(user.token) })).text()).toBe("bin");
    expect(await ok(call(`${v2}/conans/search?q=lib*`, { headers: bearer(user.token) }))).toEqual({ results: ["lib/1.2"] });

    const maintainer = await createUser();
    await addMember("projects", Number(v2.split("/")[4]), maintainer.id, 40);
    expect((await call(`${v2}/conans/${ref}/revisions/${rrev}/packages/pkg1/revisions/p1`, { method: "DELETE", headers: bearer(maintainer.token) })).status).toBe(200);
    expect((await call(`${v2}/conans/${ref}/revisions/${rrev}/packages/pkg1/latest`, { headers: bearer(user.token) })).status).toBe(404);
    expect((await call(`${v2}/conans/${ref}/latest`, { headers: bearer(user.token) })).status).toBe(200);
  });
});
