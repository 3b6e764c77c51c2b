// One resolver for every credential form GitLab accepts, probed through a file of a private project's
// package endpoint (package clients send Basic and bare Authorization; the management API takes only tokens).
import { describe, expect, it, beforeAll } from "vitest";
import { ADMIN_TOKEN, addMember, basic, call, createDeployToken, createGroup, createJobToken, createPersonalToken, createProject, createUser, ok } from "../support/api";

let projectId: number;
let userToken: string;
let userId: number;
let deployToken: string;
let jobToken: string;
const PROBE_FILE = "com/acme/probe/1.0.0/probe-1.0.0.jar";
const probe = (headers: Record<string, string>, query = "") => call(`/api/v4/projects/${projectId}/packages/maven/${PROBE_FILE}${query}`, { headers });

beforeAll(async () => {
  const group = await createGroup(undefined, { visibility: "private" });
  const project = await createProject(group.id, { visibility: "private" });
  projectId = project.id;
  const user = await createUser();
  userId = user.id;
  userToken = user.token;
  await addMember("projects", projectId, user.id, 30);
  await ok(call(`/api/v4/projects/${projectId}/packages/maven/${PROBE_FILE}`, { method: "PUT", token: ADMIN_TOKEN, body: "probe" }));
  deployToken = (await createDeployToken("projects", projectId, ["read_package_registry"])).token;
  jobToken = (await createJobToken(projectId, userToken)).token;
});

describe("credential resolution", () => {
  it("accepts every header form GitLab accepts", async () => {
    const forms: Record<string, Record<string, string>> = {
      "PRIVATE-TOKEN": { "PRIVATE-TOKEN": userToken },
      "DEPLOY-TOKEN": { "DEPLOY-TOKEN": deployToken },
      "JOB-TOKEN": { "JOB-TOKEN": jobToken },
      "Bearer PAT": { authorization: `Bearer ${userToken}` },
      "Bearer deploy token": { authorization: `Bearer ${deployToken}` },
      "Basic with any username": { authorization: basic("whoever", userToken) },
      "Basic deploy token": { authorization: basic("gitlab+deploy-token-1", deployToken) },
      "Basic job token": { authorization: basic("gitlab-ci-token", jobToken) },
      "bare Authorization": { authorization: userToken },
      "X-NuGet-ApiKey": { "X-NuGet-ApiKey": userToken },
      "admin token as Bearer": { authorization: `Bearer ${ADMIN_TOKEN}` },
    };
    const statuses = Object.fromEntries(await Promise.all(Object.entries(forms).map(async ([name, h]) => [name, (await probe(h)).status])));
    expect(statuses).toEqual(Object.fromEntries(Object.keys(forms).map((k) => [k, 200])));
    expect((await probe({}, `?private_token=${userToken}`)).status).toBe(200);
  });

  it("answers 401 with the Basic challenge for anonymous requests and for unknown tokens", async () => {
    for (const headers of [{}, { "PRIVATE-TOKEN": "glpat-nope" }, { authorization: basic("x", "nope") }] as Record<string, string>[]) {
      const res = await probe(headers);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Basic realm="GitLab Packages Registry"');
    }
  });

  it("refuses a token presented in the wrong header kind", async () => {
    expect((await probe({ "DEPLOY-TOKEN": userToken })).status).toBe(401);
    expect((await probe({ "JOB-TOKEN": deployToken })).status).toBe(401);
  });

  it("stops accepting revoked and expired personal tokens and tokens of blocked users", async () => {
    const pat = await ok(call(`/api/v4/users/${userId}/personal_access_tokens`, { method: "POST", token: ADMIN_TOKEN, json: { name: "r", scopes: ["api"] } }), 201);
    expect((await probe({ "PRIVATE-TOKEN": pat.token })).status).toBe(200);
    expect((await call(`/api/v4/personal_access_tokens/${pat.id}`, { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(204);
    expect((await probe({ "PRIVATE-TOKEN": pat.token })).status).toBe(401);

    const expired = await createPersonalToken(userId, ["api"], { expires_at: "2020-01-01" });
    expect((await probe({ "PRIVATE-TOKEN": expired })).status).toBe(401);

    const other = await createUser();
    await addMember("projects", projectId, other.id, 20);
    expect((await probe({ "PRIVATE-TOKEN": other.token })).status).toBe(200);
    expect((await call(`/api/v4/users/${other.id}/block`, { method: "POST", token: ADMIN_TOKEN })).status).toBe(201);
    expect((await probe({ "PRIVATE-TOKEN": other.token })).status).toBe(401);
  });

  it("stops accepting a revoked deploy token", async () => {
    const created = await createDeployToken("projects", projectId, ["read_package_registry"]);
    expect((await probe({ "DEPLOY-TOKEN": created.token })).status).toBe(200);
    expect((await call(`/api/v4/projects/${projectId}/deploy_tokens/${created.id}`, { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(204);
    expect((await probe({ "DEPLOY-TOKEN": created.token })).status).toBe(401);
  });

  it("records when a personal token was last used and shows the token only at creation", async () => {
    const pat = await ok(call(`/api/v4/users/${userId}/personal_access_tokens`, { method: "POST", token: ADMIN_TOKEN, json: { name: "seen", scopes: ["read_api"] } }), 201);
    expect(pat.token).toMatch(/^glpat-/);
    expect(pat.last_used_at).toBeNull();
    await probe({ "PRIVATE-TOKEN": pat.token });
    const listed = await ok(call(`/api/v4/personal_access_tokens?user_id=${userId}`, { token: ADMIN_TOKEN }));
    const seen = listed.find((t: any) => t.id === pat.id);
    expect(seen.last_used_at).not.toBeNull();
    expect(seen).not.toHaveProperty("token");
  });

  it("keeps a job token inside its own project", async () => {
    const otherProject = await createProject((await createGroup(undefined, { visibility: "private" })).id, { visibility: "private" });
    await addMember("projects", otherProject.id, userId, 30);
    expect((await call(`/api/v4/projects/${otherProject.id}/packages`, { headers: { "JOB-TOKEN": jobToken } })).status).toBe(404);
    expect((await call(`/api/v4/projects/${otherProject.id}/packages`, { headers: { "PRIVATE-TOKEN": userToken } })).status).toBe(200);
  });
});

describe("admin token comparison", () => {
  it("compares digests, so secrets of any length compare in constant work and only equal ones match", async () => {
    const { secretsEqual } = await import("../../src/core/auth/secrets");
    expect(await secretsEqual("packyard-admin", "packyard-admin")).toBe(true);
    for (const other of ["", "p", "packyard-admi", "packyard-admin-", "packyard-admiN", "x".repeat(10_000)]) {
      expect(await secretsEqual(other, "packyard-admin"), other.slice(0, 20)).toBe(false);
    }
  });
});
