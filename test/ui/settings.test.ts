// Project package settings: Maintainers only (404 for everyone else), the access level, deploy tokens
// (created token shown once and working, revoke), CSRF on every form.
import { describe, expect, it } from "vitest";
import { addMember, call, createGroup, createProject, createUser } from "../support/api";
import { browser, csrfTokenIn, seedPackage, signIn, textOf } from "./support";

async function setup() {
  const group = await createGroup();
  const project = await createProject(group.id, { visibility: "private" });
  const [developer, maintainer] = await Promise.all([createUser(), createUser()]);
  await addMember("projects", project.id, developer.id, 30);
  await addMember("projects", project.id, maintainer.id, 40);
  return { project, developer, maintainer, url: `/${project.path_with_namespace}/-/settings/packages` };
}

describe("package settings page", () => {
  it("is a 404 for anonymous viewers and Developers, and shows the current level to Maintainers", async () => {
    const { url, developer, maintainer } = await setup();
    expect((await browser().get(url)).status).toBe(404);
    expect((await (await signIn(developer.username)).get(url)).status).toBe(404);
    const page = await (await signIn(maintainer.username)).get(url);
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/<input type="radio" id="access-enabled" name="package_registry_access_level" value="enabled" checked=""/);
    expect(textOf(page.html)).toContain("Allow anyone to pull");
    expect(textOf(page.html)).toContain("This project has no deploy tokens.");
  });

  it("lets a Maintainer allow anyone to pull, after which anonymous viewers see the packages", async () => {
    const { project, url, maintainer } = await setup();
    await seedPackage(project.id, "npm", "opened", "1.0.0");
    const list = `/${project.path_with_namespace}/-/packages`;
    expect((await browser().get(list)).status).toBe(404);
    const b = await signIn(maintainer.username);
    const token = csrfTokenIn((await b.get(url)).html);
    expect((await b.post(url, { package_registry_access_level: "public" })).status).toBe(403);
    expect((await b.post(url, { authenticity_token: token, package_registry_access_level: "everyone" })).status).toBe(400);
    const saved = await b.post(url, { authenticity_token: token, package_registry_access_level: "public" });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`${url}?saved=1`);
    expect(textOf((await b.get(`${url}?saved=1`)).html)).toContain("Saved.");
    expect((await browser().get(list)).status).toBe(200);
    const api = await (await call(`/api/v4/projects/${project.id}`, { token: maintainer.token })).json<any>();
    expect(api.package_registry_access_level).toBe("public");
  });

  it("creates a deploy token, shows it once, and the token works until it is revoked", async () => {
    const { project, url, maintainer } = await setup();
    const b = await signIn(maintainer.username);
    const token = csrfTokenIn((await b.get(url)).html);
    const noScope = await b.post(`${url}/deploy_tokens`, { authenticity_token: token, name: "ci" });
    expect(noScope.status).toBe(400);
    expect(textOf(await noScope.text())).toContain("Choose at least one scope");
    const created = await b.post(`${url}/deploy_tokens`, { authenticity_token: token, name: "ci", scopes: ["read_package_registry"], username: "", expires_at: "" });
    expect(created.status).toBe(201);
    const html = await created.text();
    const secret = html.match(/<code class="token" id="new-token">(gldt-[A-Za-z0-9]+)<\/code>/)![1]!;
    const username = html.match(/Username <code>([^<]+)<\/code>/)![1]!;
    expect(username).toMatch(/^gitlab\+deploy-token-\d+$/);
    const apiList = `/api/v4/projects/${project.id}/packages`;
    expect((await call(apiList, { headers: { "DEPLOY-TOKEN": secret } })).status).toBe(200);

    const again = await b.get(url);
    expect(again.html).not.toContain(secret);
    expect(textOf(again.html)).toContain(`ci ${username} read_package_registry never`);
    const revokeUrl = again.html.match(/action="([^"]+\/revoke)"/)![1]!;
    expect((await b.post(revokeUrl, { authenticity_token: "pys-nope" })).status).toBe(403);
    const revoked = await b.post(revokeUrl, { authenticity_token: token });
    expect(revoked.status).toBe(303);
    expect(textOf((await b.get(url)).html)).toContain(`ci ${username} read_package_registry never revoked`);
    expect((await call(apiList, { headers: { "DEPLOY-TOKEN": secret } })).status).toBe(401);
  });

  it("refuses setting changes from a Developer, even with a valid CSRF token", async () => {
    const { project, url, developer } = await setup();
    const b = await signIn(developer.username);
    const token = csrfTokenIn((await b.get("/")).html);
    expect((await b.post(url, { authenticity_token: token, package_registry_access_level: "public" })).status).toBe(404);
    expect((await b.post(`${url}/deploy_tokens`, { authenticity_token: token, name: "x", scopes: "read_package_registry" })).status).toBe(404);
    const api = await (await call(`/api/v4/projects/${project.id}`, { token: developer.token })).json<any>();
    expect(api.package_registry_access_level).toBe("enabled");
  });
});
