// Rules that hold across the projects of a top-level namespace: a name and version published once per
// namespace (no shadowing at group or instance level), and instance-level answers that do not tell a
// private namespace from an unknown one.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, createGroup, createProject, createUser, unique } from "../../support/api";
import { escaped, INSTALL_ACCEPT, INSTANCE_PREFIX, npmCall, projectPrefix, publish, seedNpmProject } from "./support";

describe("npm names are unique per top-level namespace", () => {
  it("refuses a version another project of the namespace holds (403, GitLab's message), accepts a new version", async () => {
    const { group, project, developer, scope } = await seedNpmProject();
    const subgroup = await createGroup(unique("sub"), { parent_id: group.id, visibility: "private" });
    const other = await createProject(subgroup.id, { visibility: "private" });
    const outsider = await createUser();
    await addMember("projects", other.id, outsider.id, 30); // Developer of project B only
    const name = `${scope}/core`;
    expect((await publish(projectPrefix(project.id), name, "1.0.0", developer.token)).response.status).toBe(200);

    const shadow = await publish(projectPrefix(other.id), name, "1.0.0", outsider.token);
    expect(shadow.response.status).toBe(403);
    expect(await shadow.response.json()).toMatchObject({ error: "Package already exists" });
    expect((await publish(projectPrefix(other.id), name, "1.0.1", outsider.token)).response.status).toBe(200);

    // the instance level still serves project A's 1.0.0
    const doc = (await (await npmCall(`${INSTANCE_PREFIX}/${escaped(name)}`, { bearer: ADMIN_TOKEN, headers: { accept: INSTALL_ACCEPT } })).json()) as any;
    expect(Object.keys(doc.versions).sort()).toEqual(["1.0.0", "1.0.1"]);
  });

  it("lets exactly one of two concurrent publishes in two projects of the namespace win", async () => {
    const { group, project, scope } = await seedNpmProject();
    const second = await createProject(group.id, { visibility: "private" });
    const name = `${scope}/raced`;
    const results = await Promise.all([publish(projectPrefix(project.id), name, "2.0.0", ADMIN_TOKEN), publish(projectPrefix(second.id), name, "2.0.0", ADMIN_TOKEN)]);
    expect(results.map((r) => r.response.status).sort()).toEqual([200, 403]);
  });

  it("allows the same name and version in another top-level namespace", async () => {
    const first = await seedNpmProject();
    const second = await seedNpmProject();
    const name = unique("plain").toLowerCase();
    expect((await publish(projectPrefix(first.project.id), name, "1.0.0", ADMIN_TOKEN)).response.status).toBe(200);
    expect((await publish(projectPrefix(second.project.id), name, "1.0.0", ADMIN_TOKEN)).response.status).toBe(200);
  });
});

describe("npm instance level: private and unknown namespaces answer alike", () => {
  it("401 for anonymous callers and 404 for signed-in outsiders, with the same body, on every endpoint", async () => {
    const hidden = await createGroup(unique("hidden"), { visibility: "private" });
    const project = await createProject(hidden.id, { visibility: "private" });
    const name = `@${hidden.path}/secret`;
    expect((await publish(projectPrefix(project.id), name, "1.0.0", ADMIN_TOKEN)).response.status).toBe(200);
    const unknown = `@${unique("nobody")}/secret`;
    const outsider = await createUser();

    const paths = (pkg: string) => [
      `${INSTANCE_PREFIX}/${escaped(pkg)}`,
      `${INSTANCE_PREFIX}/${pkg}/-/${pkg}-1.0.0.tgz`,
      `${INSTANCE_PREFIX}/-/package/${escaped(pkg)}/dist-tags`,
      `${INSTANCE_PREFIX}/-/v1/search?text=${encodeURIComponent(pkg.split("/")[0]!)}`,
    ];
    const answer = async (path: string, bearer?: string) => {
      const response = await npmCall(path, { bearer });
      return { status: response.status, challenge: response.headers.get("www-authenticate"), body: await response.json() };
    };
    for (const [i, path] of paths(name).entries()) {
      const unknownPath = paths(unknown)[i]!;
      const anonymous = await answer(path);
      expect(anonymous.status, path).toBe(401);
      expect(anonymous).toEqual(await answer(unknownPath));
      const signedIn = await answer(path, outsider.token);
      expect(signedIn.status, path).toBe(404);
      expect(signedIn).toEqual(await answer(unknownPath, outsider.token));
    }
    // writes too: a dist-tag for an outsider
    const tag = (pkg: string) => npmCall(`${INSTANCE_PREFIX}/-/package/${escaped(pkg)}/dist-tags/x`, { method: "PUT", bearer: outsider.token, json: "1.0.0" });
    const [privateTag, unknownTag] = await Promise.all([tag(name), tag(unknown)]);
    expect(privateTag.status).toBe(404);
    expect(await privateTag.json()).toEqual(await unknownTag.json());
  });
});
