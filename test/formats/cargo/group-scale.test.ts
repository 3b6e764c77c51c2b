// A public group of 1,000 projects still answers cargo's group-level reads (config.json, the index file, a
// download, search), anonymously and signed in: project ids are bound through json_each, never one each.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call } from "../../support/api";
import { createGroupWithProjects } from "../../support/many-projects";
import { cargoPublish, crateBytes, indexPath, rawAuth } from "./support";

describe("Cargo group level with 1,000 projects", () => {
  it("serves config.json, the index, a download and search", { timeout: 90_000 }, async () => {
    const { group, projects } = await createGroupWithProjects(1000);
    const first = projects[0]!;
    const last = projects[projects.length - 1]!;
    expect((await cargoPublish(first.id, { name: "scale-crate", vers: "1.0.0" }, crateBytes("first"), ADMIN_TOKEN)).status).toBe(200);
    const bytes = crateBytes("last");
    expect((await cargoPublish(last.id, { name: "scale-crate", vers: "2.0.0" }, bytes, ADMIN_TOKEN)).status).toBe(200);

    const base = `/api/v4/groups/${group.id}/-/packages/cargo`;
    for (const headers of [{}, rawAuth(ADMIN_TOKEN)]) {
      const config = await call(`${base}/index/config.json`, { headers });
      expect(config.status).toBe(200);
      const index = await call(`${base}/index/${indexPath("scale-crate")}`, { headers });
      expect(index.status).toBe(200);
      expect((await index.text()).trim().split("\n").map((l) => JSON.parse(l).vers)).toEqual(["1.0.0", "2.0.0"]);
      const download = await call(`${base}/api/v1/crates/scale-crate/2.0.0/download`, { headers });
      expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);
      const search = await call(`${base}/api/v1/crates?q=scale`, { headers });
      expect(await search.json()).toEqual({ crates: [{ name: "scale-crate", max_version: "2.0.0", description: "the scale-crate crate" }], meta: { total: 1 } });
    }
  });
});
