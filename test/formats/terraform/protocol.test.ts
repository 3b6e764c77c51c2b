// The module registry protocol as terraform drives it: discovery, versions, a version's download location and
// the archive fetched without credentials; the latest-version endpoints; project-level downloads.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, basic } from "../../support/api";
import { archiveText, archiveUrl, call, fetchArchive, projectModule, seedModuleProject, terraformGet, upload, uploadPath, v1 } from "./support";

describe("terraform module registry protocol", () => {
  it("answers service discovery at the site root with the modules.v1 base, inert like every package response", async () => {
    const res = await call("/.well-known/terraform.json");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ "modules.v1": "/api/v4/packages/terraform/modules/v1/" });
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect((await call("/.well-known/other.json")).status).toBe(404);
  });

  it("publishes with curl, then lists versions, locates and serves the archive as terraform init asks", async () => {
    const { group, project, developer } = await seedModuleProject();
    for (const version of ["1.0.0", "1.2.0", "1.10.0-rc.1", "0.9.0"]) {
      const res = await upload(uploadPath(project.id, "hello", "local", version), `archive ${version}`, { token: developer.token });
      expect(res.status, await res.clone().text()).toBe(201);
      expect(await res.json()).toEqual({ message: "201 Created" });
    }

    const versions = await terraformGet(`${v1(group.path, "hello", "local")}/versions`, developer.token);
    expect(versions.status).toBe(200);
    const doc = (await versions.json()) as { modules: { versions: { version: string; root: unknown; submodules: unknown[] }[]; source: string }[] };
    expect(doc.modules[0]!.versions.map((v) => v.version)).toEqual(["1.10.0-rc.1", "1.2.0", "1.0.0", "0.9.0"]);
    expect(doc.modules[0]!.versions[0]).toEqual({ version: "1.10.0-rc.1", submodules: [], root: { dependencies: [], providers: [{ name: "local", version: "" }] } });
    expect(doc.modules[0]!.source).toBe(`http://packyard.test/${project.path_with_namespace}/-/packages`);

    const download = await terraformGet(`${v1(group.path, "hello", "local")}/1.2.0/download`, developer.token);
    expect(download.status).toBe(204);
    expect(download.headers.get("cache-control")).toMatch(/no-store/);
    const url = archiveUrl(download);
    expect(url.pathname).toBe(`${v1(group.path, "hello", "local")}/1.2.0/file`);
    expect(url.searchParams.get("archive")).toBe("tgz");
    expect(url.searchParams.get("token")).toBeTruthy();

    const head = await fetchArchive(url, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String("archive 1.2.0".length));
    const archive = await fetchArchive(url);
    expect(archive.status).toBe(200);
    expect(await archiveText(archive)).toBe("archive 1.2.0");
    expect(archive.headers.get("content-disposition")).toMatch(/^attachment; filename="hello-local-1.2.0.tgz"/);
    expect(archive.headers.get("content-security-policy")).toMatch(/sandbox/);
    expect(archive.headers.get("cache-control")).toMatch(/private/);
  });

  it("answers the latest version's details and download (GitLab's redirect to the version's download)", async () => {
    const { group, project, developer } = await seedModuleProject();
    for (const version of ["2.0.0", "10.0.0", "9.9.9"]) expect((await upload(uploadPath(project.id, "net", "aws", version), version, { token: developer.token })).status).toBe(201);
    const latest = await terraformGet(v1(group.path, "net", "aws"), developer.token);
    expect(latest.status).toBe(200);
    expect(await latest.json()).toEqual({
      name: "net/aws",
      provider: "aws",
      providers: ["aws"],
      root: { dependencies: [] },
      source: `http://packyard.test/${project.path_with_namespace}/-/packages`,
      submodules: [],
      version: "10.0.0",
      versions: ["10.0.0"],
    });
    const one = (await (await terraformGet(`${v1(group.path, "net", "aws")}/2.0.0`, developer.token)).json()) as { version: string };
    expect(one.version).toBe("2.0.0");
    const redirect = await terraformGet(`${v1(group.path, "net", "aws")}/download`, developer.token);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toBe(`${v1(group.path, "net", "aws")}/10.0.0/download`);
    // The namespace may be named by id too, as GitLab's find_namespace allows.
    expect((await terraformGet(`${v1(group.id, "net", "aws")}/versions`, developer.token)).status).toBe(200);
  });

  it("answers 404 for unknown modules and versions, and for a version that is not SemVer", async () => {
    const { group, project, developer } = await seedModuleProject();
    expect((await upload(uploadPath(project.id, "known", "local", "1.0.0"), "x", { token: developer.token })).status).toBe(201);
    for (const path of [
      `${v1(group.path, "unknown", "local")}/versions`,
      v1(group.path, "unknown", "local"),
      `${v1(group.path, "unknown", "local")}/download`,
      `${v1(group.path, "known", "local")}/2.0.0`,
      `${v1(group.path, "known", "local")}/2.0.0/download`,
      `${v1(group.path, "known", "local")}/2.0.0/file`,
      `${v1(group.path, "known", "local")}/latest`,
    ]) {
      const res = await terraformGet(path, developer.token);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("cache-control"), path).toMatch(/no-store/);
    }
  });

  it("gives anonymous callers of a public module the plain archive URL, which the edge cache serves", async () => {
    const { group, project, developer } = await seedModuleProject({ visibility: "public" }, { visibility: "public" });
    expect((await upload(uploadPath(project.id, "open", "local", "1.0.0"), "open archive", { token: developer.token })).status).toBe(201);
    const download = await terraformGet(`${v1(group.path, "open", "local")}/1.0.0/download`);
    expect(download.status).toBe(204);
    const url = archiveUrl(download);
    expect(url.searchParams.has("token")).toBe(false);
    const first = await fetchArchive(url);
    expect(await archiveText(first)).toBe("open archive");
    expect(first.headers.get("x-packyard-cache")).toBe("MISS");
    await new Promise((r) => setTimeout(r, 50));
    expect((await fetchArchive(url)).headers.get("x-packyard-cache")).toBe("HIT");
  });

  it("serves project-level downloads for HTTP sources: ?terraform-get=1, a version, the latest, with Basic credentials", async () => {
    const { project, developer } = await seedModuleProject();
    for (const version of ["1.0.0", "1.1.0"]) expect((await upload(uploadPath(project.id, "web", "local", version), `web ${version}`, { token: developer.token })).status).toBe(201);
    const auth = { authorization: basic(developer.username, developer.token) };
    const located = await call(`${projectModule(project.id, "web", "local")}/1.0.0?terraform-get=1`, { headers: auth });
    expect(located.status).toBe(204);
    expect(located.headers.get("x-terraform-get")).toBe(`http://packyard.test${projectModule(project.id, "web", "local")}/1.0.0?archive=tgz`);
    expect(await archiveText(await call(`${projectModule(project.id, "web", "local")}/1.0.0?archive=tgz`, { headers: auth }))).toBe("web 1.0.0");
    expect(await archiveText(await call(projectModule(project.id, "web", "local"), { headers: auth }))).toBe("web 1.1.0");
    expect((await call(`${projectModule(project.id, "web", "local")}/1.0.0`)).status).toBe(401);
    expect((await call(`${projectModule(project.id, "web", "local")}/3.0.0`, { headers: auth })).status).toBe(404);
    // The project's versions document (a Packyard addition)
    const versions = (await (await call(`${projectModule(project.id, "web", "local")}/versions`, { headers: auth })).json()) as { modules: { versions: { version: string }[] }[] };
    expect(versions.modules[0]!.versions.map((v) => v.version)).toEqual(["1.1.0", "1.0.0"]);
  });

  it("lists a module in the Packages API as name/system with its one archive", async () => {
    const { project, developer } = await seedModuleProject();
    expect((await upload(uploadPath(project.id, "listed", "gcp", "1.0.0"), "listed", { token: developer.token })).status).toBe(201);
    const rows = (await (await call(`/api/v4/projects/${project.id}/packages?package_type=terraform_module`, { token: ADMIN_TOKEN })).json()) as { id: number; name: string; version: string; package_type: string }[];
    expect(rows.map((r) => [r.name, r.version, r.package_type])).toEqual([["listed/gcp", "1.0.0", "terraform_module"]]);
    const files = (await (await call(`/api/v4/projects/${project.id}/packages/${rows[0]!.id}/package_files`, { token: ADMIN_TOKEN })).json()) as { file_name: string }[];
    expect(files.map((f) => f.file_name)).toEqual(["listed-gcp-1.0.0.tgz"]);
    // The package page shows the module block in the top-level namespace and the CLI credentials.
    const page = await call(`/${project.path_with_namespace}/-/packages/${rows[0]!.id}`, { token: ADMIN_TOKEN });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Terraform module");
    expect(html).toContain(`source  = &quot;packyard.test/${project.path_with_namespace.split("/")[0]}/listed/gcp&quot;`);
    expect(html).toContain("credentials &quot;packyard.test&quot;");
  });
});
