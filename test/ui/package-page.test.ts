// The package page: versions, files with sizes and sha256, snippets for the package's manager, publisher,
// the last five CI builds; delete buttons by role (file: Developer, version: Maintainer), through the
// coordinator, with CSRF protection.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { packageFiles, packages } from "../../src/db/schema";
import { addMember, createGroup, createProject, createUser } from "../support/api";
import { browser, csrfTokenIn, seedPackage, signIn, textOf } from "./support";

async function publicProjectWithPackage() {
  const publisher = await createUser();
  const group = await createGroup();
  const project = await createProject(group.id, { visibility: "public" });
  const v1 = await seedPackage(project.id, "npm", "@acme/hello", "1.0.0", { files: { "hello-1.0.0.tgz": "one" }, creatorId: publisher.id });
  const v2 = await seedPackage(project.id, "npm", "@acme/hello", "2.0.0", { files: { "hello-2.0.0.tgz": "two!" }, creatorId: publisher.id, tags: ["latest"] });
  return { publisher, group, project, v1: v1.packageId!, v2: v2.packageId!, url: (id: number) => `/${project.path_with_namespace}/-/packages/${id}` };
}

describe("package page", () => {
  it("shows versions, files with size and sha256, publisher, tags and npm snippets", async () => {
    const { publisher, project, v1, v2, url } = await publicProjectWithPackage();
    const page = await browser().get(url(v2));
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain("@acme/hello 2.0.0");
    expect(text).toMatch(/Published \d{4}-\d\d-\d\d \d\d:\d\d UTC by /);
    expect(text).toContain(`(@${publisher.username})`);
    expect(text).toContain("latest");
    expect(text).toContain("hello-2.0.0.tgz");
    expect(text).toContain("4 B");
    const sha = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode("two!")))].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(text).toContain(sha);
    expect(page.html).toContain(`<a href="${url(v1)}">1.0.0</a>`);
    expect(text).toContain("npm install @acme/hello@2.0.0");
    expect(text).toContain(`@acme:registry=http://packyard.test/api/v4/projects/${project.id}/packages/npm/`);
    expect(text).toContain(`//packyard.test/api/v4/projects/${project.id}/packages/npm/:_authToken=\${NPM_TOKEN}`);
    expect(page.html).toMatch(/<button type="button" class="secondary" data-copy="snippet-0" hidden=""/);
    expect(text).toContain("Not published from a CI pipeline.");
    // Anonymous viewers get no delete buttons.
    expect(page.html).not.toContain("/delete");
  });

  it("lists the last five CI builds with pipeline, ref, commit and user", async () => {
    const user = await createUser();
    const group = await createGroup();
    const project = await createProject(group.id, { visibility: "public" });
    let id = 0;
    for (let i = 1; i <= 7; i++) {
      const result = await seedPackage(project.id, "generic", "tool", "1.0.0", {
        files: { [`tool-${i}.bin`]: `build ${i}` },
        buildInfo: { pipelineId: 100 + i, ref: `release-${i}`, sha: `${i}`.repeat(40), userId: user.id },
      });
      id = result.packageId!;
    }
    const text = textOf((await browser().get(`/${project.path_with_namespace}/-/packages/${id}`)).html);
    for (let i = 3; i <= 7; i++) expect(text).toContain(`#${100 + i} release-${i} ${`${i}`.repeat(8)} ${user.name} (@${user.username})`);
    expect(text).not.toContain("#102");
    expect(text).not.toContain("#101");
    expect(text).toContain(`curl --fail --header "PRIVATE-TOKEN: <your_access_token>" --output "tool-7.bin" "http://packyard.test/api/v4/projects/${project.id}/packages/generic/tool/1.0.0/tool-7.bin"`);
  });

  it("shows the matching snippets for PyPI, Maven and an unknown type", async () => {
    const group = await createGroup();
    const project = await createProject(group.id, { visibility: "public" });
    const pypi = await seedPackage(project.id, "pypi", "acme-hello", "1.0.0");
    const maven = await seedPackage(project.id, "maven", "com/acme/hello-maven", "1.0.0");
    const other = await seedPackage(project.id, "ml_model", "model", "1.0.0");
    const get = async (id: number) => textOf((await browser().get(`/${project.path_with_namespace}/-/packages/${id}`)).html);
    const api = `http://packyard.test/api/v4/projects/${project.id}/packages`;
    const pypiText = await get(pypi.packageId!);
    expect(pypiText).toContain(`pip install acme-hello==1.0.0 --index-url http://__token__:<your_access_token>@packyard.test/api/v4/projects/${project.id}/packages/pypi/simple`);
    expect(pypiText).toContain(`repository = ${api}/pypi`);
    expect(pypiText).toContain("python3 -m twine upload --repository gitlab dist/*");
    const mavenText = await get(maven.packageId!);
    expect(mavenText).toContain("<groupId>com.acme</groupId> <artifactId>hello-maven</artifactId> <version>1.0.0</version>");
    expect(mavenText).toContain(`<url>${api}/maven</url>`);
    expect(mavenText).toContain("<name>Private-Token</name>");
    expect(await get(other.packageId!)).toContain(`"${api}/${other.packageId}/package_files"`);
  });

  it("is a 404 for a package of another project and for a private project's package seen by an outsider", async () => {
    const { v1 } = await publicProjectWithPackage();
    const group = await createGroup(undefined, { visibility: "private" });
    const other = await createProject(group.id, { visibility: "private" });
    const secret = await seedPackage(other.id, "npm", "secret", "1.0.0");
    const outsider = await signIn((await createUser()).username);
    expect((await outsider.get(`/${other.path_with_namespace}/-/packages/${v1}`)).status).toBe(404);
    const hidden = await outsider.get(`/${other.path_with_namespace}/-/packages/${secret.packageId}`);
    expect(hidden.status).toBe(404);
    expect(hidden.html).not.toContain("secret");
  });
});

describe("delete buttons", () => {
  it("offers nothing to a Reporter or a Developer, and file and version deletes to a Maintainer", async () => {
    const { project, v2, url } = await publicProjectWithPackage();
    const [reporter, developer, maintainer] = await Promise.all([createUser(), createUser(), createUser()]);
    await addMember("projects", project.id, reporter.id, 20);
    await addMember("projects", project.id, developer.id, 30);
    await addMember("projects", project.id, maintainer.id, 40);
    const fileId = (await createDb(env.DB).select().from(packageFiles).where(eq(packageFiles.packageId, v2)).get())!.id;
    const deleteFile = `${url(v2)}/files/${fileId}/delete`;
    const deleteVersion = `${url(v2)}/delete`;

    const asReporter = await signIn(reporter.username);
    const reporterPage = await asReporter.get(url(v2));
    expect(reporterPage.html).not.toContain(deleteFile);
    expect(reporterPage.html).not.toContain(deleteVersion);
    const refused = await asReporter.post(deleteFile, { authenticity_token: csrfTokenIn(reporterPage.html) });
    expect(refused.status).toBe(403);

    const asDeveloper = await signIn(developer.username);
    const developerPage = await asDeveloper.get(url(v2));
    expect(developerPage.html).not.toContain(deleteFile);
    expect(developerPage.html).not.toContain(deleteVersion);
    expect((await asDeveloper.post(deleteVersion, { authenticity_token: csrfTokenIn(developerPage.html) })).status).toBe(403);
    expect((await asDeveloper.post(deleteFile, { authenticity_token: csrfTokenIn(developerPage.html) })).status).toBe(403);

    const asMaintainer = await signIn(maintainer.username);
    const maintainerPage = await asMaintainer.get(url(v2));
    expect(maintainerPage.html).toContain(`action="${deleteFile}"`);
    const fileGone = await asMaintainer.post(deleteFile, { authenticity_token: csrfTokenIn(maintainerPage.html) });
    expect(fileGone.status).toBe(303);
    expect(await createDb(env.DB).select().from(packageFiles).where(eq(packageFiles.id, fileId)).get()).toBeUndefined();
    expect(maintainerPage.html).toContain(`action="${deleteVersion}"`);
    const gone = await asMaintainer.post(deleteVersion, { authenticity_token: csrfTokenIn(maintainerPage.html) });
    expect(gone.status).toBe(303);
    expect(gone.headers.get("location")).toBe(`/${project.path_with_namespace}/-/packages?deleted=%40acme%2Fhello%202.0.0`);
    expect(await createDb(env.DB).select().from(packages).where(eq(packages.id, v2)).get()).toBeUndefined();
    expect((await asMaintainer.get(url(v2))).status).toBe(404);
  });

  it("refuses a delete without the session's CSRF token or from another site, and changes nothing", async () => {
    const { project, v1, url } = await publicProjectWithPackage();
    const maintainer = await createUser();
    await addMember("projects", project.id, maintainer.id, 40);
    const session = await signIn(maintainer.username);
    const token = csrfTokenIn((await session.get(url(v1))).html);
    expect((await session.post(`${url(v1)}/delete`, {})).status).toBe(403);
    expect((await session.post(`${url(v1)}/delete`, { authenticity_token: "pys-wrong" })).status).toBe(403);
    expect((await session.post(`${url(v1)}/delete`, { authenticity_token: token }, { origin: "https://evil.example" })).status).toBe(403);
    const other = await signIn(maintainer.username); // another session's token is not this one's
    expect((await other.post(`${url(v1)}/delete`, { authenticity_token: token })).status).toBe(403);
    expect(await createDb(env.DB).select().from(packages).where(eq(packages.id, v1)).get()).toBeDefined();
    expect((await session.post(`${url(v1)}/delete`, { authenticity_token: token })).status).toBe(303);
  });
});
