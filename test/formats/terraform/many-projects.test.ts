// The module registry protocol in a top-level namespace of 1,000 projects (issue 11, finding 3: project ids are
// bound as one parameter): versions, download location and archive, anonymously and signed in, and an upload
// whose namespace check reads the whole namespace.
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN } from "../../support/api";
import { createGroupWithProjects } from "../../support/many-projects";
import { archiveText, archiveUrl, fetchArchive, terraformGet, upload, uploadPath, v1 } from "./support";

let group: { id: number; path: string };
let projects: { id: number }[];

beforeAll(async () => {
  const created = await createGroupWithProjects(1000);
  group = created.group;
  projects = created.projects;
  expect((await upload(uploadPath(projects[projects.length - 1]!.id, "big", "local", "1.0.0"), "big archive", { token: ADMIN_TOKEN })).status).toBe(201);
}, 120_000);

describe("a top-level namespace of 1,000 projects", () => {
  it("serves versions, the download location and the archive, anonymously and signed in", async () => {
    for (const token of [undefined, ADMIN_TOKEN]) {
      const versions = await terraformGet(`${v1(group.path, "big", "local")}/versions`, token);
      expect(versions.status).toBe(200);
      expect(((await versions.json()) as { modules: { versions: { version: string }[] }[] }).modules[0]!.versions.map((v) => v.version)).toEqual(["1.0.0"]);
      const download = await terraformGet(`${v1(group.path, "big", "local")}/1.0.0/download`, token);
      expect(download.status).toBe(204);
      const archive = await fetchArchive(archiveUrl(download));
      expect(await archiveText(archive)).toBe("big archive");
    }
  });

  it("refuses the name in another project of the namespace", async () => {
    const res = await upload(uploadPath(projects[0]!.id, "big", "local", "2.0.0"), "other", { token: ADMIN_TOKEN });
    expect(res.status).toBe(403);
  });
});
