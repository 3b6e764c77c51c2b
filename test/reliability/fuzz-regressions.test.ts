// Bugs the fuzzer found (test/fuzz, docs/reliability.md), each pinned by the request that showed it.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, createGroup, createProject, createUser, unique } from "../support/api";

const groupBody = (path: string) => ({ name: path, path, visibility: "private" });

describe("errors raised before the /api/v4 routes run are inert", () => {
  // Found: a path trick or a bad credential answered without nosniff and the sandboxing CSP.
  it("a malformed percent-encoding in the path", async () => {
    const res = await call("/api/v4/projects/%zz");
    expect(res.status).toBe(400);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toContain("sandbox");
    expect(await res.json()).toEqual({ message: expect.stringContaining("percent-encoding") });
  });

  it("an unknown token on a management route and on a package route", async () => {
    const project = await createProject((await createGroup(unique("inert"))).id, { visibility: "public" });
    for (const path of ["/api/v4/projects", `/api/v4/projects/${project.id}/packages/generic/a/1.0.0/a.bin`, `/api/v4/projects/${project.id}/packages/pypi/simple/a/`]) {
      const res = await call(path, { token: "glpat-not-a-token-at-all-000000" });
      expect(res.status, path).toBe(401);
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("content-security-policy"), path).toContain("sandbox");
      await res.arrayBuffer();
    }
  });
});

describe("management API form bodies", () => {
  // Found: a multipart body the runtime cannot parse (no boundary, an unterminated quoted one, broken
  // framing) was a 500; form bodies were also read without a size limit.
  for (const contentType of ["multipart/form-data; boundary=", 'multipart/form-data; boundary="unterminated', "multipart/form-data"]) {
    it(`${contentType} with a body that is not that form is a 400`, async () => {
      const res = await call("/api/v4/groups", { method: "POST", token: ADMIN_TOKEN, headers: { "content-type": contentType }, body: "\x94@ not a form" });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ message: expect.stringContaining("400 Bad request") });
    });
  }

  it("a well-formed multipart form with a mixed-case boundary is read (boundaries are case-sensitive)", async () => {
    const path = unique("form-group");
    const form = new FormData();
    for (const [k, v] of Object.entries(groupBody(path))) form.append(k, v);
    const encoded = new Response(form);
    const type = encoded.headers.get("content-type") as string;
    const boundary = "----WebKitFormBoundaryAbCdEf012";
    const body = (await encoded.text()).replaceAll(type.split("boundary=")[1] ?? "", boundary);
    const res = await call("/api/v4/groups", { method: "POST", token: ADMIN_TOKEN, headers: { "content-type": `multipart/form-data; boundary=${boundary}` }, body });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { path: string }).path).toBe(path);
  });

  it("a repeated form field becomes a list (scopes[]=…&scopes[]=…)", async () => {
    const user = await createUser();
    const res = await call(`/api/v4/users/${user.id}/personal_access_tokens`, {
      method: "POST",
      token: ADMIN_TOKEN,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "name=t&scopes[]=read_api&scopes[]=api",
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { scopes: string[] }).scopes.sort()).toEqual(["api", "read_api"]);
  });

  it("a form body over the limit is a 413 before it is parsed", async () => {
    const res = await call("/api/v4/groups", { method: "POST", token: ADMIN_TOKEN, headers: { "content-type": "application/x-www-form-urlencoded" }, body: `name=${"a".repeat(300 * 1024)}` });
    expect(res.status).toBe(413);
    await res.arrayBuffer();
  });
});
