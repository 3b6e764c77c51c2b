// D1 round trips of RubyGems' reads (test/support/counting-d1.ts): /versions, /names and the specs indexes
// cost one round trip for one gem as for twenty (every gem in one read); /info/<gem>, quick gemspecs, .gem
// files (a name with dashes: several candidate splits) and Bundler's dependency API cost one.
import { describe, expect, it } from "vitest";
import { basic } from "../../support/api";
import { privateProject, roundTrips } from "../../support/read-costs";
import { buildGem, push } from "./gems";

describe("RubyGems round trips", () => {
  it("costs one round trip per authenticated read; the whole-project documents the same for 1 and 20 gems", async () => {
    const { project, developer } = await privateProject("gems-rt");
    const auth = { authorization: basic("__token__", developer.token) };
    const base = `/api/v4/projects/${project.id}/packages/rubygems`;
    const publish = async (i: number) => expect((await push(project.id, await buildGem({ name: `rt-gem-${i}`, version: "1.0.0" }), developer.token)).status).toBe(201);
    const documents = async (count: number) => {
      const versions = await roundTrips(`${base}/versions`, auth);
      expect(versions.body.split("\n").filter((l) => l.startsWith("rt-gem-"))).toHaveLength(count);
      expect(versions.trips).toBe(1);
      const names = await roundTrips(`${base}/names`, auth);
      expect(names.body.split("\n").filter((l) => l.startsWith("rt-gem-"))).toHaveLength(count);
      expect(names.trips).toBe(1);
      for (const file of ["specs.4.8.gz", "latest_specs.4.8.gz", "prerelease_specs.4.8.gz"]) expect((await roundTrips(`${base}/${file}`, auth)).trips, file).toBe(1);
    };
    await publish(0);
    await documents(1);
    for (const path of [`info/rt-gem-0`, `quick/Marshal.4.8/rt-gem-0-1.0.0.gemspec.rz`, `gems/rt-gem-0-1.0.0.gem`, `api/v1/dependencies?gems=rt-gem-0,rt-gem-1,none`]) {
      expect((await roundTrips(`${base}/${path}`, auth)).trips, path).toBe(1);
    }
    for (let i = 1; i < 20; i++) await publish(i);
    await documents(20);
    const deps = await roundTrips(`${base}/api/v1/dependencies?gems=rt-gem-0,rt-gem-1,none`, auth);
    expect(deps.trips).toBe(1);
  });
});
