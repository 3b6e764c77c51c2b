// D1 round trips of NuGet's reads (test/support/counting-d1.ts): a restore's registration, flat container and
// download requests, nuget 2.x's v2 feed (FindPackagesById, entries, downloads) and search cost one round trip
// each when authenticated; search and unfiltered v2 collections the same for one id as for twenty.
import { describe, expect, it } from "vitest";
import { privateProject, roundTrips } from "../../support/read-costs";
import { apiKey, basicAuth, buildNupkg, push } from "./support";

describe("NuGet round trips", () => {
  it("costs one round trip per authenticated read; search the same for 1 and 20 ids", async () => {
    const { group, project, developer } = await privateProject("nuget-rt");
    const auth = basicAuth(developer.token);
    const publish = async (i: number, version = "1.0.0") => expect((await push(project.id, await buildNupkg({ id: `Rt.Pkg${i}`, version }), apiKey(developer.token))).status).toBe(201);
    await publish(0);
    await publish(0, "1.1.0-Beta");
    const base = `/api/v4/projects/${project.id}/packages/nuget`;
    for (const path of [
      "/metadata/rt.pkg0/index.json",
      "/metadata/Rt.Pkg0/1.0.0.json",
      "/download/rt.pkg0/index.json",
      "/download/rt.pkg0/1.0.0/rt.pkg0.1.0.0.nupkg",
      "/download/rt.pkg0/1.1.0-beta/rt.pkg0.nuspec",
      "/v2/FindPackagesById()?id='Rt.Pkg0'",
      "/v2/Packages(Id='Rt.Pkg0',Version='1.1.0-BETA')",
      "/v2/download/rt.pkg0/1.0.0",
    ]) {
      expect((await roundTrips(`${base}${path}`, auth)).trips, path).toBe(1);
    }
    const searches = async (count: number) => {
      for (const prefix of [base, `/api/v4/groups/${group.id}/-/packages/nuget`]) {
        const search = await roundTrips(`${prefix}/query?q=rt.pkg&take=100`, auth);
        expect(JSON.parse(search.body).data).toHaveLength(count);
        expect(search.trips).toBe(1);
      }
      for (const path of ["/v2/Search()?searchTerm='rt'&includePrerelease=true", "/v2/Packages()", "/v2/Search()/$count?searchTerm='rt'"]) {
        expect((await roundTrips(`${base}${path}`, auth)).trips, path).toBe(1);
      }
    };
    await searches(1);
    for (let i = 1; i < 20; i++) await publish(i);
    await searches(20);
  });
});
