// Group-level Maven reads over 1,000 projects (issue 11, finding 3: ids bound one parameter each broke
// above 100 projects with a 500).
import { describe, expect, it } from "vitest";
import { addMember, createUser } from "../../support/api";
import { createGroupWithProjects } from "../../support/many-projects";
import { get, groupBase, projectBase, put } from "./helpers";

describe("maven group endpoint with 1,000 projects", () => {
  it("serves files and metadata from the newest publish, anonymously and signed in", async () => {
    const { group, projects } = await createGroupWithProjects(1000);
    const dev = await createUser();
    await addMember("groups", group.id, dev.id, 30);
    const first = projects[0]!;
    const last = projects[projects.length - 1]!;
    expect((await put(`${projectBase(first.id)}/com/acme/big/1.0.0/big-1.0.0.jar`, "one", { token: dev.token })).status).toBe(200);
    expect((await put(`${projectBase(last.id)}/com/acme/big/2.0.0/big-2.0.0.jar`, "two", { token: dev.token })).status).toBe(200);
    for (const token of [undefined, dev.token]) {
      const jar = await get(`${groupBase(group.id)}/com/acme/big/2.0.0/big-2.0.0.jar`, { token });
      expect(jar.status).toBe(200);
      expect(await jar.text()).toBe("two");
      const metadata = await get(`${groupBase(group.id)}/com/acme/big/maven-metadata.xml`, { token });
      expect(metadata.status).toBe(200);
      const xml = await metadata.text();
      expect(xml).toContain("<version>1.0.0</version>");
      expect(xml).toContain("<version>2.0.0</version>");
    }
  });
});
