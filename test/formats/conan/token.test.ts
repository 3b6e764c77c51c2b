// The token users/authenticate answers: signed, short-lived, standing for the credential that logged in
// (revoking that credential stops it), accepted on Conan routes only.
import { describe, expect, it } from "vitest";
import { tokenDigest } from "../../../src/core/auth/secrets";
import { CONAN_TOKEN_PREFIX, CONAN_TOKEN_SECONDS, mintConanToken } from "../../../src/formats/conan/token";
import { ADMIN_TOKEN, addMember, basic, call, createDeployToken, createGroup, createJobToken, createPersonalToken, createProject, createUser, ok } from "../../support/api";

async function setup() {
  const group = await createGroup(undefined, { visibility: "private" });
  const project = await createProject(group.id, { visibility: "private" });
  const user = await createUser();
  await addMember("projects", project.id, user.id, 30);
  const v1 = `/api/v4/projects/${project.id}/packages/conan/v1`;
  // One recipe to read.
  await ok(call(`${v1}/files/tok/1.0/acme/stable/0/export/conanfile.py`, { method: "PUT", body: "recipe", token: user.token }));
  return { group, project, user, v1, recipe: `${v1}/conans/tok/1.0/acme/stable` };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function login(v1: string, authorization: string): Promise<string> {
  const res = await call(`${v1}/users/authenticate`, { headers: { Authorization: authorization } });
  expect(res.status).toBe(200);
  expect(res.headers.get("cache-control")).toBe("no-store");
  return res.text();
}

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.slice(CONAN_TOKEN_PREFIX.length).split(".")[1]!;
  return JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
}

function withClaims(token: string, patch: Record<string, unknown>): string {
  const [header, payload, signature] = token.slice(CONAN_TOKEN_PREFIX.length).split(".");
  const changed = btoa(JSON.stringify({ ...claimsOf(`${CONAN_TOKEN_PREFIX}${header}.${payload}.${signature}`), ...patch }))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
  return `${CONAN_TOKEN_PREFIX}${header}.${changed}.${signature}`;
}

describe("conan token", () => {
  it("is a signed token bound to the personal access token, not the token itself, and expires", async () => {
    const { v1, user, recipe } = await setup();
    const token = await login(v1, basic(user.username, user.token));
    expect(token.startsWith(CONAN_TOKEN_PREFIX)).toBe(true);
    expect(token).not.toContain(user.token);
    const claims = claimsOf(token);
    expect(claims).toMatchObject({ sub: "personal_access_token", dig: await tokenDigest(user.token) });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(CONAN_TOKEN_SECONDS);
    expect(await (await call(`${v1}/users/check_credentials`, { headers: bearer(token) })).text()).toBe("ok");
    expect(Object.keys(await ok(call(recipe, { headers: bearer(token) })))).toEqual(["conanfile.py"]);
    // Logging in again with the Conan token renews it for the same credential.
    const renewed = await login(v1, `Bearer ${token}`);
    expect(claimsOf(renewed)).toMatchObject({ sub: "personal_access_token", dig: claims.dig });

    const expired = await mintConanToken(ADMIN_TOKEN, { kind: "personal_access_token", digest: await tokenDigest(user.token) }, Date.now() - CONAN_TOKEN_SECONDS * 1000 - 1000);
    const res = await call(recipe, { headers: bearer(expired) });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Basic/);
  });

  it("refuses a tampered or foreign-signed token", async () => {
    const { v1, user, recipe } = await setup();
    const token = await login(v1, basic(user.username, user.token));
    const other = await createUser();
    const forged = [
      withClaims(token, { sub: "admin_token" }),
      withClaims(token, { dig: await tokenDigest(other.token) }),
      withClaims(token, { exp: Number(claimsOf(token).exp) + 86400 }),
      token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA"),
      await mintConanToken("another-secret-entirely", { kind: "admin_token" }),
      `${CONAN_TOKEN_PREFIX}not.a.token`,
    ];
    for (const bad of forged) expect((await call(recipe, { headers: bearer(bad) })).status, bad).toBe(401);
    expect((await call(recipe, { headers: bearer(token) })).status).toBe(200);
  });

  it("stops working when the personal access, deploy or job token it came from is revoked", async () => {
    const { v1, project, user, recipe } = await setup();
    const pat = await createPersonalToken(user.id, ["api"]);
    const patToken = await login(v1, basic(user.username, pat));
    const deploy = await createDeployToken("projects", project.id, ["read_package_registry"]);
    const deployToken = await login(v1, basic(deploy.username, deploy.token));
    expect(claimsOf(deployToken).sub).toBe("deploy_token");
    const job = await createJobToken(project.id, user.token);
    const jobToken = await login(v1, basic("gitlab-ci-token", job.token));
    expect(claimsOf(jobToken).sub).toBe("job_token");
    for (const token of [patToken, deployToken, jobToken]) expect((await call(recipe, { headers: bearer(token) })).status).toBe(200);

    const patId = (await ok(call("/api/v4/personal_access_tokens/self", { token: pat }))).id;
    expect((await call(`/api/v4/personal_access_tokens/${patId}`, { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(204);
    expect((await call(`/api/v4/projects/${project.id}/deploy_tokens/${deploy.id}`, { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(204);
    const jobs = await ok<{ id: number }[]>(call(`/api/v4/projects/${project.id}/job_tokens`, { token: ADMIN_TOKEN }));
    for (const { id } of jobs) expect((await call(`/api/v4/projects/${project.id}/job_tokens/${id}`, { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(204);
    for (const token of [patToken, deployToken, jobToken]) expect((await call(recipe, { headers: bearer(token) })).status).toBe(401);
  });

  it("grants what the credential grants: another project stays 404, a reporter may not upload", async () => {
    const { v1, group, user } = await setup();
    const token = await login(v1, basic(user.username, user.token));
    const elsewhere = await createProject(group.id, { visibility: "private" });
    const hidden = `/api/v4/projects/${elsewhere.id}/packages/conan/v1`;
    await ok(call(`${hidden}/files/tok/1.0/acme/stable/0/export/conanfile.py`, { method: "PUT", body: "x", token: ADMIN_TOKEN }));
    expect((await call(`${hidden}/conans/tok/1.0/acme/stable`, { headers: bearer(token) })).status).toBe(404);

    const reporter = await createUser();
    await addMember("projects", elsewhere.id, reporter.id, 20);
    const readerToken = await login(hidden, basic(reporter.username, reporter.token));
    expect((await call(`${hidden}/conans/tok/1.0/acme/stable`, { headers: bearer(readerToken) })).status).toBe(200);
    expect((await call(`${hidden}/conans/tok/1.0/acme/stable/upload_urls`, { method: "POST", headers: bearer(readerToken), json: { "conanfile.py": 1 } })).status).toBe(403);
    expect((await call(`${hidden}/files/tok/1.0/acme/stable/0/export/conanfile.py`, { method: "PUT", body: "y", headers: bearer(readerToken) })).status).toBe(403);
  });

  it("is refused outside Conan routes, and the admin token logs in as root", async () => {
    const { v1, project, user, recipe } = await setup();
    const token = await login(v1, basic(user.username, user.token));
    expect((await call("/api/v4/user", { headers: bearer(token) })).status).toBe(401);
    expect((await call("/api/v4/personal_access_tokens/self", { method: "DELETE", headers: bearer(token) })).status).toBe(401);
    expect((await call(`/api/v4/projects/${project.id}/packages/generic/x/1.0/a.txt`, { headers: bearer(token) })).status).toBe(401);
    expect((await call(recipe, { headers: bearer(token) })).status).toBe(200);

    const rootToken = await login(v1, basic("root", ADMIN_TOKEN));
    expect(claimsOf(rootToken)).toEqual(expect.objectContaining({ sub: "admin_token" }));
    expect(claimsOf(rootToken).dig).toBeUndefined();
    expect((await call(recipe, { headers: bearer(rootToken) })).status).toBe(200);
    expect((await call(`${v1}/users/authenticate`)).status).toBe(401);
  });
});
