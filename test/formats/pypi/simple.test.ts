// pip's endpoints in workerd: simple index and project pages (HTML and JSON), redirects, downloads,
// group-level aggregation, the edge cache and read permissions.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, basic, call, createDeployToken, createGroup, createProject, createUser } from "../../support/api";
import { PIP_ACCEPT, twineUpload } from "./helpers";

async function publish(projectId: number, name: string, version: string, fileName: string, fields: Record<string, string | null> = {}, bytes?: Uint8Array) {
  const { res, digests } = await twineUpload(projectId, { name, version, fileName, fields, bytes }, { token: ADMIN_TOKEN });
  expect(res.status, await res.clone().text()).toBe(201);
  return digests;
}

const pypi = (projectId: number | string) => `/api/v4/projects/${projectId}/packages/pypi`;
const groupPypi = (groupId: number | string) => `/api/v4/groups/${groupId}/-/packages/pypi`;

describe("PyPI simple API", () => {
  it("serves a project page as PEP 691 JSON to pip and as PEP 503 HTML otherwise", async () => {
    const project = await createProject((await createGroup()).id);
    const wheel = await publish(project.id, "Acme.Hello", "1.0.0", "acme_hello-1.0.0-py3-none-any.whl", { requires_python: ">=3.8,<4" });
    await publish(project.id, "Acme.Hello", "1.0.0", "acme.hello-1.0.0.tar.gz", { requires_python: ">=3.8,<4" });
    await publish(project.id, "acme-hello", "1.1.0", "acme_hello-1.1.0-py3-none-any.whl", { requires_python: null });

    const json = await call(`${pypi(project.id)}/simple/acme-hello/`, { token: ADMIN_TOKEN, headers: { accept: PIP_ACCEPT } });
    expect(json.status).toBe(200);
    expect(json.headers.get("content-type")).toBe("application/vnd.pypi.simple.v1+json");
    expect(json.headers.get("vary")).toBe("Accept");
    const doc = await json.json<any>();
    expect(doc.meta).toEqual({ "api-version": "1.1" });
    expect(doc.name).toBe("acme-hello");
    expect(doc.versions).toEqual(["1.0.0", "1.1.0"]);
    expect(doc.files.map((f: any) => f.filename)).toEqual(["acme_hello-1.0.0-py3-none-any.whl", "acme.hello-1.0.0.tar.gz", "acme_hello-1.1.0-py3-none-any.whl"]);
    expect(doc.files[0]).toMatchObject({ url: `../../files/${wheel.sha256}/acme_hello-1.0.0-py3-none-any.whl`, hashes: { sha256: wheel.sha256 }, "requires-python": ">=3.8,<4" });
    expect(doc.files[0].size).toBeGreaterThan(0);
    expect(Date.parse(doc.files[0]["upload-time"])).toBeGreaterThan(0);
    expect(doc.files[2]["requires-python"]).toBeUndefined();

    const html = await call(`${pypi(project.id)}/simple/acme-hello/`, { token: ADMIN_TOKEN });
    expect(html.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const page = await html.text();
    expect(page).toContain(`<a href="../../files/${wheel.sha256}/acme_hello-1.0.0-py3-none-any.whl#sha256=${wheel.sha256}" data-requires-python="&gt;=3.8,&lt;4">acme_hello-1.0.0-py3-none-any.whl</a>`);
    const v1html = await call(`${pypi(project.id)}/simple/acme-hello/`, { token: ADMIN_TOKEN, headers: { accept: "application/vnd.pypi.simple.v1+html" } });
    expect(v1html.headers.get("content-type")).toBe("application/vnd.pypi.simple.v1+html");
  });

  it("redirects other spellings and a missing slash to the normalised URL, and 404s unknown names", async () => {
    const project = await createProject((await createGroup()).id);
    await publish(project.id, "My.Package", "1.0", "my.package-1.0.tar.gz");
    for (const path of ["My.Package/", "my_package", "my-package"]) {
      const res = await call(`${pypi(project.id)}/simple/${path}?x=1`, { token: ADMIN_TOKEN, redirect: "manual" });
      expect(res.status, path).toBe(301);
      expect(res.headers.get("location")).toBe(`/api/v4/projects/${project.id}/packages/pypi/simple/my-package/?x=1`);
    }
    expect((await call(`${pypi(project.id)}/simple/my-package/`, { token: ADMIN_TOKEN })).status).toBe(200);
    const missing = await call(`${pypi(project.id)}/simple/nothing-here/`, { token: ADMIN_TOKEN });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: "404 Package Not Found" });
  });

  it("lists the project's packages at /simple and /simple/ with links that resolve from each", async () => {
    const group = await createGroup();
    const project = await createProject(group.id);
    await publish(project.id, "Zeta_Pkg", "1.0", "zeta_pkg-1.0.tar.gz");
    await publish(project.id, "alpha", "1.0", "alpha-1.0.tar.gz");
    const slash = await (await call(`${pypi(project.id)}/simple/`, { token: ADMIN_TOKEN })).text();
    expect(slash).toContain('<a href="alpha/">alpha</a>');
    expect(slash).toContain('<a href="zeta-pkg/">Zeta_Pkg</a>');
    const noSlash = await (await call(`${pypi(project.id)}/simple`, { token: ADMIN_TOKEN })).text();
    expect(noSlash).toContain('<a href="simple/alpha/">alpha</a>');
    const json = await (await call(`${pypi(project.id)}/simple/`, { token: ADMIN_TOKEN, headers: { accept: PIP_ACCEPT } })).json<any>();
    expect(json.projects).toEqual([{ name: "alpha" }, { name: "Zeta_Pkg" }]);
  });

  it("downloads a file by sha256 and name, with Range and HEAD; a wrong name or hash is 404", async () => {
    const project = await createProject((await createGroup()).id);
    const bytes = new TextEncoder().encode("wheel bytes 0123456789");
    const digests = await publish(project.id, "dl", "1.0", "dl-1.0-py3-none-any.whl", {}, bytes);
    const url = `${pypi(project.id)}/files/${digests.sha256}/dl-1.0-py3-none-any.whl`;
    const res = await call(url, { token: ADMIN_TOKEN });
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    expect(res.headers.get("etag")).toBe(`"${digests.sha256}"`);
    const range = await call(url, { token: ADMIN_TOKEN, headers: { range: "bytes=0-4" } });
    expect(range.status).toBe(206);
    expect(await range.text()).toBe("wheel");
    const head = await call(url, { token: ADMIN_TOKEN, method: "HEAD" });
    expect(head.headers.get("content-length")).toBe(String(bytes.length));
    expect((await call(`${pypi(project.id)}/files/${digests.sha256}/other.whl`, { token: ADMIN_TOKEN })).status).toBe(404);
    expect((await call(`${pypi(project.id)}/files/${"0".repeat(64)}/dl-1.0-py3-none-any.whl`, { token: ADMIN_TOKEN })).status).toBe(404);
    expect((await call(`${pypi(project.id)}/files/not-a-hash/dl-1.0-py3-none-any.whl`, { token: ADMIN_TOKEN })).status).toBe(404);
  });

  it("aggregates a group and its subgroups at group level, the newest upload of a version winning", async () => {
    const root = await createGroup(undefined, { visibility: "private" });
    const sub = await createGroup(undefined, { visibility: "private", parent_id: root.id });
    const older = await createProject(root.id, { visibility: "private" });
    const newer = await createProject(sub.id, { visibility: "private" });
    const hidden = await createProject(sub.id, { visibility: "private" });
    await publish(older.id, "shared", "1.0", "shared-1.0.tar.gz", { summary: "older" }, new TextEncoder().encode("older"));
    await publish(older.id, "shared", "0.9", "shared-0.9.tar.gz");
    const newest = await publish(newer.id, "shared", "1.0", "shared-1.0.tar.gz", {}, new TextEncoder().encode("newer"));
    await publish(hidden.id, "secret", "1.0", "secret-1.0.tar.gz");

    const secret = await publish(hidden.id, "secret", "1.1", "secret-1.1.tar.gz");
    const adminPage = await (await call(`${groupPypi(root.id)}/simple/shared/`, { token: ADMIN_TOKEN, headers: { accept: PIP_ACCEPT } })).json<any>();
    expect(adminPage.files.filter((f: any) => f.filename === "shared-1.0.tar.gz")).toEqual([expect.objectContaining({ hashes: { sha256: newest.sha256 } })]);
    expect(adminPage.versions.sort()).toEqual(["0.9", "1.0"]);
    const download = await call(`${groupPypi(root.id)}/files/${newest.sha256}/shared-1.0.tar.gz`, { token: ADMIN_TOKEN });
    expect(await download.text()).toBe("newer");

    // A guest of the group who is a reporter on two of its three projects sees only those two.
    const user = await createUser();
    await addMember("groups", root.id, user.id, 10);
    await addMember("projects", older.id, user.id, 20);
    await addMember("projects", newer.id, user.id, 20);
    const auth = { authorization: basic("__token__", user.token) };
    const userIndex = await (await call(`${groupPypi(root.id)}/simple/`, { headers: auth })).text();
    expect(userIndex).toContain('<a href="shared/">shared</a>');
    expect(userIndex).not.toContain("secret");
    expect((await call(`${groupPypi(root.id)}/simple/secret/`, { headers: auth })).status).toBe(404);
    expect((await call(`${groupPypi(root.id)}/files/${secret.sha256}/secret-1.1.tar.gz`, { headers: auth })).status).toBe(404);
    const adminIndex = await (await call(`${groupPypi(root.id)}/simple/`, { token: ADMIN_TOKEN })).text();
    expect(adminIndex).toContain("secret/");

    const deploy = await createDeployToken("groups", root.id, ["read_package_registry"]);
    const deployIndex = await call(`${groupPypi(root.id)}/simple/`, { headers: { authorization: basic(deploy.username, deploy.token) } });
    expect(deployIndex.status).toBe(200);
    expect(await deployIndex.text()).toContain("shared/");
    // The subgroup's own index holds only its projects: shared 1.0 from `newer`, not 0.9 from `older`.
    const subPage = await (await call(`${groupPypi(sub.id)}/simple/shared/`, { token: ADMIN_TOKEN, headers: { accept: PIP_ACCEPT } })).json<any>();
    expect(subPage.versions).toEqual(["1.0"]);
  });

  it("challenges anonymous callers of private projects and groups, and 404s strangers", async () => {
    const group = await createGroup(undefined, { visibility: "private" });
    const project = await createProject(group.id, { visibility: "private" });
    await publish(project.id, "private-pkg", "1.0", "private_pkg-1.0.tar.gz");
    for (const path of [`${pypi(project.id)}/simple/private-pkg/`, `${groupPypi(group.id)}/simple/private-pkg/`, `${pypi(project.id)}/simple/`]) {
      const res = await call(path);
      expect(res.status, path).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Basic realm="GitLab Packages Registry"');
    }
    const stranger = await createUser();
    expect((await call(`${pypi(project.id)}/simple/private-pkg/`, { headers: { authorization: basic("__token__", stranger.token) } })).status).toBe(404);
    const reporter = await createUser();
    await addMember("projects", project.id, reporter.id, 20);
    expect((await call(`${pypi(project.id)}/simple/private-pkg/`, { headers: { authorization: basic("__token__", reporter.token) } })).status).toBe(200);
  });

  it("serves anonymous pulls of public projects through the edge cache, and shows a publish at once", async () => {
    const group = await createGroup(undefined, { visibility: "public" });
    const project = await createProject(group.id, { visibility: "public" });
    const first = await publish(project.id, "cached", "1.0", "cached-1.0.tar.gz");
    const path = `${pypi(project.id)}/simple/cached/`;
    const miss = await call(path, { headers: { accept: PIP_ACCEPT } });
    expect(miss.headers.get("x-packyard-cache")).toBe("MISS");
    await miss.text();
    await new Promise((r) => setTimeout(r, 50));
    const hit = await call(path, { headers: { accept: PIP_ACCEPT } });
    expect(hit.headers.get("x-packyard-cache")).toBe("HIT");
    expect((await hit.json<any>()).versions).toEqual(["1.0"]);
    const htmlVariant = await call(path, { headers: { accept: "text/html" } });
    expect(htmlVariant.headers.get("x-packyard-cache")).toBe("MISS");
    expect(htmlVariant.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const authed = await call(path, { token: ADMIN_TOKEN, headers: { accept: PIP_ACCEPT } });
    expect(authed.headers.get("x-packyard-cache")).toBe("BYPASS");
    expect(authed.headers.get("cache-control")).toMatch(/private/);

    await publish(project.id, "cached", "2.0", "cached-2.0.tar.gz");
    const after = await call(path, { headers: { accept: PIP_ACCEPT } });
    expect(after.headers.get("x-packyard-cache")).toBe("MISS");
    expect((await after.json<any>()).versions).toEqual(["1.0", "2.0"]);

    const file = `${pypi(project.id)}/files/${first.sha256}/cached-1.0.tar.gz`;
    expect((await call(file)).headers.get("x-packyard-cache")).toBe("MISS");
    await new Promise((r) => setTimeout(r, 50));
    const fileHit = await call(file);
    expect(fileHit.headers.get("x-packyard-cache")).toBe("HIT");
    expect(await fileHit.text()).toBe("contents of cached-1.0.tar.gz");
    const groupPage = await call(`${groupPypi(group.id)}/simple/cached/`, { headers: { accept: PIP_ACCEPT } });
    expect(groupPage.status).toBe(200);
    expect(groupPage.headers.get("x-packyard-cache")).toBe("MISS");
  });
});
