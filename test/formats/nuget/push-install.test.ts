// NuGet push and install paths in workerd: a real package pushed as NuGet 2.x sends it (X-NuGet-ApiKey, bare-LF
// multipart), then read back through the v2 feed (entry, FindPackagesById, download verified by PackageHash)
// and the v3 resources (service index, registration, flat container, .nuspec).
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser } from "../../support/api";
import { apiKey, base64Of, basicAuth, buildNupkg, hexOf, push } from "./support";
import { makeZip } from "../../support/zip-writer";

let developer: { id: number; token: string };
let project: { id: number };
let publicProject: { id: number };

beforeAll(async () => {
  developer = await createUser();
  const group = await createGroup(undefined, { visibility: "private" });
  project = await createProject(group.id, { visibility: "private" });
  await addMember("projects", project.id, developer.id, 30);
  const open = await createGroup();
  publicProject = await createProject(open.id, { visibility: "public" });
});

const v2 = (id: number, rest: string) => `/api/v4/projects/${id}/packages/nuget/v2${rest}`;
const v3 = (id: number, rest: string) => `/api/v4/projects/${id}/packages/nuget${rest}`;

describe("push as NuGet 2.x sends it", () => {
  it("stores a package pushed with X-NuGet-ApiKey and a bare-LF multipart body, and lists it in the Packages API", async () => {
    const bytes = await buildNupkg({ id: "Acme.Push", version: "1.0" });
    const res = await push(project.id, bytes, apiKey(developer.token));
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await res.json()).toEqual({ message: "201 Created" });
    const listed = await (await call(`/api/v4/projects/${project.id}/packages?package_type=nuget`, { token: ADMIN_TOKEN })).json();
    expect(listed).toEqual([expect.objectContaining({ name: "Acme.Push", version: "1.0.0", package_type: "nuget" })]);
    const [record] = listed as { id: number }[];
    const files = await (await call(`/api/v4/projects/${project.id}/packages/${record!.id}/package_files`, { token: ADMIN_TOKEN })).json();
    expect(files).toEqual([expect.objectContaining({ file_name: "acme.push.1.0.0.nupkg", size: bytes.length, file_sha256: hexOf(await crypto.subtle.digest("SHA-256", bytes)) })]);
  });

  it("takes dotnet's CRLF body at the v3 publish URL, stored and deflated entries, and data descriptors", async () => {
    for (const [i, options] of [{ method: "store" as const }, { dataDescriptor: true }, {}].entries()) {
      const res = await push(project.id, await buildNupkg({ id: "Acme.Shapes", version: `1.${i}.0`, ...options }), apiKey(developer.token), { path: "", bareLf: false });
      expect(res.status, await res.clone().text()).toBe(201);
    }
    const flat = await call(v3(project.id, "/download/acme.shapes/index.json"), { headers: basicAuth(developer.token) });
    expect(await flat.json()).toEqual({ versions: ["1.0.0", "1.1.0", "1.2.0"] });
  });

  it("refuses a body that is not a package, and a package without a nuspec, with 400 and keeps nothing", async () => {
    const notZip = await push(project.id, new TextEncoder().encode("not a zip"), apiKey(developer.token));
    expect(notZip.status).toBe(400);
    expect(((await notZip.json()) as { message: string }).message).toMatch(/not a zip archive/);
        const noNuspec = await push(project.id, await makeZip([{ name: "lib/a.dll", data: "x" }]), apiKey(developer.token));
    expect(noNuspec.status).toBe(400);
    expect(((await noNuspec.json()) as { message: string }).message).toMatch(/nuspec file not found/);
    const badVersion = await push(project.id, await buildNupkg({ id: "Acme.Bad", version: "one" }), apiKey(developer.token));
    expect(badVersion.status).toBe(400);
  });

  it("asks for credentials before reading the body, and refuses a reader", async () => {
    const bytes = await buildNupkg({ id: "Acme.Denied", version: "1.0.0" });
    const anonymous = await push(project.id, bytes, {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Basic /);
    const reader = await createUser();
    await addMember("projects", project.id, reader.id, 20);
    expect((await push(project.id, bytes, apiKey(reader.token))).status).toBe(403);
  });
});

describe("install through the v2 feed", () => {
  let bytes: Uint8Array;
  beforeAll(async () => {
    bytes = await buildNupkg({ id: "Acme.Hello", version: "1.0.0", extra: '<dependencies><group targetFramework="net45"><dependency id="Acme.Base" version="[1.0, 2.0)"/></group></dependencies>' });
    expect((await push(project.id, bytes, apiKey(developer.token))).status).toBe(201);
    expect((await push(project.id, await buildNupkg({ id: "Acme.Hello", version: "1.1.0" }), apiKey(developer.token))).status).toBe(201);
    expect((await push(project.id, await buildNupkg({ id: "Acme.Hello", version: "2.0.0-beta" }), apiKey(developer.token))).status).toBe(201);
  });

  it("serves the service document to readers (401 first: NuGet 2.x keeps the credentials it needed) and $metadata to anyone", async () => {
    const root = await call(v2(project.id, ""), { headers: basicAuth(developer.token) });
    expect(root.status).toBe(200);
    expect(await root.text()).toMatch(/<collection href="Packages">/);
    expect((await call(v2(project.id, "/"))).status).toBe(401);
    const metadata = await call(v2(project.id, "/$metadata"));
    expect(await metadata.text()).toMatch(/<EntityType Name="V2FeedPackage"/);
  });

  it("challenges an anonymous entry request, then answers the pinned version with Basic", async () => {
    const path = v2(project.id, "/Packages(Id='Acme.Hello',Version='1.0.0')");
    const anonymous = await call(path);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe('Basic realm="GitLab Packages Registry"');
    const res = await call(path, { headers: basicAuth(developer.token) });
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toMatch(/<d:Id>Acme\.Hello<\/d:Id>/);
    expect(xml).toMatch(/<d:Version>1\.0\.0<\/d:Version>/);
    expect(xml).toContain("<d:Dependencies>Acme.Base:[1.0, 2.0):net45</d:Dependencies>");
    expect(xml).toContain(`<d:PackageHash>${base64Of(await crypto.subtle.digest("SHA-512", bytes))}</d:PackageHash>`);
    expect(xml).toContain(`<d:PackageSize m:type="Edm.Int64">${bytes.length}</d:PackageSize>`);
    expect(xml).toContain('<d:IsLatestVersion m:type="Edm.Boolean">false</d:IsLatestVersion>');
    const src = /<content type="application\/zip" src="([^"]+)"\/>/.exec(xml)?.[1];
    expect(src).toBe(`http://packyard.test/api/v4/projects/${project.id}/packages/nuget/download/acme.hello/1.0.0/acme.hello.1.0.0.nupkg`);
    const download = await call(new URL(src!).pathname, { headers: basicAuth(developer.token) });
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment;/);
  });

  it("finds the latest stable version as nuget install without -Version asks for it", async () => {
    const res = await call(v2(project.id, "/FindPackagesById()?$filter=IsLatestVersion&$orderby=Version%20desc&$top=1&id='Acme.Hello'"), { headers: basicAuth(developer.token) });
    const xml = await res.text();
    expect([...xml.matchAll(/<d:Version>([^<]+)<\/d:Version>/g)].map((m) => m[1])).toEqual(["1.1.0"]);
    const all = await (await call(v2(project.id, "/FindPackagesById()?id='acme.hello'"), { headers: basicAuth(developer.token) })).text();
    expect([...all.matchAll(/<d:Version>([^<]+)<\/d:Version>/g)].map((m) => m[1])).toEqual(["1.0.0", "1.1.0", "2.0.0-beta"]);
    const count = await call(v2(project.id, "/FindPackagesById()/$count?id='Acme.Hello'"), { headers: basicAuth(developer.token) });
    expect(await count.text()).toBe("3");
  });

  it("searches as nuget list does: latest stable per id, or the absolute latest with prereleases", async () => {
    const list = await call(v2(project.id, "/Search()?$filter=IsLatestVersion&$orderby=Id&searchTerm='hello'&targetFramework=''&includePrerelease=false&$skip=0&$top=30"), { headers: basicAuth(developer.token) });
    const xml = await list.text();
    expect([...xml.matchAll(/<d:Version>([^<]+)<\/d:Version>/g)].map((m) => m[1])).toEqual(["1.1.0"]);
    const pre = await (await call(v2(project.id, "/Search()?$filter=IsAbsoluteLatestVersion&searchTerm=''&includePrerelease=true"), { headers: basicAuth(developer.token) })).text();
    expect([...pre.matchAll(/<title type="text">([^<]+)<\/title>/g)].map((m) => m[1])).toEqual(expect.arrayContaining(["Search", "Acme.Hello", "Acme.Push"]));
    expect(pre).toContain("<d:Version>2.0.0-beta</d:Version>");
  });

  it("answers a version as NuGet compares them (1.0 and 1.0.0.0 find 1.0.0, case does not matter)", async () => {
    for (const version of ["1.0", "1.0.0.0", "1.0.0"]) {
      const res = await call(v2(project.id, `/Packages(Id='ACME.HELLO',Version='${version}')`), { headers: basicAuth(developer.token) });
      expect(res.status, version).toBe(200);
    }
    const beta = await call(v3(project.id, "/download/acme.hello/2.0.0-BETA/acme.hello.2.0.0-beta.nupkg"), { headers: basicAuth(developer.token) });
    expect(beta.status).toBe(200);
    expect((await call(v2(project.id, "/Packages(Id='Acme.Hello',Version='9.9.9')"), { headers: basicAuth(developer.token) })).status).toBe(404);
  });
});

describe("v3 resources", () => {
  beforeAll(async () => {
    const extra = `<tags>greeting demo</tags><projectUrl>https://example.com/v3</projectUrl><license type="expression">MIT</license>
      <dependencies><group targetFramework="net8.0"><dependency id="Acme.Base" version="1.0.0"/></group><group targetFramework="netstandard2.0"/></dependencies>`;
    expect((await push(publicProject.id, await buildNupkg({ id: "Acme.Three", version: "1.0.0", extra }), apiKey(ADMIN_TOKEN))).status).toBe(201);
    expect((await push(publicProject.id, await buildNupkg({ id: "Acme.Three", version: "1.1.0-rc.1", extra }), apiKey(ADMIN_TOKEN))).status).toBe(201);
  });

  it("lists every resource GitLab lists, with @ids on the request's prefix, for any :id", async () => {
    const res = await call(v3(publicProject.id, "/index.json"));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { version: string; resources: { "@id": string; "@type": string }[] };
    const base = `http://packyard.test/api/v4/projects/${publicProject.id}/packages/nuget`;
    expect(body.version).toBe("3.0.0");
    expect(body.resources.map((r) => [r["@type"], r["@id"]])).toEqual([
      ["SearchQueryService", `${base}/query`],
      ["SearchQueryService/3.0.0-beta", `${base}/query`],
      ["SearchQueryService/3.0.0-rc", `${base}/query`],
      ["RegistrationsBaseUrl", `${base}/metadata`],
      ["RegistrationsBaseUrl/3.0.0-beta", `${base}/metadata`],
      ["RegistrationsBaseUrl/3.0.0-rc", `${base}/metadata`],
      ["PackageBaseAddress/3.0.0", `${base}/download`],
      ["PackagePublish/2.0.0", base],
      ["SymbolPackagePublish/4.9.0", `${base}/symbolpackage`],
    ]);
    // Unknown and private projects answer alike: the document depends on the URL only.
    expect((await call("/api/v4/projects/999999/packages/nuget/index.json")).status).toBe(200);
  });

  it("serves the registration index with catalog entries, and a leaf", async () => {
    const res = await call(v3(publicProject.id, "/metadata/Acme.Three/index.json"));
    expect(res.status).toBe(200);
    const index = (await res.json()) as any;
    expect(index.count).toBe(1);
    const [page] = index.items;
    expect(page).toMatchObject({ count: 2, lower: "1.0.0", upper: "1.1.0-rc.1" });
    const entry = page.items[0].catalogEntry;
    expect(entry).toMatchObject({
      id: "Acme.Three",
      version: "1.0.0",
      authors: "Packyard Tests",
      tags: "greeting demo",
      projectUrl: "https://example.com/v3",
      licenseExpression: "MIT",
      listed: true,
      packageContent: `http://packyard.test/api/v4/projects/${publicProject.id}/packages/nuget/download/acme.three/1.0.0/acme.three.1.0.0.nupkg`,
    });
    expect(entry.dependencyGroups).toEqual([
      expect.objectContaining({ "@type": "PackageDependencyGroup", targetFramework: "net8.0", dependencies: [expect.objectContaining({ id: "Acme.Base", range: "1.0.0" })] }),
      expect.objectContaining({ targetFramework: "netstandard2.0", dependencies: [] }),
    ]);
    const leaf = await call(v3(publicProject.id, "/metadata/acme.three/1.0.0.json"));
    expect(await leaf.json()).toMatchObject({ catalogEntry: { version: "1.0.0" }, packageContent: entry.packageContent });
  });

  it("serves the flat container: versions, the .nupkg and the .nuspec read out of it", async () => {
    expect(await (await call(v3(publicProject.id, "/download/acme.three/index.json"))).json()).toEqual({ versions: ["1.0.0", "1.1.0-rc.1"] });
    const nuspec = await call(v3(publicProject.id, "/download/acme.three/1.0.0/acme.three.nuspec"));
    expect(nuspec.status).toBe(200);
    expect(await nuspec.text()).toMatch(/<id>Acme\.Three<\/id>/);
    expect((await call(v3(publicProject.id, "/download/acme.none/index.json"))).status).toBe(404);
  });

  it("searches by id with q, skip, take and prerelease", async () => {
    const hits = (await (await call(v3(publicProject.id, "/query?q=three&prerelease=false"))).json()) as any;
    expect(hits.totalHits).toBe(1);
    expect(hits.data[0]).toMatchObject({ id: "Acme.Three", version: "1.0.0", versions: [{ version: "1.0.0" }], verified: true, totalDownloads: 0 });
    const withPre = (await (await call(v3(publicProject.id, "/query?q=three&semVerLevel=2.0.0"))).json()) as any;
    expect(withPre.data[0].version).toBe("1.1.0-rc.1");
    // A SemVer 2.0.0 version (dotted label) is hidden from clients that do not ask for it.
    const legacy = (await (await call(v3(publicProject.id, "/query?q=three"))).json()) as any;
    expect(legacy.data[0].version).toBe("1.0.0");
    const none = (await (await call(v3(publicProject.id, "/query?q=three&skip=1"))).json()) as any;
    expect(none.data).toEqual([]);
  });
});
