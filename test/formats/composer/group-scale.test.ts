// A public group of 1,000 projects still answers Composer's group-level reads (project ids are bound through
// json_each, one parameter for them all): packages.json, p2 metadata across projects, Composer 1's chain.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call } from "../../support/api";
import { createGroupWithProjects } from "../../support/many-projects";
import { groupPrefix, p2Versions, packageZip, UA_COMPOSER_1, UA_COMPOSER_2, upload } from "./helpers";

describe("Composer group level with 1,000 projects", () => {
  it("serves packages.json and p2 metadata from packages in projects far apart", { timeout: 90_000 }, async () => {
    const { group, projects } = await createGroupWithProjects(1000);
    const name = "acme/scale";
    expect((await upload(projects[0]!.id, await packageZip({ name }), { version: "1.0.0", token: ADMIN_TOKEN })).status).toBe(201);
    expect((await upload(projects[999]!.id, await packageZip({ name: "acme/scale-two" }), { version: "2.0.0", token: ADMIN_TOKEN })).status).toBe(201);
    const prefix = groupPrefix(group.id);
    for (const token of [undefined, ADMIN_TOKEN]) {
      const root = await call(`${prefix}/packages.json`, { token, headers: { "user-agent": UA_COMPOSER_2 } });
      expect(root.status).toBe(200);
      expect(((await root.json()) as { "available-packages": string[] })["available-packages"]).toEqual(["acme/scale", "acme/scale-two"]);
      const versions = await p2Versions(await call(`${prefix}/p2/acme/scale-two.json`, { token }), "acme/scale-two");
      expect(versions["2.0.0"].dist.url).toContain(`/projects/${projects[999]!.id}/packages/composer/archives/acme/scale-two.zip?sha=`);
      const v1 = await call(`${prefix}/packages.json`, { token, headers: { "user-agent": UA_COMPOSER_1 } });
      expect(v1.status).toBe(200);
    }
  });
});
