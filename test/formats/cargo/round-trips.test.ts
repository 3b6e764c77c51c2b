// D1 round trips of cargo's reads (test/support/counting-d1.ts): config.json, the index file of a crate, a
// download, `cargo owner --list` and `cargo search` cost one each when authenticated, and search costs the
// same for one crate as for twenty.
import { describe, expect, it } from "vitest";
import { privateProject, roundTrips } from "../../support/read-costs";
import { cargoPrefix, cargoPublish, crateBytes, indexPath, rawAuth } from "./support";

describe("cargo round trips", () => {
  it("costs one round trip per authenticated read; search the same for 1 and 20 crates", async () => {
    const { group, project, developer } = await privateProject("cargo-rt");
    const auth = rawAuth(developer.token);
    const publish = async (i: number) => expect((await cargoPublish(project.id, { name: `rt_crate_${i}`, vers: "1.0.0" }, crateBytes(`rt ${i}`), developer.token)).status).toBe(200);
    await publish(0);
    const prefixes = [cargoPrefix(project.id), `/api/v4/groups/${group.id}/-/packages/cargo`];
    for (const prefix of prefixes) {
      for (const path of [
        `${prefix}/index/config.json`,
        `${prefix}/index/${indexPath("rt_crate_0")}`,
        `${prefix}/api/v1/crates/rt_crate_0/1.0.0/download`,
        `${prefix}/api/v1/crates/rt_crate_0/owners`,
      ]) {
        expect((await roundTrips(path, auth)).trips, path).toBe(1);
      }
      const one = await roundTrips(`${prefix}/api/v1/crates?q=rt&per_page=100`, auth);
      expect(JSON.parse(one.body).crates).toHaveLength(1);
      expect(one.trips).toBe(1);
    }
    for (let i = 1; i < 20; i++) await publish(i);
    for (const prefix of prefixes) {
      const twenty = await roundTrips(`${prefix}/api/v1/crates?q=rt&per_page=100`, auth);
      expect(JSON.parse(twenty.body).crates).toHaveLength(20);
      expect(twenty.trips).toBe(1);
    }
  });
});
