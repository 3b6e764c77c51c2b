// D1 round trips of Conan's reads (test/support/counting-d1.ts), with the token `conan remote login` gets: every
// read of `conan install` (v1 snapshots, digests, download URLs, files; v2 latest revisions, file lists, files)
// costs one round trip; `conan search` the same for one recipe as for twenty, at project and instance level.
import { describe, expect, it } from "vitest";
import { basic, call } from "../../support/api";
import { privateProject, roundTrips } from "../../support/read-costs";

describe("Conan round trips", () => {
  it("costs one round trip per authenticated read; search the same for 1 and 20 recipes", async () => {
    const { group, project, developer } = await privateProject("conan-rt");
    const v1 = `/api/v4/projects/${project.id}/packages/conan/v1`;
    const v2 = `/api/v4/projects/${project.id}/packages/conan/v2`;
    const login = await call(`${v1}/users/authenticate`, { headers: { authorization: basic(developer.username, developer.token) } });
    expect(login.status).toBe(200);
    const auth = { authorization: `Bearer ${await login.text()}` };
    const user = `${group.path}+${project.path}`;
    const put = async (path: string, body: string) => expect((await call(path, { method: "PUT", body, headers: auth })).status, path).toBe(200);
    const ref = (i: number) => `rt${i}/1.0/${user}/stable`;
    const publish = async (i: number) => put(`${v1}/files/${ref(i)}/0/export/conanfile.py`, `recipe ${i}`);
    await publish(0);
    await put(`${v1}/files/${ref(0)}/0/export/conanmanifest.txt`, "manifest");
    await put(`${v1}/files/${ref(0)}/0/package/pkg1/0/conaninfo.txt`, "[settings]\nos=Linux\n");
    await put(`${v1}/files/${ref(0)}/0/package/pkg1/0/conan_package.tgz`, "binary");
    const rrev = "b".repeat(32);
    await put(`${v2}/conans/rt0/2.0/_/_/revisions/${rrev}/files/conanfile.py`, "recipe v2");
    await put(`${v2}/conans/rt0/2.0/_/_/revisions/${rrev}/packages/pkg1/revisions/p1/files/conan_package.tgz`, "binary v2");

    for (const path of [
      `${v1}/conans/${ref(0)}`,
      `${v1}/conans/${ref(0)}/digest`,
      `${v1}/conans/${ref(0)}/download_urls`,
      `${v1}/conans/${ref(0)}/search`,
      `${v1}/conans/${ref(0)}/packages/pkg1`,
      `${v1}/conans/${ref(0)}/packages/pkg1/download_urls`,
      `${v1}/files/${ref(0)}/0/package/pkg1/0/conan_package.tgz`,
      `/api/v4/packages/conan/v1/conans/${ref(0)}/download_urls`,
      `/api/v4/packages/conan/v1/files/${ref(0)}/0/export/conanfile.py`,
      `${v2}/conans/rt0/2.0/_/_/latest`,
      `${v2}/conans/rt0/2.0/_/_/revisions/${rrev}/files`,
      `${v2}/conans/rt0/2.0/_/_/revisions/${rrev}/packages/pkg1/latest`,
      `${v2}/conans/rt0/2.0/_/_/revisions/${rrev}/packages/pkg1/revisions/p1/files/conan_package.tgz`,
    ]) {
      expect((await roundTrips(path, auth)).trips, path).toBe(1);
    }
    const searches = async (count: number) => {
      for (const path of [`${v1}/conans/search?q=rt*`, `${v2}/conans/search?q=${encodeURIComponent(`rt*@${user}/stable`)}`, `/api/v4/packages/conan/v1/conans/search?q=${encodeURIComponent(`rt*@${user}/stable`)}`, "/api/v4/packages/conan/v1/conans/search?q=rt*"]) {
        const found = await roundTrips(path, auth);
        expect(JSON.parse(found.body).results.filter((r: string) => r.endsWith(`@${user}/stable`)), path).toHaveLength(count);
        expect(found.trips, path).toBe(1);
      }
    };
    await searches(1);
    for (let i = 1; i < 20; i++) await publish(i);
    await searches(20);
  });
});
