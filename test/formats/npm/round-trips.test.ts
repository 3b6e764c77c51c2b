// D1 round trips of npm search (test/support/counting-d1.ts): every name and its dist-tags come with the
// access check, so a search costs one round trip for one package as for twenty, at project, group and
// scoped instance level; each hit still shows its own latest version.
import { describe, expect, it } from "vitest";
import { roundTrips } from "../../support/read-costs";
import { groupPrefix, INSTANCE_PREFIX, projectPrefix, publish, seedNpmProject } from "./support";

describe("npm search round trips", () => {
  it("costs one round trip for 1 and for 20 packages", async () => {
    const { project, group, developer, scope } = await seedNpmProject();
    const prefix = projectPrefix(project.id);
    const bearer = { authorization: `Bearer ${developer.token}` };
    const put = async (i: number, version = "1.0.0") => expect((await publish(prefix, `${scope}/rt-${i}`, version, developer.token)).response.status).toBe(200);
    const searches = async (count: number) => {
      for (const base of [prefix, groupPrefix(group.id), INSTANCE_PREFIX]) {
        const found = await roundTrips(`${base}/-/v1/search?text=${encodeURIComponent(`${scope} rt`)}&size=100`, bearer);
        const objects = JSON.parse(found.body).objects as { package: { name: string; version: string } }[];
        expect(objects, base).toHaveLength(count);
        expect(objects.find((o) => o.package.name === `${scope}/rt-0`)?.package.version).toBe("1.1.0");
        expect(found.trips, base).toBe(1);
      }
    };
    await put(0);
    await put(0, "1.1.0");
    await searches(1);
    for (let i = 1; i < 20; i++) await put(i, `2.0.${i}`);
    await searches(20);
  });
});
