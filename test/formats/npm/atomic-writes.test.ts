// npm's multi-step writes are single coordinator commits decided by npm's planners: an unpublish PUT is
// all-or-nothing, and deprecating many versions bumps the project's packages revision exactly once.
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { escaped, npmCall, projectPrefix, publish, seedNpmProject } from "./support";

const packument = async (prefix: string, name: string, token: string) =>
  (await (await npmCall(`${prefix}/${escaped(name)}?write=true`, { bearer: token, headers: { accept: "application/json" } })).json()) as any;

/** packages_revision is not in the Projects API; every committed batch bumps it by one. */
const revisionOf = async (projectId: number) =>
  (await env.DB.prepare("SELECT packages_revision AS r FROM projects WHERE id = ?").bind(projectId).first<{ r: number }>())!.r;

const rowsOf = (projectId: number, name: string) =>
  env.DB.prepare(
    "SELECT p.version, p.status, (SELECT group_concat(t.tag) FROM package_tags t WHERE t.package_id = p.id) AS tags FROM packages p WHERE p.project_id = ? AND p.name = ? ORDER BY p.version",
  )
    .bind(projectId, name)
    .all()
    .then((r) => r.results);

describe("npm unpublish through the packument PUT", () => {
  it("removes several versions and moves and drops tags in one commit, or changes nothing when refused", async () => {
    const { project, developer, maintainer, scope } = await seedNpmProject();
    const prefix = projectPrefix(project.id);
    const name = `${scope}/atomic`;
    for (const v of ["1.0.0", "1.1.0", "1.2.0"]) await publish(prefix, name, v, developer.token);
    await publish(prefix, name, "1.3.0-beta.1", developer.token, { tag: "beta" });
    const before = await rowsOf(project.id, name);
    const revision = await revisionOf(project.id);

    // npm unpublish of 1.2.0 and the beta, latest moved back, beta dropped, 1.0.0 deprecated: plus a tag the
    // planner refuses (a semver-named dist-tag). The refusal comes after the other changes were decided.
    const doc = await packument(prefix, name, maintainer.token);
    delete doc.versions["1.2.0"];
    delete doc.versions["1.3.0-beta.1"];
    doc.versions["1.0.0"].deprecated = "too old";
    doc["dist-tags"] = { latest: "1.1.0", "9.9.9": "1.0.0" };
    const rev = `${prefix}/${escaped(name)}/-rev/${doc._rev}`;
    const refused = await npmCall(rev, { method: "PUT", bearer: maintainer.token, json: doc });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as any).error).toMatch(/dist-tag/);
    expect(await rowsOf(project.id, name)).toEqual(before);
    expect(await revisionOf(project.id)).toBe(revision);

    doc["dist-tags"] = { latest: "1.1.0" };
    expect((await npmCall(rev, { method: "PUT", bearer: maintainer.token, json: doc })).status).toBe(200);
    expect(await rowsOf(project.id, name)).toEqual([
      { version: "1.0.0", status: "deprecated", tags: null },
      { version: "1.1.0", status: "default", tags: "latest" },
    ]);
    expect(await revisionOf(project.id)).toBe(revision + 1);
  });
});

describe("npm deprecate of many versions", () => {
  it("deprecates three versions in one commit: the packages revision grows by exactly one", async () => {
    const { project, developer, maintainer, scope } = await seedNpmProject();
    const prefix = projectPrefix(project.id);
    const name = `${scope}/many`;
    for (const v of ["1.0.0", "1.1.0", "1.2.0", "2.0.0"]) await publish(prefix, name, v, developer.token);
    const revision = await revisionOf(project.id);

    // npm deprecate '@scope/many@1' "use 2": one PUT of the packument with three versions marked
    const doc = await packument(prefix, name, maintainer.token);
    for (const v of ["1.0.0", "1.1.0", "1.2.0"]) doc.versions[v].deprecated = "use 2";
    expect((await npmCall(`${prefix}/${escaped(name)}`, { method: "PUT", bearer: maintainer.token, json: doc, headers: { "npm-command": "deprecate" } })).status).toBe(200);

    expect(await revisionOf(project.id)).toBe(revision + 1);
    const statuses = (await rowsOf(project.id, name)).map((r: any) => `${r.version}:${r.status}`);
    expect(statuses).toEqual(["1.0.0:deprecated", "1.1.0:deprecated", "1.2.0:deprecated", "2.0.0:default"]);
    const after = await packument(prefix, name, maintainer.token);
    expect(after.versions["1.1.0"].deprecated).toBe("use 2");
    expect(after.versions["2.0.0"].deprecated).toBeUndefined();

    // the same PUT again changes nothing, so it commits nothing
    expect((await npmCall(`${prefix}/${escaped(name)}`, { method: "PUT", bearer: maintainer.token, json: doc })).status).toBe(200);
    expect(await revisionOf(project.id)).toBe(revision + 1);
  });
});
