// Bad input anywhere gets a clear 4xx and changes nothing.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, createGroup, ok } from "../support/api";

describe("bad input", () => {
  // A literal %2e%2e or ".." segment is resolved by URL parsing before the Worker sees it (wrangler dev
  // and the Cloudflare edge normalise paths), so it can only reach another route with the same checks;
  // encoded slashes and NUL survive parsing, and the app refuses them.
  it("rejects path traversal, encoded traversal and NUL bytes with 400", async () => {
    for (const path of [
      "/api/v4/projects/1/packages/generic/a/1.0/..%2f..%2fsecret",
      "/api/v4/projects/1/packages/generic/a/1.0/%252e%252e/secret",
      "/api/v4/projects/1/packages/generic/a/1.0/file%00.txt",
      "/api/v4/projects/%zz/packages",
    ]) {
      const res = await call(path, { token: ADMIN_TOKEN });
      expect(res.status, path).toBe(400);
      expect((await res.json<any>()).message, path).toMatch(/400/);
    }
  });

  it("refuses management bodies over the size cap with 413 and creates nothing", async () => {
    const before = (await ok(call("/api/v4/groups?per_page=100", { token: ADMIN_TOKEN }))).length;
    const res = await call("/api/v4/groups", { method: "POST", token: ADMIN_TOKEN, json: { name: "big", path: "big", description: "x".repeat(300 * 1024) } });
    expect(res.status).toBe(413);
    expect((await ok(call("/api/v4/groups?per_page=100", { token: ADMIN_TOKEN }))).length).toBe(before);
  });

  it("answers unknown ids and unknown routes with 404 JSON", async () => {
    expect((await call("/api/v4/projects/999999", { token: ADMIN_TOKEN })).status).toBe(404);
    expect((await call("/api/v4/groups/999999", { token: ADMIN_TOKEN })).status).toBe(404);
    const unknown = await call("/api/v4/nothing-here", { token: ADMIN_TOKEN });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: "404 Not Found" });
  });

  it("refuses duplicate group paths and wrong types without side effects", async () => {
    const group = await createGroup();
    const again = await call("/api/v4/groups", { method: "POST", token: ADMIN_TOKEN, json: { name: "again", path: group.path } });
    expect(again.status).toBe(400);
    const project = await call("/api/v4/projects", { method: "POST", token: ADMIN_TOKEN, json: { name: "x", namespace_id: group.id, visibility: "secret" } });
    expect(project.status).toBe(400);
    expect((await ok(call(`/api/v4/groups/${group.id}/projects`, { token: ADMIN_TOKEN }))).length).toBe(0);
  });

  it("sends a request id with every response", async () => {
    const res = await call("/api/v4/user", { token: ADMIN_TOKEN });
    expect(res.headers.get("x-request-id")).toMatch(/[0-9a-f-]{36}/);
  });
});

describe("browser-kept credentials on the management API (issue 11, finding 8)", () => {
  it("refuses Basic and bare Authorization outside package endpoints, without a Basic challenge", async () => {
    const { basic, createUser } = await import("../support/api");
    const user = await createUser();
    for (const authorization of [basic(user.username, user.token), user.token]) {
      const res = await call("/api/v4/user", { headers: { authorization } });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).not.toMatch(/^Basic/i);
      const post = await call("/api/v4/groups", { method: "POST", headers: { authorization, "content-type": "application/json" }, body: JSON.stringify({ name: "x", path: "x-basic" }) });
      expect(post.status).toBe(401);
    }
    expect((await call("/api/v4/user", { headers: { authorization: `Bearer ${user.token}` } })).status).toBe(200);
    expect((await call("/api/v4/user", { token: user.token })).status).toBe(200);
  });
});

describe("management API bodies (issue 11, finding 8)", () => {
  it("refuses a text/plain body that a cross-site form could send, and takes JSON and forms", async () => {
    const path = `plain-${Date.now()}`;
    const plain = await call("/api/v4/groups", { method: "POST", token: ADMIN_TOKEN, headers: { "content-type": "text/plain" }, body: JSON.stringify({ name: path, path }) });
    expect(plain.status).toBe(415);
    expect((await call(`/api/v4/groups/${path}`, { token: ADMIN_TOKEN })).status).toBe(404);
    const form = await call("/api/v4/groups", { method: "POST", token: ADMIN_TOKEN, headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ name: path, path }).toString() });
    expect(form.status).toBe(201);
    const json = await call("/api/v4/groups", { method: "POST", token: ADMIN_TOKEN, json: { name: `${path}-j`, path: `${path}-j` } });
    expect(json.status).toBe(201);
  });
});
