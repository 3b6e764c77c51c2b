// npm dist-tag, deprecate, unpublish, search and audit against the Worker, their permissions, and
// concurrent publishes through the coordinator.
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { escaped, groupPrefix, INSTALL_ACCEPT, INSTANCE_PREFIX, npmCall, projectPrefix, publish, seedNpmProject } from "./support";

const packument = async (prefix: string, name: string, token: string, query = "") =>
  (await (await npmCall(`${prefix}/${escaped(name)}${query}`, { bearer: token, headers: { accept: "application/json" } })).json()) as any;

describe("npm dist-tag", () => {
  it("lists, adds (204) and removes (204) tags; Maintainer removes, Developer adds", async () => {
    const { project, group, developer, maintainer, scope } = await seedNpmProject();
    const prefix = projectPrefix(project.id);
    const name = `${scope}/tags`;
    await publish(prefix, name, "1.0.0", developer.token);
    await publish(prefix, name, "2.0.0-beta.1", developer.token, { tag: "beta" });
    const tagsPath = `${prefix}/-/package/${escaped(name)}/dist-tags`;
    expect(await (await npmCall(tagsPath, { bearer: developer.token })).json()).toEqual({ latest: "1.0.0", beta: "2.0.0-beta.1" });

    const add = await npmCall(`${tagsPath}/stable`, { method: "PUT", bearer: developer.token, body: JSON.stringify("1.0.0"), headers: { "content-type": "application/json" } });
    expect(add.status).toBe(204);
    expect(await (await npmCall(`${groupPrefix(group.id)}/-/package/${name}/dist-tags`, { bearer: developer.token })).json()).toEqual({ latest: "1.0.0", beta: "2.0.0-beta.1", stable: "1.0.0" });

    const unknownVersion = await npmCall(`${tagsPath}/stable`, { method: "PUT", bearer: developer.token, body: JSON.stringify("9.9.9") });
    expect(unknownVersion.status).toBe(404);
    expect((await npmCall(`${tagsPath}/stable`, { method: "PUT", bearer: developer.token, body: "{}" })).status).toBe(400);
    expect((await npmCall(`${tagsPath}/1.0.0`, { method: "PUT", bearer: developer.token, body: JSON.stringify("1.0.0") })).status).toBe(400);

    expect((await npmCall(`${tagsPath}/stable`, { method: "DELETE", bearer: developer.token })).status).toBe(403);
    expect((await npmCall(`${tagsPath}/stable`, { method: "DELETE", bearer: maintainer.token })).status).toBe(204);
    expect((await npmCall(`${tagsPath}/stable`, { method: "DELETE", bearer: maintainer.token })).status).toBe(404);
    expect((await packument(prefix, name, developer.token))["dist-tags"]).toEqual({ latest: "1.0.0", beta: "2.0.0-beta.1" });
    expect((await npmCall(`${prefix}/-/package/${escaped(`${scope}/none`)}/dist-tags`, { bearer: developer.token })).status).toBe(404);
  });
});

describe("npm deprecate", () => {
  it("sets status deprecated with the message, and an empty message undeprecates (Maintainer only)", async () => {
    const { project, developer, maintainer, scope } = await seedNpmProject();
    const prefix = projectPrefix(project.id);
    const name = `${scope}/old`;
    await publish(prefix, name, "1.0.0", developer.token);
    await publish(prefix, name, "1.1.0", developer.token);
    const doc = await packument(prefix, name, maintainer.token, "?write=true");
    doc.versions["1.0.0"].deprecated = "use 1.1.0";
    const put = (token: string, body: unknown) => npmCall(`${prefix}/${escaped(name)}`, { method: "PUT", bearer: token, json: body, headers: { "npm-command": "deprecate" } });
    expect((await put(developer.token, doc)).status).toBe(403);
    expect((await put(maintainer.token, doc)).status).toBe(200);

    const install = (await (await npmCall(`${prefix}/${escaped(name)}`, { bearer: developer.token, headers: { accept: INSTALL_ACCEPT } })).json()) as any;
    expect(install.versions["1.0.0"].deprecated).toBe("use 1.1.0");
    expect(install.versions["1.1.0"].deprecated).toBeUndefined();
    const listed = (await (await npmCall(`/api/v4/projects/${project.id}/packages?package_type=npm`, { bearer: maintainer.token })).json()) as any[];
    expect(listed.find((p) => p.version === "1.0.0").status).toBe("deprecated");

    const undo = await packument(prefix, name, maintainer.token, "?write=true");
    undo.versions["1.0.0"].deprecated = "";
    expect((await put(maintainer.token, undo)).status).toBe(200);
    expect((await packument(prefix, name, maintainer.token)).versions["1.0.0"].deprecated).toBeUndefined();
    const relisted = (await (await npmCall(`/api/v4/projects/${project.id}/packages?package_type=npm`, { bearer: maintainer.token })).json()) as any[];
    expect(relisted.find((p) => p.version === "1.0.0").status).toBe("default");
  });
});

describe("writes through group and instance prefixes", () => {
  it("deprecates and tags through the group and instance level, against the project holding the package", async () => {
    const { project, group, developer, maintainer, scope } = await seedNpmProject();
    const name = `${scope}/via-group`;
    await publish(projectPrefix(project.id), name, "1.0.0", developer.token);
    const doc = await packument(groupPrefix(group.id), name, maintainer.token, "?write=true");
    doc.versions["1.0.0"].deprecated = "gone";
    expect((await npmCall(`${groupPrefix(group.id)}/${escaped(name)}`, { method: "PUT", bearer: maintainer.token, json: doc })).status).toBe(200);
    expect((await packument(projectPrefix(project.id), name, maintainer.token)).versions["1.0.0"].deprecated).toBe("gone");
    const tag = await npmCall(`${INSTANCE_PREFIX}/-/package/${escaped(name)}/dist-tags/stable`, { method: "PUT", bearer: developer.token, json: "1.0.0" });
    expect(tag.status).toBe(204);
    expect((await packument(projectPrefix(project.id), name, maintainer.token))["dist-tags"]).toEqual({ latest: "1.0.0", stable: "1.0.0" });
    expect((await npmCall(`${INSTANCE_PREFIX}/-/package/${escaped(`${scope}/nothing`)}/dist-tags/stable`, { method: "PUT", bearer: developer.token, json: "1.0.0" })).status).toBe(404);
  });
});

describe("npm unpublish", () => {
  it("removes one version with PUT /-rev and DELETE of the tarball, then the whole package with DELETE /-rev", async () => {
    const { project, developer, maintainer, scope } = await seedNpmProject();
    const prefix = projectPrefix(project.id);
    const name = `${scope}/gone`;
    for (const v of ["1.0.0", "1.1.0", "1.2.0"]) await publish(prefix, name, v, developer.token);

    // npm unpublish @scope/gone@1.2.0: packument without the version, latest moved to 1.1.0
    const doc = await packument(prefix, name, maintainer.token, "?write=true");
    const tarball = new URL(doc.versions["1.2.0"].dist.tarball).pathname;
    delete doc.versions["1.2.0"];
    doc["dist-tags"].latest = "1.1.0";
    const rev = `${prefix}/${escaped(name)}/-rev/${doc._rev}`;
    expect((await npmCall(rev, { method: "PUT", bearer: developer.token, json: doc })).status).toBe(403);
    expect((await npmCall(rev, { method: "PUT", bearer: maintainer.token, json: doc })).status).toBe(200);
    const after = await packument(prefix, name, maintainer.token, "?write=true");
    expect(Object.keys(after.versions)).toEqual(["1.0.0", "1.1.0"]);
    expect(after["dist-tags"]).toEqual({ latest: "1.1.0" });
    // the tarball DELETE that follows: the version is already gone, so npm's tolerated 404
    expect((await npmCall(`${tarball}/-rev/${after._rev}`, { method: "DELETE", bearer: maintainer.token })).status).toBe(404);
    // a tarball DELETE on its own removes its version
    const t110 = new URL(after.versions["1.1.0"].dist.tarball).pathname;
    expect((await npmCall(`${t110}/-rev/${after._rev}`, { method: "DELETE", bearer: maintainer.token })).status).toBe(200);
    expect(Object.keys((await packument(prefix, name, maintainer.token)).versions)).toEqual(["1.0.0"]);

    const all = `${prefix}/${escaped(name)}/-rev/whatever`;
    expect((await npmCall(all, { method: "DELETE", bearer: developer.token })).status).toBe(403);
    expect((await npmCall(all, { method: "DELETE", bearer: maintainer.token })).status).toBe(200);
    expect((await npmCall(`${prefix}/${escaped(name)}`, { bearer: maintainer.token })).status).toBe(404);
    expect((await npmCall(all, { method: "DELETE", bearer: maintainer.token })).status).toBe(404);
    // and the name can be published again
    expect((await publish(prefix, name, "1.0.0", developer.token)).response.status).toBe(200);
  });
});

describe("npm search and audit", () => {
  it("finds packages by name words at project, group and scoped instance level", async () => {
    const { project, group, developer, scope } = await seedNpmProject();
    const prefix = projectPrefix(project.id);
    await publish(prefix, `${scope}/alpha-tool`, "1.0.0", developer.token, { manifest: { keywords: ["cli"] } });
    await publish(prefix, `${scope}/beta-lib`, "1.0.0", developer.token);
    const search = async (base: string, text: string) => (await (await npmCall(`${base}/-/v1/search?text=${encodeURIComponent(text)}&size=20`, { bearer: developer.token })).json()) as any;
    const names = (r: any) => r.objects.map((o: any) => o.package.name).sort();
    expect(names(await search(prefix, "alpha"))).toEqual([`${scope}/alpha-tool`]);
    expect(names(await search(groupPrefix(group.id), scope))).toEqual([`${scope}/alpha-tool`, `${scope}/beta-lib`]);
    expect(names(await search(INSTANCE_PREFIX, `${scope} cli`))).toEqual([`${scope}/alpha-tool`]);
    expect((await search(INSTANCE_PREFIX, "alpha")).objects).toEqual([]);
    const hit = (await search(prefix, "beta")).objects[0];
    expect(hit.package).toMatchObject({ name: `${scope}/beta-lib`, version: "1.0.0", description: `the ${scope}/beta-lib package` });
  });

  it("never reports a clean audit it did not make: 401 without credentials, GitLab's forwarding-off 404 otherwise", async () => {
    const { project, group, developer } = await seedNpmProject({ visibility: "public" });
    const bulk = (prefix: string, bearer?: string) => npmCall(`${prefix}/-/npm/v1/security/advisories/bulk`, { method: "POST", bearer, json: { left: ["1.0.0"] } });
    for (const prefix of [projectPrefix(project.id), groupPrefix(group.id), INSTANCE_PREFIX]) {
      expect((await bulk(prefix)).status, prefix).toBe(401);
      const res = await bulk(prefix, developer.token);
      expect(res.status, prefix).toBe(404);
      expect(((await res.json()) as any).error).toMatch(/forwarded only where npm request forwarding is on, so nothing was checked/);
    }
    const quick = await npmCall(`${projectPrefix(project.id)}/-/npm/v1/security/audits/quick`, { method: "POST", bearer: developer.token, json: {} });
    expect(quick.status).toBe(404);
  });

  it("answers unknown paths and methods in npm's shape", async () => {
    const { project, developer, scope } = await seedNpmProject();
    const unknown = await npmCall(`${projectPrefix(project.id)}/-/whoami`, { bearer: developer.token });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: expect.any(String) });
    expect((await npmCall(`${projectPrefix(project.id)}/${escaped(`${scope}/x`)}`, { method: "POST", bearer: developer.token })).status).toBe(405);
  });
});

describe("concurrent publishes through the coordinator", () => {
  it("keeps all 20 versions published at once", async () => {
    const { project, developer, scope } = await seedNpmProject();
    const prefix = projectPrefix(project.id);
    const name = `${scope}/busy`;
    const versions = Array.from({ length: 20 }, (_, i) => `1.0.${i}`);
    const results = await Promise.all(versions.map((v) => publish(prefix, name, v, developer.token)));
    expect(results.map((r) => r.response.status)).toEqual(versions.map(() => 200));
    expect(Object.keys((await packument(prefix, name, developer.token)).versions).sort()).toEqual([...versions].sort());
  });

  it("lets exactly one of two publishes of the same version win; the other is 403 and leaves no rows", async () => {
    const { project, developer, scope } = await seedNpmProject();
    const prefix = projectPrefix(project.id);
    const name = `${scope}/race`;
    const results = await Promise.all([publish(prefix, name, "1.0.0", developer.token), publish(prefix, name, "1.0.0", developer.token)]);
    expect(results.map((r) => r.response.status).sort()).toEqual([200, 403]);
    const winner = results.find((r) => r.response.status === 200)!;
    const doc = await packument(prefix, name, developer.token);
    expect(doc.versions["1.0.0"].dist.shasum).toBe(winner.shasum);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM package_files f JOIN packages p ON p.id = f.package_id WHERE p.project_id = ? AND p.name = ?").bind(project.id, name).first<{ n: number }>();
    expect(rows!.n).toBe(1);
    const loser = results.find((r) => r.response.status === 403)!;
    const orphan = await env.DB.prepare("SELECT count(*) AS n FROM blobs WHERE sha1 = ?").bind(loser.shasum).first<{ n: number }>();
    expect(orphan!.n).toBe(0);
  });
});
