// D1 round trips of terraform's reads (test/support/counting-d1.ts): every step of `terraform init` against the
// module registry (versions, a version's details, the download redirect and its 204 with X-Terraform-Get) and
// the project endpoints cost one round trip when authenticated; the archive URL with its token costs none.
import { describe, expect, it } from "vitest";
import { roundTrips } from "../../support/read-costs";
import { archiveUrl, projectModule, seedModuleProject, upload, uploadPath, v1 } from "./support";

describe("terraform round trips", () => {
  it("costs one round trip per authenticated registry read, none for the tokened archive", async () => {
    const { group, project, developer } = await seedModuleProject();
    expect((await upload(uploadPath(project.id, "rt", "local", "1.0.0"), "archive 1", { token: developer.token })).status).toBe(201);
    expect((await upload(uploadPath(project.id, "rt", "local", "1.1.0"), "archive 2", { token: developer.token })).status).toBe(201);
    const bearer = { authorization: `Bearer ${developer.token}` };
    const base = v1(group.path, "rt", "local");
    expect((await roundTrips(`${base}/versions`, bearer)).trips).toBe(1);
    expect((await roundTrips(base, bearer)).trips).toBe(1);
    expect((await roundTrips(`${base}/1.0.0`, bearer)).trips).toBe(1);
    expect((await roundTrips(`${base}/download`, bearer, 302)).trips).toBe(1);
    const located = await roundTrips(`${base}/1.1.0/download`, bearer, 204);
    expect(located.trips).toBe(1);
    const archive = archiveUrl(located.response);
    archive.searchParams.delete("archive");
    const file = await roundTrips(`${archive.pathname}${archive.search}`);
    expect(file.body).toBe("archive 2");
    expect(file.trips).toBe(0);
    expect((await roundTrips(`${base}/1.1.0/file`, bearer)).trips).toBe(1);

    const basic = { authorization: `Basic ${btoa(`${developer.username}:${developer.token}`)}` };
    const module = projectModule(project.id, "rt", "local");
    expect((await roundTrips(`${module}/versions`, basic)).trips).toBe(1);
    expect((await roundTrips(module, basic)).trips).toBe(1);
    expect((await roundTrips(`${module}/1.0.0`, basic)).trips).toBe(1);
    expect((await roundTrips(`${module}/1.0.0?terraform-get=1`, basic, 204)).trips).toBe(1);
  });
});
