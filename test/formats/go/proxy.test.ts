// The Go proxy in workerd: an upload stored as one `<version>.zip` (its `.mod` streamed out of it), every GOPROXY document,
// case-encoding, 404 for path prefixes the go command probes, access and duplicates.
import { describe, expect, it } from "vitest";
import { addMember, ADMIN_TOKEN, basic, call, createGroup, createProject, createUser, ok } from "../../support/api";
import { moduleZip, proxyGet, uploadZip } from "./support";

const admin = { authorization: basic("root", ADMIN_TOKEN) };
const sha256 = async (bytes: Uint8Array) => [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");

async function project(visibility = "private") {
  return createProject((await createGroup(undefined, { visibility })).id, { visibility });
}

describe("Go proxy", () => {
  it("stores an upload as one file, <version>.zip, and lists it in the Packages API as golang", async () => {
    const { id } = await project();
    const zip = await moduleZip("example.test/acme/hello", "v1.0.0");
    const res = await uploadZip(id, "example.test/acme/hello", "v1.0.0", zip, admin);
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await res.json()).toEqual({ message: "201 Created" });
    const [pkg] = await ok<any[]>(call(`/api/v4/projects/${id}/packages?package_type=golang`, { token: ADMIN_TOKEN }));
    expect(pkg).toMatchObject({ name: "example.test/acme/hello", version: "v1.0.0", package_type: "golang" });
    const files = await ok<any[]>(call(`/api/v4/projects/${id}/packages/${pkg.id}/package_files`, { token: ADMIN_TOKEN }));
    expect(files.map((f) => [f.file_name, f.file_sha256])).toEqual([["v1.0.0.zip", await sha256(zip)]]);
  });

  it("serves @v/list, .info, .mod, .zip and @latest", async () => {
    const { id } = await project();
    const path = "example.test/acme/docs";
    const zips: Record<string, Uint8Array> = {};
    for (const version of ["v1.2.0", "v1.10.0", "v1.11.0-rc.1", "v0.0.0-20260101120000-abcdef123456"]) {
      zips[version] = await moduleZip(path, version, { goMod: `// generated\nmodule ${path} // ${version}\n\ngo 1.19\n` });
      expect((await uploadZip(id, path, version, zips[version]!, admin)).status).toBe(201);
    }
    const list = await proxyGet(id, `${path}/@v/list`, admin);
    expect(list.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await list.text()).toBe("v1.2.0\nv1.10.0\nv1.11.0-rc.1\n");

    const info = await proxyGet(id, `${path}/@v/v1.10.0.info`, admin);
    expect(info.status).toBe(200);
    expect(info.headers.get("content-type")).toBe("application/json");
    const body = await info.json<{ Version: string; Time: string }>();
    expect(body.Version).toBe("v1.10.0");
    expect(body.Time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const goMod = `// generated\nmodule ${path} // v1.2.0\n\ngo 1.19\n`;
    const mod = await proxyGet(id, `${path}/@v/v1.2.0.mod`, admin);
    expect(mod.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(mod.headers.get("content-length")).toBe(String(goMod.length));
    expect(mod.headers.get("content-disposition")).toMatch(/^attachment;/);
    const etag = `"${await sha256(new TextEncoder().encode(goMod))}"`;
    expect(mod.headers.get("etag")).toBe(etag);
    expect(await mod.text()).toBe(goMod);
    expect((await proxyGet(id, `${path}/@v/v1.2.0.mod`, { ...admin, "if-none-match": etag })).status).toBe(304);
    const head = await call(`/api/v4/projects/${id}/packages/go/${path}/@v/v1.2.0.mod`, { method: "HEAD", headers: admin });
    expect([head.status, head.headers.get("content-length"), await head.text()]).toEqual([200, String(goMod.length), ""]);
    const zip = await proxyGet(id, `${path}/@v/v1.2.0.zip`, admin);
    expect(zip.headers.get("content-type")).toBe("application/zip");
    expect(zip.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(new Uint8Array(await zip.arrayBuffer())).toEqual(zips["v1.2.0"]);

    expect(await (await proxyGet(id, `${path}/@latest`, admin)).json()).toMatchObject({ Version: "v1.10.0" });
    // A pseudo-version is not listed but is served.
    expect((await proxyGet(id, `${path}/@v/v0.0.0-20260101120000-abcdef123456.info`, admin)).status).toBe(200);
  });

  it("writes `module <path>` as the .mod of a module zip without go.mod", async () => {
    const { id } = await project();
    expect((await uploadZip(id, "example.test/acme/nomod", "v1.0.0", await moduleZip("example.test/acme/nomod", "v1.0.0", { goMod: null }), admin)).status).toBe(201);
    expect(await (await proxyGet(id, "example.test/acme/nomod/@v/v1.0.0.mod", admin)).text()).toBe("module example.test/acme/nomod\n");
  });

  it("reads go.mod whether the zip stores or deflates it", async () => {
    const { id } = await project();
    const path = "example.test/acme/stored";
    const goMod = `module ${path}\n${"// padding\n".repeat(5000)}`;
    const zip = await moduleZip(path, "v1.0.0", { goMod: null, extra: [{ name: `${path}@v1.0.0/go.mod`, data: goMod, method: "store" }] });
    expect((await uploadZip(id, path, "v1.0.0", zip, admin)).status).toBe(201);
    expect(await (await proxyGet(id, `${path}/@v/v1.0.0.mod`, admin)).text()).toBe(goMod);
  });

  it("decodes !-escaped upper case in module paths and versions", async () => {
    const { id } = await project();
    const path = "example.test/Acme/HelloGo";
    const res = await call(`/api/v4/projects/${id}/packages/go/example.test/!acme/!hello!go/@v/v1.0.0-!r!c1.zip`, { method: "PUT", body: await moduleZip(path, "v1.0.0-RC1"), headers: admin });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await (await proxyGet(id, "example.test/!acme/!hello!go/@v/list", admin)).text()).toBe("v1.0.0-RC1\n");
    expect(await (await proxyGet(id, "example.test/!acme/!hello!go/@v/v1.0.0-!r!c1.info", admin)).json()).toMatchObject({ Version: "v1.0.0-RC1" });
    // go percent-encodes the ! (and + may come encoded too).
    expect(await (await proxyGet(id, "example.test/%21acme/%21hello%21go/@v/v1.0.0-%21r%21c1.info", admin)).json()).toMatchObject({ Version: "v1.0.0-RC1" });
    // Unescaped upper case is not a proxy path; a lower-case path is another module.
    expect((await proxyGet(id, "example.test/Acme/HelloGo/@v/list", admin)).status).toBe(404);
    expect((await proxyGet(id, "example.test/acme/hellogo/@v/list", admin)).status).toBe(404);
  });

  it("answers 404 (never 401 or 400) for the path prefixes and unknown versions the go command probes", async () => {
    const { id } = await project();
    const developer = await createUser();
    await addMember("projects", id, developer.id, 30);
    const auth = { authorization: basic(developer.username, developer.token) };
    await uploadZip(id, "example.test/acme/probe", "v1.0.0", await moduleZip("example.test/acme/probe", "v1.0.0"), auth);
    for (const rest of ["example.test/@v/v1.0.0.info", "example.test/acme/@v/v1.0.0.info", "example.test/acme/@v/list", "example.test/acme/@latest", "example.test/acme/probe/@v/v1.0.1.info", "example.test/acme/probe/@v/v1.0.1.zip", "example.test/acme/probe/@v/master.info", "example.test/acme/probe/v2/@v/list", "not-a-module/@v/list"]) {
      const res = await proxyGet(id, rest, auth);
      expect(res.status, rest).toBe(404);
      expect(res.headers.get("cache-control")).toMatch(/no-store/);
    }
  });

  it("asks anonymous callers of a private project for credentials and serves a public one to anyone", async () => {
    const hidden = await project("private");
    await uploadZip(hidden.id, "example.test/acme/secret", "v1.0.0", await moduleZip("example.test/acme/secret", "v1.0.0"), admin);
    const anonymous = await proxyGet(hidden.id, "example.test/acme/secret/@v/list");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Basic/);
    const open = await project("public");
    await uploadZip(open.id, "example.test/acme/open", "v1.0.0", await moduleZip("example.test/acme/open", "v1.0.0"), admin);
    expect(await (await proxyGet(open.id, "example.test/acme/open/@v/list")).text()).toBe("v1.0.0\n");
    expect((await proxyGet(open.id, "example.test/acme/@v/v1.0.0.info")).status).toBe(404);
    // Anonymous pulls of a public module go through the edge cache, the .mod streamed out of the zip included.
    for (const doc of ["@v/list", "@v/v1.0.0.info", "@v/v1.0.0.mod", "@v/v1.0.0.zip", "@latest"]) {
      const first = await proxyGet(open.id, `example.test/acme/open/${doc}`);
      expect(first.status, doc).toBe(200);
      const bytes = new Uint8Array(await first.arrayBuffer());
      await new Promise((r) => setTimeout(r, 50));
      const second = await proxyGet(open.id, `example.test/acme/open/${doc}`);
      expect(second.headers.get("x-packyard-cache"), doc).toBe("HIT");
      expect(new Uint8Array(await second.arrayBuffer()), doc).toEqual(bytes);
    }
  });

  it("refuses a second upload of a version with 409 and keeps the first zip", async () => {
    const { id } = await project();
    const first = await moduleZip("example.test/acme/once", "v1.0.0");
    expect((await uploadZip(id, "example.test/acme/once", "v1.0.0", first, admin)).status).toBe(201);
    const again = await uploadZip(id, "example.test/acme/once", "v1.0.0", await moduleZip("example.test/acme/once", "v1.0.0", { source: "package hello\n" }), admin);
    expect(again.status).toBe(409);
    expect((await again.json<any>()).message).toMatch(/already exists/);
    expect(new Uint8Array(await (await proxyGet(id, "example.test/acme/once/@v/v1.0.0.zip", admin)).arrayBuffer())).toEqual(first);
  });

  it("needs Developer to upload, decided before the body is read", async () => {
    const { id } = await project();
    const reporter = await createUser();
    await addMember("projects", id, reporter.id, 20);
    const zip = await moduleZip("example.test/acme/roles", "v1.0.0");
    expect((await uploadZip(id, "example.test/acme/roles", "v1.0.0", zip, { authorization: basic(reporter.username, reporter.token) })).status).toBe(403);
    expect((await uploadZip(id, "example.test/acme/roles", "v1.0.0", zip, {})).status).toBe(401);
  });
});
