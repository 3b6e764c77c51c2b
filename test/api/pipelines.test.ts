// The pipelines the Packages API reports: what a CI job token recorded, never an invented status or source
// (issue 13 item 7), for every package of a 100-package page (build records were read for the first 90 only).
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, createGroup, createProject, ok } from "../support/api";
import { seedPackage } from "../support/packages";

describe("pipelines in the Packages API", () => {
  it("reports the recorded pipeline of every package on a full page, with no invented status or source", async () => {
    const project = await createProject((await createGroup()).id);
    for (let i = 0; i < 100; i++) {
      await seedPackage(project.id, "generic", `p${String(i).padStart(3, "0")}`, "1.0.0", { "f.bin": "x" }, { buildInfo: { pipelineId: 1000 + i, ref: "main", sha: "abc", userId: null } });
    }
    const list = await ok(call(`/api/v4/projects/${project.id}/packages?per_page=100&order_by=name`, { token: ADMIN_TOKEN }));
    expect(list).toHaveLength(100);
    for (const [i, pkg] of list.entries()) {
      expect(pkg.pipelines, pkg.name).toHaveLength(1);
      expect(pkg.pipelines[0]).toMatchObject({ id: 1000 + i, ref: "main", sha: "abc", status: null, source: null });
    }
  });
});
