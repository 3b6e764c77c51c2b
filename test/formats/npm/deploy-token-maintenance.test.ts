// As in GitLab (ProjectPolicy: a write_package_registry deploy token holds destroy_package), a write deploy
// token may deprecate npm versions and remove dist-tags; a read token may not, and neither may write a
// protected package (the coordinator's protection rules).
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, createDeployToken, ok } from "../../support/api";
import { escaped, groupPrefix, npmCall, projectPrefix, publish, seedNpmProject } from "./support";

async function deprecate(prefix: string, name: string, version: string, bearer: string, message: string) {
  const packument = (await (await npmCall(`${prefix}/${escaped(name)}?write=true`, { bearer })).json()) as any;
  packument.versions[version].deprecated = message;
  return npmCall(`${prefix}/${escaped(name)}`, { method: "PUT", bearer, json: packument });
}

describe("npm deprecate and dist-tag rm with deploy tokens", () => {
  it("lets a write_package_registry deploy token deprecate and remove dist-tags at project and group level", async () => {
    const { project, group, developer, scope } = await seedNpmProject();
    const prefix = projectPrefix(project.id);
    const name = `${scope}/kept`;
    await publish(prefix, name, "1.0.0", developer.token);
    await publish(prefix, name, "1.1.0", developer.token, { tag: "next" });
    const write = await createDeployToken("projects", project.id, ["write_package_registry"]);
    const read = await createDeployToken("projects", project.id, ["read_package_registry"]);

    expect((await deprecate(prefix, name, "1.0.0", read.token, "old")).status).toBe(403);
    expect((await deprecate(prefix, name, "1.0.0", write.token, "old")).status).toBe(200);
    const packument = (await (await npmCall(`${prefix}/${escaped(name)}`, { bearer: developer.token })).json()) as any;
    expect(packument.versions["1.0.0"].deprecated).toBe("old");

    const tag = `${prefix}/-/package/${escaped(name)}/dist-tags/next`;
    expect((await npmCall(tag, { method: "DELETE", bearer: read.token })).status).toBe(403);
    expect((await npmCall(tag, { method: "DELETE", bearer: write.token })).status).toBe(204);
    const tags = (await (await npmCall(`${prefix}/-/package/${escaped(name)}/dist-tags`, { bearer: developer.token })).json()) as any;
    expect(tags).toEqual({ latest: "1.0.0" });

    // A group deploy token, through the group endpoint.
    const groupToken = await createDeployToken("groups", group.id, ["write_package_registry"]);
    expect((await deprecate(groupPrefix(group.id), name, "1.1.0", groupToken.token, "older")).status).toBe(200);
    // Unpublishing stays with Maintainers.
    expect((await npmCall(`${prefix}/${escaped(name)}/-rev/1`, { method: "DELETE", bearer: write.token })).status).toBe(403);
  });

  it("refuses a deploy token's deprecate and dist-tag rm on a protected package", async () => {
    const { project, developer, maintainer, scope } = await seedNpmProject();
    const prefix = projectPrefix(project.id);
    const name = `${scope}/guarded`;
    await publish(prefix, name, "1.0.0", developer.token);
    await publish(prefix, name, "1.1.0", developer.token, { tag: "next" });
    await ok(call(`/api/v4/projects/${project.id}/packages/protection/rules`, { method: "POST", token: ADMIN_TOKEN, json: { package_name_pattern: `${scope}/guarded`, package_type: "npm", minimum_access_level_for_push: "maintainer" } }), 201);
    const write = await createDeployToken("projects", project.id, ["write_package_registry"]);
    expect((await deprecate(prefix, name, "1.0.0", write.token, "old")).status).toBe(403);
    expect((await npmCall(`${prefix}/-/package/${escaped(name)}/dist-tags/next`, { method: "DELETE", bearer: write.token })).status).toBe(403);
    expect((await deprecate(prefix, name, "1.0.0", maintainer.token, "old")).status).toBe(200);
  });
});
