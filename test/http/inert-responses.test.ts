// Every /api/v4 response is inert in a browser (issue 11, finding 1): an XHTML document uploaded as a
// Maven file came back as application/xml with nothing to stop a browser running its script.
import { describe, expect, it } from "vitest";
import { addMember, call, createGroup, createProject, createUser } from "../support/api";

const XHTML = `<html xmlns="http://www.w3.org/1999/xhtml"><script>fetch("/-/settings")</script></html>`;

function expectInert(res: Response, what: string) {
  expect(res.headers.get("x-content-type-options"), what).toBe("nosniff");
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp, what).toMatch(/(^|;\s*)sandbox(;|$)/);
  expect(csp, what).toContain("default-src 'none'");
}

describe("responses carrying user bytes", () => {
  it("serve an uploaded XHTML Maven file as a sandboxed attachment, anonymous and signed in, and errors too", async () => {
    const group = await createGroup(undefined, { visibility: "public" });
    const project = await createProject(group.id, { visibility: "public" });
    const dev = await createUser();
    await addMember("projects", project.id, dev.id, 30);
    const url = `/api/v4/projects/${project.id}/packages/maven/evil/x/1.0/x.xml`;
    expect((await call(url, { method: "PUT", token: dev.token, body: XHTML })).status).toBe(200);
    for (const token of [undefined, dev.token]) {
      for (let i = 0; i < 2; i++) {
        const res = await call(url, { token }); // the second anonymous GET is an edge-cache HIT
        expect(res.status).toBe(200);
        expectInert(res, `GET ${token ? "signed in" : "anonymous"} #${i}`);
        expect(res.headers.get("content-disposition")).toMatch(/^attachment;/);
        await res.arrayBuffer();
      }
    }
    expectInert(await call(`/api/v4/projects/${project.id}/packages/maven/evil/x/1.0/missing.xml`), "404");
    expectInert(await call(`/api/v4/projects/${project.id}/packages/maven/evil/x/maven-metadata.xml`), "generated metadata");
    expectInert(await call(`/api/v4/projects/${project.id}/packages`), "Packages API");
  });
});
