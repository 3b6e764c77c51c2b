// D1 round trips of PyPI reads (test/support/counting-d1.ts): the simple index costs one round trip
// whether it lists one name or twenty; project pages and downloads are counted in test/contract.
import { describe, expect, it } from "vitest";
import { basic } from "../../support/api";
import { privateProject, roundTrips } from "../../support/read-costs";
import { PIP_ACCEPT, twineUpload } from "./helpers";

describe("PyPI round trips", () => {
  it("the simple index costs one round trip for 1 and for 20 names, at project and group level", async () => {
    const { group, project, developer } = await privateProject("pypi-rt");
    const auth = { authorization: basic("__token__", developer.token) };
    const upload = async (i: number) => {
      const { res } = await twineUpload(project.id, { name: `rt-name-${i}`, version: "1.0", fileName: `rt_name_${i}-1.0.tar.gz` }, { headers: auth });
      expect(res.status).toBe(201);
    };
    const indexes = [`/api/v4/projects/${project.id}/packages/pypi/simple/`, `/api/v4/groups/${group.id}/-/packages/pypi/simple/`];
    await upload(0);
    for (const path of indexes) {
      const one = await roundTrips(path, { ...auth, accept: PIP_ACCEPT });
      expect(JSON.parse(one.body).projects).toHaveLength(1);
      expect(one.trips).toBe(1);
    }
    for (let i = 1; i < 20; i++) await upload(i);
    for (const path of indexes) {
      const twenty = await roundTrips(path, { ...auth, accept: PIP_ACCEPT });
      expect(JSON.parse(twenty.body).projects).toHaveLength(20);
      expect(twenty.trips).toBe(1);
    }
  });
});
