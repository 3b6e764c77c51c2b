// D1 round trips of every format's reads, counted by an instrumented D1 binding (test/support/counting-d1.ts):
// an authenticated download or metadata read costs one (credential, roles, project or group and package rows in
// one batch), an anonymous miss one, an anonymous edge-cache hit none. A format joins through CONTRACT_FORMATS.
import { beforeAll, describe, expect, it } from "vitest";
import { fetchCounted } from "../support/counting-d1";
import { publish } from "./checks";
import { createFixture, type Fixture } from "./fixtures";
import { CONTRACT_FORMATS } from "./formats";
import type { ContractFormat, Level } from "./types";

let fx: Fixture;
beforeAll(async () => {
  fx = await createFixture({});
}, 60_000);

function readsOf(format: ContractFormat, level: Level, v: Parameters<ContractFormat["downloadPath"]>[1], sha256: string) {
  return [
    { kind: "download", path: format.downloadPath(level, v, sha256), headers: {} as Record<string, string> },
    ...(format.metadata ? [{ kind: "metadata", path: format.metadata.path(level, v), headers: format.metadata.headers }] : []),
  ];
}

for (const format of CONTRACT_FORMATS) {
  describe(`${format.packageType} round trips`, () => {
    it("costs one round trip for an authenticated download or metadata read, one for an anonymous miss and none for a hit", async () => {
      const problems: string[] = [];
      for (const kind of ["private", "public"] as const) {
        const tenant = fx.tenants[kind];
        const published = await publish(format, tenant.project.id, fx.developer);
        // The fixture's Developer is a member of the private project, not of its private group.
        const atGroup = format.groupLevel && kind === "public";
        const levels: Level[] = [{ kind: "project", id: tenant.project.id }, ...(atGroup ? [{ kind: "group", id: tenant.group.id } as const] : [])];
        for (const level of levels) {
          for (const read of readsOf(format, level, published.v, published.digests.sha256)) {
            const where = `${kind} ${level.kind} ${read.kind} ${read.path}`;
            if (kind === "private") {
              const signedIn = await fetchCounted(read.path, { headers: { ...read.headers, ...format.credentials(fx.developer) } });
              if (signedIn.status !== 200) problems.push(`${where}: signed in, status ${signedIn.status}`);
              else if (signedIn.roundTrips.total !== 1) problems.push(`${where}: signed in, ${signedIn.roundTrips.total} round trips`);
              continue;
            }
            const miss = await fetchCounted(read.path, { headers: read.headers });
            if (miss.status !== 200) problems.push(`${where}: anonymous, status ${miss.status}`);
            else if (miss.roundTrips.total > 1) problems.push(`${where}: anonymous miss, ${miss.roundTrips.total} round trips`);
            const hit = await fetchCounted(read.path, { headers: read.headers });
            if (hit.response.headers.get("x-packyard-cache") !== "HIT") problems.push(`${where}: anonymous, second read not a HIT`);
            else if (hit.roundTrips.total !== 0) problems.push(`${where}: anonymous hit, ${hit.roundTrips.total} round trips`);
          }
        }
      }
      expect(problems).toEqual([]);
    });
  });
}
