// Issue 11 (item 3): a public group of 1,000 projects still answers group-level reads. Project ids are
// bound through json_each, not one parameter each (D1 allows 100), so these were 500s past 100 projects.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call } from "../../support/api";
import { createGroupWithProjects } from "../../support/many-projects";
import { PIP_ACCEPT, twineUpload } from "./helpers";

const PROJECTS = 1000;

describe("PyPI group level with 1,000 projects", () => {
  it("serves the index, a project page and a file download", async () => {
    const { group, projects } = await createGroupWithProjects(PROJECTS);
    const ids = projects.map((p) => p.id);
    expect(ids).toHaveLength(PROJECTS);

    // Two projects far apart hold the package: newest publish wins across the whole group.
    const first = ids[0]!;
    const last = ids[PROJECTS - 1]!;
    expect((await twineUpload(first, { name: "scale-pkg", version: "1.0", fileName: "scale_pkg-1.0.tar.gz" }, { token: ADMIN_TOKEN })).res.status).toBe(201);
    const { res, digests } = await twineUpload(last, { name: "scale-pkg", version: "2.0", fileName: "scale_pkg-2.0.tar.gz" }, { token: ADMIN_TOKEN });
    expect(res.status).toBe(201);

    const base = `/api/v4/groups/${group.id}/-/packages/pypi`;
    for (const auth of [{}, { token: ADMIN_TOKEN }]) {
      const index = await call(`${base}/simple/`, auth);
      expect(index.status).toBe(200);
      expect(await index.text()).toContain('<a href="scale-pkg/">scale-pkg</a>');
      const page = await call(`${base}/simple/scale-pkg/`, { ...auth, headers: { accept: PIP_ACCEPT } });
      expect(page.status).toBe(200);
      expect((await page.json<any>()).versions).toEqual(["1.0", "2.0"]);
      const file = await call(`${base}/files/${digests.sha256}/scale_pkg-2.0.tar.gz`, auth);
      expect(file.status).toBe(200);
      expect(await file.text()).toBe("contents of scale_pkg-2.0.tar.gz");
    }
  });
});
