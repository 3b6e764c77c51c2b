import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, createUser, ok } from "../support/api";

describe("GET|PUT /api/v4/application/settings", () => {
  it("shows and saves the forwarding settings for administrators only", async () => {
    const user = await createUser();
    expect((await call("/api/v4/application/settings", { token: user.token })).status).toBe(403);
    expect((await call("/api/v4/application/settings")).status).toBe(401);
    expect((await call("/api/v4/application/settings", { method: "PUT", token: user.token, json: { npm_package_requests_forwarding: true } })).status).toBe(403);

    const saved = await ok(call("/api/v4/application/settings", { method: "PUT", token: ADMIN_TOKEN, json: { npm_package_requests_forwarding: true, lock_pypi_package_requests_forwarding: "true" } }));
    expect(saved).toMatchObject({ npm_package_requests_forwarding: true, lock_pypi_package_requests_forwarding: true });
    const read = await ok(call("/api/v4/application/settings", { token: ADMIN_TOKEN }));
    expect(read).toEqual(saved);
    expect(Object.keys(read).sort()).toEqual([
      "lock_maven_package_requests_forwarding",
      "lock_npm_package_requests_forwarding",
      "lock_pypi_package_requests_forwarding",
      "maven_package_requests_forwarding",
      "npm_package_requests_forwarding",
      "pypi_package_requests_forwarding",
    ]);
    // Put back what other tests of this file rely on.
    await ok(call("/api/v4/application/settings", { method: "PUT", token: ADMIN_TOKEN, json: { npm_package_requests_forwarding: false, lock_pypi_package_requests_forwarding: false } }));
  });

  it("refuses values that are not booleans", async () => {
    const res = await call("/api/v4/application/settings", { method: "PUT", token: ADMIN_TOKEN, json: { npm_package_requests_forwarding: "yes" } });
    expect(res.status).toBe(400);
  });
});
