// Group and instance reads over 1,000 projects for npm, the Packages API and the group's package page
// (issue 11, finding 3: project ids bound one parameter each broke above 100 projects with a 500).
// Maven and PyPI have their own (test/formats/maven/many-projects.test.ts, test/formats/pypi/group-scale.test.ts);
// Generic has no group level.
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call } from "../support/api";
import { createGroupWithProjects } from "../support/many-projects";
import { escaped, groupPrefix, INSTANCE_PREFIX, projectPrefix, publishBody } from "./npm/support";

let group: { id: number; path: string; full_path: string };
let name: string;

beforeAll(async () => {
  const created = await createGroupWithProjects(1000);
  group = created.group;
  name = `@${group.path}/big`;
  const last = created.projects[created.projects.length - 1]!;
  const { body } = await publishBody(name, "1.0.0");
  const publish = await call(`${projectPrefix(last.id)}/${escaped(name)}`, { method: "PUT", token: ADMIN_TOKEN, body, headers: { "content-type": "application/json" } });
  expect(publish.status, await publish.text()).toBe(200);
}, 60_000);

describe("a group of 1,000 projects", () => {
  it("serves the npm packument and tarball at group and instance level, anonymously and signed in", async () => {
    for (const prefix of [groupPrefix(group.id), INSTANCE_PREFIX]) {
      for (const token of [undefined, ADMIN_TOKEN]) {
        const packument = await call(`${prefix}/${escaped(name)}`, { token });
        expect(packument.status, prefix).toBe(200);
        const document = (await packument.json()) as { versions: Record<string, { dist: { tarball: string } }> };
        const tarball = new URL(document.versions["1.0.0"]!.dist.tarball);
        expect((await call(tarball.pathname, { token })).status).toBe(200);
      }
    }
  });

  it("lists its packages in the Packages API and on the group's page", async () => {
    const listed = await call(`/api/v4/groups/${group.id}/packages`, { token: ADMIN_TOKEN });
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { name: string }[]).map((p) => p.name)).toEqual([name]);
    const page = await call(`/groups/${group.full_path}/-/packages`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("big");
  });
});
