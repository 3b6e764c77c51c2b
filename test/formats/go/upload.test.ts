// Module zip uploads in workerd: what the go command would refuse is refused with 400 and leaves no blob,
// /vN modules and +incompatible versions follow the major-version rules, and the size limits hold.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../../src/db/client";
import { blobs } from "../../../src/db/schema";
import { ADMIN_TOKEN, basic, call, createGroup, createProject } from "../../support/api";
import { makeZip, moduleZip, proxyGet, uploadZip } from "./support";

const admin = { authorization: basic("root", ADMIN_TOKEN) };
const blobCount = async () => (await createDb(env.DB).select({ id: blobs.id }).from(blobs).all()).length;
const newProject = async () => createProject((await createGroup()).id, { visibility: "private" });

/** Upload, expect 400 with a message matching `pattern`, and check nothing was kept. */
async function refused(projectId: number, path: string, version: string, bytes: Uint8Array, pattern: RegExp) {
  const before = await blobCount();
  const res = await uploadZip(projectId, path, version, bytes, admin);
  const body = await res.json<{ message: string }>();
  expect(res.status, body.message).toBe(400);
  expect(body.message).toMatch(pattern);
  expect(await blobCount()).toBe(before);
}

describe("Go module zip upload", () => {
  it("refuses a go.mod whose module line names another module", async () => {
    const { id } = await newProject();
    await refused(id, "example.test/acme/a", "v1.0.0", await moduleZip("example.test/acme/a", "v1.0.0", { goMod: "module example.test/acme/b\n" }), /declares its path as "example.test\/acme\/b"/);
    await refused(id, "example.test/acme/a", "v1.0.0", await moduleZip("example.test/acme/a", "v1.0.0", { goMod: "go 1.19\n" }), /no module directive/);
    expect((await proxyGet(id, "example.test/acme/a/@v/list", admin)).status).toBe(404);
  });

  it("refuses entries outside <module>@<version>/, bad file paths and collisions", async () => {
    const { id } = await newProject();
    const path = "example.test/acme/layout";
    const P = `${path}@v1.0.0/`;
    await refused(id, path, "v1.0.0", await makeZip([{ name: `${path}@v1.0.1/go.mod`, data: `module ${path}\n` }]), /does not have prefix/);
    await refused(id, path, "v1.0.0", await makeZip([{ name: `${P}a/../escape.go`, data: "x" }]), /not clean/);
    await refused(id, path, "v1.0.0", await makeZip([{ name: `${P}../escape.go`, data: "x" }]), /malformed file path "..\/escape.go"/);
    await refused(id, path, "v1.0.0", await makeZip([{ name: `${P}a.go`, data: "x" }, { name: `${P}A.go`, data: "y" }]), /case-insensitive/);
    await refused(id, path, "v1.0.0", await makeZip([{ name: `${P}sub/go.mod`, data: `module ${path}/sub\n` }]), /not in module root/);
  });

  it("refuses bytes that are not a zip, and a deflated go.mod that does not inflate", async () => {
    const { id } = await newProject();
    const path = "example.test/acme/broken";
    await refused(id, path, "v1.0.0", new TextEncoder().encode("not a zip at all, just text"), /not a valid zip file/);
    const zip = await moduleZip(path, "v1.0.0");
    // go.mod is the first entry: break its deflate stream (data starts after the 30-byte header and the name).
    const broken = zip.slice();
    const dataStart = 30 + `${path}@v1.0.0/go.mod`.length;
    broken.fill(0xff, dataStart, dataStart + 8);
    await refused(id, path, "v1.0.0", broken, /go.mod could not be read/);
  });

  it("refuses versions that are not canonical or do not match the path's major version", async () => {
    const { id } = await newProject();
    const zip = await moduleZip("example.test/acme/major", "v2.0.0");
    const res = await uploadZip(id, "example.test/acme/major", "v2.0.0", zip, admin);
    expect(res.status).toBe(400);
    expect((await res.json<any>()).message).toMatch(/should be v0 or v1, not v2/);
    expect((await uploadZip(id, "example.test/acme/major", "v1.0", zip, admin)).status).toBe(400);
    expect((await uploadZip(id, "example.test/acme/major", "latest", zip, admin)).status).toBe(400);
  });

  it("takes a /v2 module at v2 versions, apart from the v1 module", async () => {
    const { id } = await newProject();
    expect((await uploadZip(id, "example.test/acme/multi", "v1.5.0", await moduleZip("example.test/acme/multi", "v1.5.0"), admin)).status).toBe(201);
    expect((await uploadZip(id, "example.test/acme/multi/v2", "v2.1.0", await moduleZip("example.test/acme/multi/v2", "v2.1.0"), admin)).status).toBe(201);
    expect(await (await proxyGet(id, "example.test/acme/multi/@v/list", admin)).text()).toBe("v1.5.0\n");
    expect(await (await proxyGet(id, "example.test/acme/multi/v2/@v/list", admin)).text()).toBe("v2.1.0\n");
    expect(await (await proxyGet(id, "example.test/acme/multi/v2/@v/v2.1.0.mod", admin)).text()).toMatch(/^module example.test\/acme\/multi\/v2\n/);
  });

  it("takes +incompatible versions of a module without go.mod, and refuses them with one", async () => {
    const { id } = await newProject();
    const path = "example.test/acme/legacy";
    expect((await uploadZip(id, path, "v3.0.0+incompatible", await moduleZip(path, "v3.0.0+incompatible", { goMod: null }), admin)).status).toBe(201);
    expect(await (await proxyGet(id, `${path}/@v/list`, admin)).text()).toBe("v3.0.0+incompatible\n");
    expect(await (await proxyGet(id, `${path}/@v/v3.0.0+incompatible.mod`, admin)).text()).toBe(`module ${path}\n`);
    expect(await (await proxyGet(id, `${path}/@v/v3.0.0%2Bincompatible.info`, admin)).json()).toMatchObject({ Version: "v3.0.0+incompatible" });
    expect(await (await proxyGet(id, `${path}/@latest`, admin)).json()).toMatchObject({ Version: "v3.0.0+incompatible" });
    await refused(id, path, "v4.0.0+incompatible", await moduleZip(path, "v4.0.0+incompatible"), /\+incompatible is only for modules without a go.mod/);
  });

  it("refuses a declared length over the 500 MiB module zip limit before reading the body", async () => {
    const { id } = await newProject();
    const res = await call(`/api/v4/projects/${id}/packages/go/example.test/acme/big/@v/v1.0.0.zip`, {
      method: "PUT",
      headers: { ...admin, "content-length": String(501 * 1024 * 1024) },
      body: new ReadableStream({ start: (c) => c.close() }),
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it("takes uploads only at <version>.zip", async () => {
    const { id } = await newProject();
    const res = await call(`/api/v4/projects/${id}/packages/go/example.test/acme/x/@v/v1.0.0.mod`, { method: "PUT", body: "module example.test/acme/x\n", headers: admin });
    expect(res.status).toBe(405);
    expect((await call(`/api/v4/projects/${id}/packages/go/example.test/acme/x/@v/list`, { method: "PUT", body: "", headers: admin })).status).toBe(405);
    expect((await call(`/api/v4/projects/${id}/packages/go/example.test/acme/x/@v/v1.0.zip`, { method: "PUT", body: "", headers: admin })).status).toBe(400);
  });
});
