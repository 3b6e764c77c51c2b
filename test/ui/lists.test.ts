// Package list pages (home, project, group): content, search/filter/sort/pagination through the URL, and
// the same permissions as the API (private projects are 404 for outsiders, absent from group lists).
import { describe, expect, it } from "vitest";
import { addMember, createGroup, createProject, createUser } from "../support/api";
import { browser, d1Queries, seedPackage, signIn, textOf } from "./support";

const names = (html: string) => [...html.matchAll(/<a href="\/[^"]+\/-\/packages\/\d+">([^<]+)<\/a>/g)].map((m) => m[1]);
const versions = (html: string) => [...html.matchAll(/<td><code>([^<]+)<\/code><\/td>/g)].map((m) => m[1]);

describe("project package list", () => {
  it("shows a public project's packages to anonymous viewers with search, type filter, sort and pages", async () => {
    const group = await createGroup();
    const project = await createProject(group.id, { visibility: "public" });
    for (const [type, name, version] of [
      ["npm", "alpha", "1.0.0"],
      ["npm", "beta", "2.0.0"],
      ["pypi", "alphabet", "0.1.0"],
      ["generic", "gamma", "3.0.0"],
    ] as const) {
      await seedPackage(project.id, type, name, version);
    }
    const b = browser();
    const base = `/${project.path_with_namespace}/-/packages`;
    const all = await b.get(base);
    expect(all.status).toBe(200);
    expect(names(all.html)).toEqual(["gamma", "alphabet", "beta", "alpha"]); // newest first
    expect(textOf(all.html)).toContain("Showing 1–4 of 4 packages");

    expect(names((await b.get(`${base}?search=alpha`)).html)).toEqual(["alphabet", "alpha"]);
    expect(names((await b.get(`${base}?search=ALPHA&type=npm`)).html)).toEqual(["alpha"]);
    expect(names((await b.get(`${base}?order_by=name&sort=asc`)).html)).toEqual(["alpha", "alphabet", "beta", "gamma"]);
    expect(versions((await b.get(`${base}?order_by=version&sort=desc`)).html)).toEqual(["3.0.0", "2.0.0", "1.0.0", "0.1.0"]);
    expect(names((await b.get(`${base}?order_by=type&sort=asc&search=a`)).html).slice(0, 1)).toEqual(["gamma"]);
    const filtered = await b.get(`${base}?type=pypi`);
    expect(filtered.html).toMatch(/<option value="pypi" selected="">PyPI<\/option>/);
    expect(filtered.html).toContain('value="pypi"');
    expect(textOf((await b.get(`${base}?search=nothing-matches`)).html)).toContain("No packages match.");
  });

  it("paginates 20 per page with links that keep the search", async () => {
    const group = await createGroup();
    const project = await createProject(group.id, { visibility: "public" });
    for (let i = 0; i < 23; i++) await seedPackage(project.id, "generic", `pkg-${String(i).padStart(2, "0")}`, "1.0.0");
    const b = browser();
    const base = `/${project.path_with_namespace}/-/packages`;
    const first = await b.get(`${base}?search=pkg&order_by=name&sort=asc`);
    expect(names(first.html)).toHaveLength(20);
    expect(textOf(first.html)).toContain("Showing 1–20 of 23 packages");
    const next = first.html.match(/<a href="([^"]+)" rel="next">/)![1]!.replace(/&amp;/g, "&");
    expect(next).toBe(`${base}?search=pkg&order_by=name&sort=asc&page=2`);
    const second = await b.get(next);
    expect(names(second.html)).toEqual(["pkg-20", "pkg-21", "pkg-22"]);
    expect(textOf(second.html)).toContain("Page 2 of 2");
  });

  it("answers 404 for a private project to anonymous viewers and outsiders, without naming it", async () => {
    const group = await createGroup(undefined, { visibility: "private" });
    const project = await createProject(group.id, { visibility: "private" });
    await seedPackage(project.id, "npm", "secret-pkg", "1.0.0");
    const outsider = await createUser();
    const reporter = await createUser();
    await addMember("projects", project.id, reporter.id, 20);
    const path = `/${project.path_with_namespace}/-/packages`;

    for (const viewer of [browser(), await signIn(outsider.username)]) {
      const page = await viewer.get(path);
      expect(page.status).toBe(404);
      // The only place the path appears is the sign-in link's return_to, which the viewer typed.
      expect(textOf(page.html)).not.toContain(project.path);
      expect(page.html).not.toContain("secret-pkg");
      expect(page.res.headers.get("content-type")).toMatch(/text\/html/);
    }
    const member = await signIn(reporter.username);
    const allowed = await member.get(path);
    expect(allowed.status).toBe(200);
    expect(names(allowed.html)).toEqual(["secret-pkg"]);
    // An unknown project looks exactly like a private one.
    expect((await browser().get(`/${group.full_path}/no-such-project/-/packages`)).status).toBe(404);
  });

  it("shows packages of a private project with 'allow anyone to pull' to anonymous viewers", async () => {
    const group = await createGroup(undefined, { visibility: "private" });
    const project = await createProject(group.id, { visibility: "private", package_registry_access_level: "public" });
    await seedPackage(project.id, "npm", "open-pkg", "1.0.0");
    const page = await browser().get(`/${project.path_with_namespace}/-/packages`);
    expect(page.status).toBe(200);
    expect(names(page.html)).toEqual(["open-pkg"]);
  });

  it("explains a disabled registry to members and links Maintainers to the settings", async () => {
    const group = await createGroup();
    const project = await createProject(group.id, { visibility: "public", package_registry_access_level: "disabled" });
    const path = `/${project.path_with_namespace}/-/packages`;
    const page = await browser().get(path);
    expect(page.status).toBe(403);
    expect(textOf(page.html)).toContain("The package registry is disabled for this project.");
    expect(page.html).not.toContain("/-/settings/packages");
    const maintainer = await createUser();
    await addMember("projects", project.id, maintainer.id, 40);
    const asMaintainer = await (await signIn(maintainer.username)).get(path);
    expect(asMaintainer.status).toBe(403);
    expect(asMaintainer.html).toContain(`href="/${project.path_with_namespace}/-/settings/packages"`);
  });
});

describe("home page", () => {
  it("lists public packages for everyone and adds private ones the signed-in user may read", async () => {
    const user = await createUser();
    const group = await createGroup(undefined, { visibility: "private" });
    const open = await createProject((await createGroup()).id, { visibility: "public" });
    const closed = await createProject(group.id, { visibility: "private" });
    const tag = `home${Date.now().toString(36)}`;
    await seedPackage(open.id, "npm", `${tag}-public`, "1.0.0");
    await seedPackage(closed.id, "npm", `${tag}-private`, "1.0.0");
    await addMember("groups", group.id, user.id, 20);

    const anonymous = await browser().get(`/?search=${tag}`);
    expect(names(anonymous.html)).toEqual([`${tag}-public`]);
    const member = await (await signIn(user.username)).get(`/?search=${tag}&order_by=name&sort=asc`);
    expect(names(member.html)).toEqual([`${tag}-private`, `${tag}-public`]);
    expect(textOf(member.html)).toContain(`Signed in as ${user.username}`);
  });
});

describe("group package list", () => {
  it("includes readable projects of subgroups, leaves out private ones the viewer cannot read, and sorts by project", async () => {
    const root = await createGroup(undefined, { visibility: "public" });
    const sub = await createGroup(`sub-${Date.now().toString(36)}`, { visibility: "public", parent_id: root.id });
    const a = await createProject(root.id, { visibility: "public", path: "a-proj", name: "a-proj" });
    const b = await createProject(sub.id, { visibility: "public", path: "b-proj", name: "b-proj" });
    const hidden = await createProject(root.id, { visibility: "private", path: "z-secret", name: "z-secret" });
    await seedPackage(a.id, "npm", "from-a", "1.0.0");
    await seedPackage(b.id, "pypi", "from-b", "1.0.0");
    await seedPackage(hidden.id, "npm", "from-hidden", "1.0.0");
    const developer = await createUser();
    await addMember("projects", hidden.id, developer.id, 30);

    const path = `/groups/${root.full_path}/-/packages`;
    const anonymous = await browser().get(`${path}?order_by=project_path&sort=asc`);
    expect(anonymous.status).toBe(200);
    expect(names(anonymous.html)).toEqual(["from-a", "from-b"]);
    expect(anonymous.html).not.toContain("z-secret");
    expect(anonymous.html).toContain(`>${b.path_with_namespace}</a>`);

    const member = await (await signIn(developer.username)).get(`${path}?order_by=project_path&sort=desc`);
    expect(names(member.html)).toEqual(["from-hidden", "from-b", "from-a"]); // root/z-secret > root/sub-…/b-proj > root/a-proj
    expect(names((await browser().get(`${path}?type=pypi`)).html)).toEqual(["from-b"]);
  });

  it("answers 404 for a private group to anonymous viewers", async () => {
    const group = await createGroup(undefined, { visibility: "private" });
    const page = await browser().get(`/groups/${group.full_path}/-/packages`);
    expect(page.status).toBe(404);
    expect(textOf(page.html)).not.toContain(group.full_path);
  });
});

describe("query budget", () => {
  it("renders each list page with a handful of D1 statements whatever the number of rows", async () => {
    const group = await createGroup();
    const project = await createProject(group.id, { visibility: "public" });
    for (let i = 0; i < 25; i++) await seedPackage(project.id, "npm", `q-${i}`, "1.0.0");
    const b = browser();
    const list = await b.get(`/${project.path_with_namespace}/-/packages`);
    // At least the lookup and the list: the page's registry context is the one whose D1 counts statements.
    expect(d1Queries(list.res)).toBeGreaterThanOrEqual(2);
    expect(d1Queries(list.res)).toBeLessThanOrEqual(4);
    const groupList = await b.get(`/groups/${group.full_path}/-/packages`);
    expect(d1Queries(groupList.res)).toBeGreaterThanOrEqual(2);
    expect(d1Queries(groupList.res)).toBeLessThanOrEqual(6);
    expect(d1Queries((await b.get("/")).res)).toBeLessThanOrEqual(4);
  });
});
