// D1 round trips of apt's reads (test/support/counting-d1.ts): Release, InRelease and the indexes cost one
// round trip when the built indexes are cached for the scope's revisions (every read after the first since
// the last change), two when they are built (the distribution comes with the access check, its files are
// one more query however many packages it holds); a pool download costs one. At group level too: the group's
// own distribution is read in the same batch.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call } from "../../support/api";
import { fetchCounted } from "../../support/counting-d1";
import { privateProject, roundTrips } from "../../support/read-costs";
import { controlText, deb } from "./debs";

describe("Debian round trips", () => {
  it("costs one round trip per authenticated read of a built repository, two for the build", async () => {
    const { group, project, developer } = await privateProject("deb-rt");
    const auth = { authorization: `Basic ${btoa(`${developer.username}:${developer.token}`)}` };
    const repo = `/api/v4/projects/${project.id}/packages/debian`;
    const created = await call(`/api/v4/projects/${project.id}/debian_distributions`, {
      method: "POST",
      body: "codename=rtdist&components[]=main&architectures[]=amd64",
      headers: { ...auth, "content-type": "application/x-www-form-urlencoded" },
    });
    expect(created.status).toBe(201);
    const put = async (name: string) =>
      expect(
        (await call(`${repo}/${name}_1.0_all.deb?distribution=rtdist&component=main`, { method: "PUT", body: await deb(controlText(name, "1.0")), headers: { ...auth, "content-type": "application/vnd.debian.binary-package" } }))
          .status,
      ).toBe(201);
    const build = async (count: number) => {
      const release = await roundTrips(`${repo}/dists/rtdist/Release`, auth);
      expect(release.trips).toBe(2);
      for (const path of ["Release", "InRelease", "main/binary-amd64/Packages", "main/binary-amd64/Packages.gz"]) {
        const res = await fetchCounted(`${repo}/dists/rtdist/${path}`, { headers: auth });
        expect([200, 404], path).toContain(res.status); // InRelease is a 404 without a signing key
        expect(res.roundTrips.total, path).toBe(1);
        if (path === "main/binary-amd64/Packages") expect(res.body.match(/^Package: /gm)).toHaveLength(count);
      }
    };
    await put("rtpkg0");
    await build(1);
    expect((await roundTrips(`${repo}/pool/rtdist/r/rtpkg0/1.0/rtpkg0_1.0_all.deb`, auth)).trips).toBe(1);
    for (let i = 1; i < 20; i++) await put(`rtpkg${i}`);
    await build(20);
    // The group repository (public projects only): the group's own distribution comes in the same batch.
    const groupRepo = `/api/v4/groups/${group.id}/-/packages/debian`;
    expect((await roundTrips(`${groupRepo}/dists/rtdist/Release`, auth, 404)).trips).toBe(1);
    expect((await call(`/api/v4/projects/${project.id}`, { method: "PUT", token: ADMIN_TOKEN, json: { visibility: "public" } })).status).toBe(200);
    expect((await call(`/api/v4/groups/${group.id}/-/debian_distributions?codename=rtdist`, { method: "POST", token: ADMIN_TOKEN })).status).toBe(201);
    expect((await roundTrips(`${groupRepo}/dists/rtdist/Release`, auth)).trips).toBe(2);
    for (const path of ["Release", "main/binary-amd64/Packages"]) expect((await roundTrips(`${groupRepo}/dists/rtdist/${path}`, auth)).trips, path).toBe(1);
    expect((await roundTrips(`${groupRepo}/dists/rtdist/main/binary-amd64/Packages`, auth)).body.match(/^Package: /gm)).toHaveLength(20);
    expect((await roundTrips(`${groupRepo}/pool/rtdist/${project.id}/r/rtpkg0/1.0/rtpkg0_1.0_all.deb`, auth)).trips).toBe(1);
  });
});
