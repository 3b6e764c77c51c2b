// Debian's group level in workerd: the group distributions API (roles, filters, update, delete), and the
// group repository signed with the group distribution's own key, listing its projects' packages.
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import * as openpgp from "openpgp";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import { countingD1 } from "../../support/counting-d1";
import { ADMIN_TOKEN, addMember, BASE, call, createGroup, createJobToken, createProject, createUser, unique } from "../../support/api";
import { createGroupWithProjects } from "../../support/many-projects";
import { controlText, deb } from "./debs";

const basic = (u: { username: string; token: string }) => ({ authorization: `Basic ${btoa(`${u.username}:${u.token}`)}` });
const form = "application/x-www-form-urlencoded";

async function seed() {
  const group = await createGroup(unique("debgroup"), { visibility: "private" });
  const [a, b] = [await createProject(group.id, { visibility: "private" }), await createProject(group.id, { visibility: "private" })];
  const [reporter, developer, maintainer, outsider] = [await createUser(), await createUser(), await createUser(), await createUser()];
  await addMember("groups", group.id, reporter.id, 20);
  await addMember("groups", group.id, developer.id, 30);
  await addMember("groups", group.id, maintainer.id, 40);
  const dists = `/api/v4/groups/${group.id}/-/debian_distributions`;
  const repo = `/api/v4/groups/${group.id}/-/packages/debian`;
  return { group, a, b, reporter, developer, maintainer, outsider, dists, repo };
}

async function publish(projectId: number, user: { username: string; token: string }, name: string, version: string, codename = "bookworm") {
  const res = await call(`/api/v4/projects/${projectId}/packages/debian/${name}_${version}_all.deb?distribution=${codename}&component=main`, {
    method: "PUT",
    body: await deb(controlText(name, version)),
    headers: { ...basic(user), "content-type": "application/vnd.debian.binary-package" },
  });
  expect(res.status).toBe(201);
}

describe("the group distributions API", () => {
  it("creates, lists, updates and deletes by group role, with GitLab's filters", async () => {
    const s = await seed();
    const post = (user: { username: string; token: string }, body: string) => call(s.dists, { method: "POST", body, headers: { ...basic(user), "content-type": form } });
    expect((await post(s.reporter, "codename=bookworm")).status).toBe(403);
    expect((await post(s.outsider, "codename=bookworm")).status).toBe(404);
    expect((await call(s.dists, { method: "POST", body: "codename=bookworm", headers: { "content-type": form } })).status).toBe(401);
    const created = await post(s.developer, "codename=bookworm&suite=stable&origin=Acme&label=Acme%20group");
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ codename: "bookworm", suite: "stable", origin: "Acme", components: ["main"], architectures: ["all", "amd64"] });
    expect((await post(s.developer, "codename=bookworm")).status).toBe(400);
    expect((await call(`${s.dists}?codename=trixie&suite=testing`, { method: "POST", headers: basic(s.developer) })).status).toBe(201);

    const listed = await call(s.dists, { headers: basic(s.reporter) });
    expect(listed.status).toBe(200);
    expect(listed.headers.get("x-total")).toBe("2");
    expect((await listed.json<{ codename: string }[]>()).map((d) => d.codename)).toEqual(["bookworm", "trixie"]);
    expect((await (await call(`${s.dists}?suite=testing`, { headers: basic(s.reporter) })).json<{ codename: string }[]>()).map((d) => d.codename)).toEqual(["trixie"]);
    expect((await call(s.dists, { headers: basic(s.outsider) })).status).toBe(404);

    const put = await call(`${s.dists}/bookworm`, { method: "PUT", body: "suite=oldstable&description=Group%20repo&architectures=amd64,arm64", headers: { ...basic(s.developer), "content-type": form } });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ codename: "bookworm", suite: "oldstable", origin: "Acme", description: "Group repo", architectures: ["all", "amd64", "arm64"] });
    // Clearing a field (JSON null) reads back as null.
    const cleared = await call(`${s.dists}/bookworm`, { method: "PUT", json: { origin: null }, headers: basic(s.developer) });
    expect(await cleared.json()).toMatchObject({ origin: null, suite: "oldstable" });

    const key = await call(`${s.dists}/bookworm/key.asc`, { headers: basic(s.reporter) });
    expect(key.status).toBe(200);
    expect(await key.text()).toContain("-----BEGIN PGP PUBLIC KEY BLOCK-----");

    expect((await call(`${s.dists}/trixie`, { method: "DELETE", headers: basic(s.developer) })).status).toBe(403);
    expect((await call(`${s.dists}/trixie`, { method: "DELETE", headers: basic(s.maintainer) })).status).toBe(202);
    expect((await call(`${s.dists}/trixie`, { headers: basic(s.maintainer) })).status).toBe(404);
    expect((await call(`${s.dists}/trixie`, { method: "DELETE", headers: basic(s.maintainer) })).status).toBe(404);
  });
});

describe("CI job tokens on the group distributions API", () => {
  it("act with their user's role on the group, as GitLab (Job-Token header; GroupPolicy judges the job's user)", async () => {
    const s = await seed();
    // The group's reporter may run jobs in project a (Developer there): on the group it is still a reporter.
    await addMember("projects", s.a.id, s.reporter.id, 30);
    const [developerJob, reporterJob, maintainerJob] = [
      await createJobToken(s.a.id, s.developer.token),
      await createJobToken(s.a.id, s.reporter.token),
      await createJobToken(s.b.id, s.maintainer.token),
    ];
    const job = (token: string) => ({ "JOB-TOKEN": token });
    expect((await call(`${s.dists}?codename=ci`, { method: "POST", headers: job(reporterJob.token) })).status).toBe(403);
    const created = await call(`${s.dists}?codename=ci&suite=stable`, { method: "POST", headers: job(developerJob.token) });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ codename: "ci", suite: "stable" });
    expect((await call(`${s.dists}/ci`, { headers: job(reporterJob.token) })).status).toBe(200);
    expect((await call(`${s.dists}/ci?label=CI`, { method: "PUT", headers: job(developerJob.token) })).status).toBe(200);
    expect((await call(`${s.dists}/ci`, { method: "DELETE", headers: job(developerJob.token) })).status).toBe(403);
    expect((await call(`${s.dists}/ci`, { method: "DELETE", headers: job(maintainerJob.token) })).status).toBe(202);

    // A job of a project elsewhere, whose user is no member of this private group, does not see it.
    const other = await createGroup(unique("debother"), { visibility: "private" });
    const otherProject = await createProject(other.id, { visibility: "private" });
    await addMember("projects", otherProject.id, s.outsider.id, 30);
    const outsiderJob = await createJobToken(otherProject.id, s.outsider.token);
    expect((await call(`${s.dists}?codename=x`, { method: "POST", headers: job(outsiderJob.token) })).status).toBe(404);
    expect((await call(s.dists, { headers: job(outsiderJob.token) })).status).toBe(404);
  });
});

describe("concurrent group writes", () => {
  it("create one distribution when the same codename is posted at once", async () => {
    const s = await seed();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => call(s.dists, { method: "POST", body: "codename=race", headers: { ...basic(s.developer), "content-type": form } }).then((r) => r.status)),
    );
    expect(results.filter((r) => r === 201)).toHaveLength(1);
    expect(results.filter((r) => r === 400)).toHaveLength(5);
    expect((await (await call(s.dists, { headers: basic(s.reporter) })).json<unknown[]>()).length).toBe(1);
  });
});

describe("the group repository", () => {
  it("is signed with the group distribution's key, lists the codename's packages of the group's public projects, and follows its updates", async () => {
    // GitLab: group.all_projects.public_only. A public group with a public and a private project.
    const group = await createGroup(unique("debpub"), { visibility: "public" });
    const [a, b] = [await createProject(group.id, { visibility: "public" }), await createProject(group.id, { visibility: "private" })];
    const [reporter, developer] = [await createUser(), await createUser()];
    await addMember("groups", group.id, reporter.id, 20);
    await addMember("groups", group.id, developer.id, 30);
    const s = { group, a, b, reporter, developer, dists: `/api/v4/groups/${group.id}/-/debian_distributions`, repo: `/api/v4/groups/${group.id}/-/packages/debian` };
    for (const p of [s.a, s.b]) {
      const res = await call(`/api/v4/projects/${p.id}/debian_distributions`, { method: "POST", body: "codename=bookworm", headers: { ...basic(s.developer), "content-type": form } });
      expect(res.status).toBe(201);
    }
    await publish(s.a.id, s.developer, "from-a", "1.0");
    await publish(s.b.id, s.developer, "from-b", "2.0");
    const auth = basic(s.reporter);

    // Without a group distribution of the codename: 404 for everything, as GitLab (DistributionsFinder.last!).
    for (const path of ["Release", "InRelease", "Release.gpg", "main/binary-amd64/Packages", "main/source/Sources"]) {
      expect((await call(`${s.repo}/dists/bookworm/${path}`, { headers: auth })).status, path).toBe(404);
    }

    const created = await call(s.dists, { method: "POST", body: "codename=bookworm&origin=Acme&label=Acme", headers: { ...basic(s.developer), "content-type": form } });
    expect(created.status).toBe(201);
    const inRelease = await (await call(`${s.repo}/dists/bookworm/InRelease`, { headers: auth })).text();
    const groupKey = await openpgp.readKey({ armoredKey: await (await call(`${s.dists}/bookworm/key.asc`, { headers: auth })).text() });
    const verified = await openpgp.verify({ message: await openpgp.readCleartextMessage({ cleartextMessage: inRelease }), verificationKeys: groupKey, expectSigned: true });
    expect(verified.data).toMatch(/^Origin: Acme\nLabel: Acme\nCodename: bookworm\n/);
    // A project's key does not verify the group's Release.
    const projectKey = await openpgp.readKey({ armoredKey: await (await call(`/api/v4/projects/${s.a.id}/debian_distributions/bookworm/key.asc`, { headers: basic(s.developer) })).text() });
    await expect(openpgp.verify({ message: await openpgp.readCleartextMessage({ cleartextMessage: inRelease }), verificationKeys: projectKey, expectSigned: true })).rejects.toThrow();

    // The reporter may read both projects, but only the public one's packages are listed; anonymous reads the same.
    for (const headers of [auth, {}]) {
      const packages = await (await call(`${s.repo}/dists/bookworm/main/binary-amd64/Packages`, { headers })).text();
      expect(packages).toContain(`Filename: pool/bookworm/${s.a.id}/f/from-a/1.0/from-a_1.0_all.deb`);
      expect(packages).not.toContain("from-b");
    }
    expect((await call(`${s.repo}/pool/bookworm/${s.a.id}/f/from-a/1.0/from-a_1.0_all.deb`, { headers: auth })).status).toBe(200);
    const detached = await (await call(`${s.repo}/dists/bookworm/Release.gpg`, { headers: auth })).text();
    const release = await (await call(`${s.repo}/dists/bookworm/Release`, { headers: auth })).text();
    await openpgp.verify({
      message: await openpgp.createMessage({ text: release }),
      signature: await openpgp.readSignature({ armoredSignature: detached }),
      verificationKeys: groupKey,
      expectSigned: true,
    });

    // The private project made public: its packages join the group repository at once.
    expect((await call(`/api/v4/projects/${s.b.id}`, { method: "PUT", token: ADMIN_TOKEN, json: { visibility: "public" } })).status).toBe(200);
    expect(await (await call(`${s.repo}/dists/bookworm/main/binary-amd64/Packages`, { headers: auth })).text()).toContain(`Filename: pool/bookworm/${s.b.id}/f/from-b/2.0/from-b_2.0_all.deb`);

    // The group distribution's fields change with no project revision moving: the next Release has them.
    await call(`${s.dists}/bookworm`, { method: "PUT", body: "label=Renamed", headers: { ...basic(s.developer), "content-type": form } });
    expect(await (await call(`${s.repo}/dists/bookworm/Release`, { headers: auth })).text()).toContain("Label: Renamed\n");
    // A project distribution of another codename does not leak in.
    expect((await call(`${s.repo}/dists/trixie/Release`, { headers: auth })).status).toBe(404);
  });

  it("of a private group lists nothing (it has no public projects), but still answers with the group distribution", async () => {
    const s = await seed();
    expect((await call(`/api/v4/projects/${s.a.id}/debian_distributions`, { method: "POST", body: "codename=bookworm", headers: { ...basic(s.developer), "content-type": form } })).status).toBe(201);
    await publish(s.a.id, s.developer, "hidden-one", "1.0");
    expect((await call(s.dists, { method: "POST", body: "codename=bookworm", headers: { ...basic(s.developer), "content-type": form } })).status).toBe(201);
    const res = await call(`${s.repo}/dists/bookworm/main/binary-amd64/Packages`, { headers: basic(s.reporter) });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    expect((await call(`${s.repo}/dists/bookworm/InRelease`, { headers: basic(s.reporter) })).status).toBe(200);
    expect((await call(`${s.repo}/dists/bookworm/Release`)).status).toBe(401);
  });
});

describe("a group with thousands of projects", () => {
  /** D1 round trips of one group index request (the app with a counting D1), after the indexes are kept. */
  async function statementsFor(groupId: number) {
    const path = `/api/v4/groups/${groupId}/-/packages/debian/dists/bookworm/main/binary-amd64/Packages`;
    const run = async () => {
      const counter = countingD1(env.DB);
      const ctx = createExecutionContext();
      const res = await createApp().fetch(new Request(`${BASE}${path}`, { headers: { "PRIVATE-TOKEN": ADMIN_TOKEN } }), { ...env, DB: counter.d1 }, ctx);
      const text = await res.text();
      await waitOnExecutionContext(ctx);
      return { status: res.status, text, statements: counter.count.total };
    };
    const miss = await run();
    const hit = await run();
    return { miss, hit };
  }

  async function withPackage(groupId: number, projectId: number, name: string) {
    const admin = { "PRIVATE-TOKEN": ADMIN_TOKEN };
    expect((await call(`/api/v4/projects/${projectId}/debian_distributions?codename=bookworm`, { method: "POST", headers: admin })).status).toBe(201);
    const put = await call(`/api/v4/projects/${projectId}/packages/debian/${name}_1.0_all.deb?distribution=bookworm&component=main`, {
      method: "PUT",
      body: await deb(controlText(name, "1.0")),
      headers: { ...admin, "content-type": "application/vnd.debian.binary-package" },
    });
    expect(put.status).toBe(201);
    expect((await call(`/api/v4/groups/${groupId}/-/debian_distributions?codename=bookworm`, { method: "POST", headers: admin })).status).toBe(201);
  }

  it("lists their packages in the same number of D1 statements as a group of two", async () => {
    const big = await createGroupWithProjects(1500);
    const last = big.projects[big.projects.length - 1]!;
    await withPackage(big.group.id, last.id, "far-away");
    const small = await createGroup(unique("debsmall"));
    const [p] = [await createProject(small.id, { visibility: "public" }), await createProject(small.id, { visibility: "public" })];
    await withPackage(small.id, p.id, "close-by");

    const [bigRun, smallRun] = [await statementsFor(big.group.id), await statementsFor(small.id)];
    expect(bigRun.miss.status).toBe(200);
    expect(bigRun.miss.text).toContain(`Filename: pool/bookworm/${last.id}/f/far-away/1.0/far-away_1.0_all.deb`);
    expect(smallRun.miss.text).toContain("Package: close-by\n");
    expect(bigRun.miss.statements).toBe(smallRun.miss.statements);
    expect(bigRun.hit.statements).toBe(smallRun.hit.statements);
    expect(bigRun.hit.statements).toBeLessThan(bigRun.miss.statements);
  }, 60_000);
});
