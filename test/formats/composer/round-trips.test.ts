// D1 round trips of Composer's reads (test/support/counting-d1.ts): packages.json (Composer 1 and 2), the
// provider list, p2 and v1 documents and dist archives cost one round trip each when authenticated; the
// root and the provider list cost the same for one package as for twenty (no read per name), and the v1
// documents the provider list hashes are the ones served.
import { describe, expect, it } from "vitest";
import { privateProject, roundTrips } from "../../support/read-costs";
import { digestsOf, groupPrefix, packageZip, projectPrefix, UA_COMPOSER_1, UA_COMPOSER_2, upload } from "./helpers";

const sha256 = async (text: string) => (await digestsOf(new TextEncoder().encode(text))).sha256;

describe("Composer round trips", () => {
  it("costs one round trip per authenticated read; packages.json and the provider list the same for 1 and 20 names", async () => {
    const { group, project, developer } = await privateProject("composer-rt");
    const auth = { "PRIVATE-TOKEN": developer.token };
    let archive = "";
    const publish = async (i: number) => {
      const zip = await packageZip({ name: `rt/pkg-${i}` });
      archive = (await digestsOf(zip)).sha256;
      expect((await upload(project.id, zip, { version: "1.0.0", token: developer.token })).status).toBe(201);
    };
    const prefixes = [projectPrefix(project.id), groupPrefix(group.id)];
    const indexes = async (count: number) => {
      for (const prefix of prefixes) {
        const c2 = await roundTrips(`${prefix}/packages.json`, { ...auth, "user-agent": UA_COMPOSER_2 });
        expect(JSON.parse(c2.body)["available-packages"]).toHaveLength(count);
        expect(c2.trips).toBe(1);
        const c1 = await roundTrips(`${prefix}/packages.json`, { ...auth, "user-agent": UA_COMPOSER_1 });
        expect(c1.trips).toBe(1);
        const providersSha = JSON.parse(c1.body)["provider-includes"]["p/%hash%.json"].sha256;
        const providers = await roundTrips(`${prefix}/p/${providersSha}.json`, { ...auth, "user-agent": UA_COMPOSER_1 });
        expect(providers.trips).toBe(1);
        const listed = JSON.parse(providers.body).providers as Record<string, { sha256: string }>;
        expect(Object.keys(listed)).toHaveLength(count);
        // Each name's hash is that of its own v1 document (the provider list reads all names at once).
        const v1 = await roundTrips(`${prefix}/rt/pkg-0$${listed["rt/pkg-0"]!.sha256}.json`, { ...auth, "user-agent": UA_COMPOSER_1 });
        expect(v1.trips).toBe(1);
        expect(await sha256(v1.body)).toBe(listed["rt/pkg-0"]!.sha256);
        expect(Object.keys(JSON.parse(v1.body).packages)).toEqual(["rt/pkg-0"]);
        expect((await roundTrips(`${prefix}/p2/rt/pkg-0.json`, { ...auth, "user-agent": UA_COMPOSER_2 })).trips).toBe(1);
      }
    };
    await publish(0);
    const download = await roundTrips(`${projectPrefix(project.id)}/archives/rt/pkg-0.zip?sha=${archive}`, auth);
    expect(download.trips).toBe(1);
    await indexes(1);
    for (let i = 1; i < 20; i++) await publish(i);
    await indexes(20);
  });
});
