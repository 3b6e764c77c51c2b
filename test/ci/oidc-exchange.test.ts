// The OIDC token exchange (issue 25): an issuer simulated here (WebCrypto keys, its JWKS served to the
// Worker's fetch) signs ID tokens; every check of POST /api/v4/ci/oidc/token is made to fail once: signature,
// unknown key, rotation, iss, aud, exp/nbf, each trust-policy claim, replay; and the job token it answers
// reads and publishes only what the trusted publisher allows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, BASE, addMember, call, createGroup, createProject, createUser, ok } from "../support/api";
import { serveIssuers, TestIssuer } from "./support/issuer";

const AUD = BASE;
let github: TestIssuer;
let gitlab: TestIssuer;
let other: TestIssuer;
let served: { restore: () => void };

beforeAll(async () => {
  [github, gitlab, other] = await Promise.all([TestIssuer.create("RS256"), TestIssuer.create("ES256"), TestIssuer.create("RS256")]);
  served = serveIssuers(github, gitlab, other);
});
afterAll(() => served.restore());

async function projectWith(publisher: Record<string, unknown>, extra: Record<string, unknown> = { visibility: "private" }) {
  const project = await createProject((await createGroup()).id, extra);
  const created = await ok(call(`/api/v4/projects/${project.id}/trusted_publishers`, { method: "POST", token: ADMIN_TOKEN, json: publisher }), 201);
  return { project, publisher: created };
}

const repo = () => `acme/${crypto.randomUUID().slice(0, 8)}`;

function githubClaims(repository: string, extra: Record<string, unknown> = {}) {
  return {
    aud: AUD,
    sub: `repo:${repository}:environment:release`,
    repository,
    repository_owner: repository.split("/")[0],
    ref: "refs/tags/v1.2.3",
    sha: "0123456789abcdef0123456789abcdef01234567",
    environment: "release",
    workflow: "Release",
    job_workflow_ref: `${repository}/.github/workflows/release.yml@refs/tags/v1.2.3`,
    run_id: "987654321",
    ...extra,
  };
}

async function exchange(idToken: string, extra: Record<string, unknown> = {}) {
  return call("/api/v4/ci/oidc/token", { method: "POST", json: { id_token: idToken, ...extra } });
}

async function errorOf(res: Response) {
  return { status: res.status, message: ((await res.json()) as { message?: string }).message ?? "" };
}

const genericPut = (projectId: number, name: string, token: string, body = "bytes") =>
  call(`/api/v4/projects/${projectId}/packages/generic/${name}/1.0.0/file.bin`, { method: "PUT", headers: { "JOB-TOKEN": token }, body });

describe("POST /api/v4/ci/oidc/token", () => {
  it("exchanges a GitHub Actions token (RS256) for a job token that reads and publishes in the project only", async () => {
    const repository = repo();
    const { project, publisher } = await projectWith({ provider: "oidc", issuer: github.url, repository, workflow: "release.yml", ref: "refs/tags/v*", environment: "release" });
    const answer = await ok(exchange(await github.sign(githubClaims(repository))), 201);
    expect(answer).toMatchObject({ token_type: "job_token", project_id: project.id, project_path: project.path_with_namespace, trusted_publisher_id: publisher.id, pipeline_id: 987654321, expires_in: 900 });
    expect(answer.token).toMatch(/^glcbt-/);
    expect(Date.parse(answer.expires_at) - Date.now()).toBeGreaterThan(800_000);
    expect(Date.parse(answer.expires_at) - Date.now()).toBeLessThanOrEqual(900_000);

    expect((await genericPut(project.id, "tool", answer.token)).status).toBe(201);
    const read = await call(`/api/v4/projects/${project.id}/packages/generic/tool/1.0.0/file.bin`, { headers: { "JOB-TOKEN": answer.token } });
    expect(await read.text()).toBe("bytes");
    // Basic gitlab-ci-token:<token> works as well.
    const basic = await call(`/api/v4/projects/${project.id}/packages/generic/tool/1.0.0/file.bin`, { headers: { authorization: `Basic ${btoa(`gitlab-ci-token:${answer.token}`)}` } });
    expect(basic.status).toBe(200);
    // write_package_registry, not Maintainer: no deletes, no settings.
    const [pkg] = await ok(call(`/api/v4/projects/${project.id}/packages`, { token: ADMIN_TOKEN }));
    expect((await call(`/api/v4/projects/${project.id}/packages/${pkg.id}`, { method: "DELETE", headers: { "JOB-TOKEN": answer.token } })).status).toBe(403);
    expect((await call(`/api/v4/projects/${project.id}/trusted_publishers`, { headers: { "JOB-TOKEN": answer.token } })).status).toBe(403);
    // Another private project is out of reach.
    const elsewhere = await createProject((await createGroup()).id, { visibility: "private" });
    expect((await genericPut(elsewhere.id, "tool", answer.token)).status).toBe(404);
    // The package records the run.
    const [pipeline] = await ok(call(`/api/v4/projects/${project.id}/packages/${pkg.id}/pipelines`, { token: ADMIN_TOKEN }));
    expect(pipeline).toMatchObject({ id: 987654321, ref: "refs/tags/v1.2.3", sha: "0123456789abcdef0123456789abcdef01234567", user: null });
    // And the exchange is audited with its claims.
    const [audit] = await ok(call(`/api/v4/projects/${project.id}/trusted_publishers/exchanges`, { token: ADMIN_TOKEN }));
    expect(audit).toMatchObject({ outcome: "issued", issuer: github.url, subject: `repo:${repository}:environment:release`, trusted_publisher_id: publisher.id, claims: { repository, run_id: "987654321" } });
    expect(audit.job_token_id).toBeGreaterThan(0);
  });

  it("exchanges a GitLab CI token (ES256) with GitLab's claim names", async () => {
    const repository = repo();
    const { project } = await projectWith({ provider: "oidc", issuer: gitlab.url, repository, workflow: ".gitlab-ci.yml", ref: "refs/heads/main", environment: "production" });
    const claims = { aud: [AUD, "other"], sub: `project_path:${repository}:ref_type:branch:ref:main`, project_path: repository, ref: "main", ref_type: "branch", sha: "abc", environment: "production", ci_config_ref_uri: `gitlab.test/${repository}//.gitlab-ci.yml@refs/heads/main`, pipeline_id: "4242" };
    const answer = await ok(exchange(await gitlab.sign(claims)), 201);
    expect(answer).toMatchObject({ project_id: project.id, pipeline_id: 4242 });
    expect(gitlab.key.alg).toBe("ES256");
  });

  it("refuses each trust-policy claim that does not match, and audits the refusal", async () => {
    const repository = repo();
    const { project } = await projectWith({ provider: "oidc", issuer: github.url, repository, workflow: "release.yml", ref: "refs/tags/v*", environment: "release", claims: { repository_owner: "acme" } });
    const cases: [Record<string, unknown>, string][] = [
      [{ job_workflow_ref: `${repository}/.github/workflows/ci.yml@refs/tags/v1` }, "workflow does not match"],
      [{ job_workflow_ref: undefined }, "workflow does not match"],
      [{ ref: "refs/heads/main" }, "ref does not match"],
      [{ environment: "staging" }, "environment does not match"],
      [{ environment: undefined }, "environment does not match"],
      [{ repository_owner: "evil" }, "claim repository_owner does not match"],
    ];
    for (const [change, reason] of cases) {
      const refused = await errorOf(await exchange(await github.sign(githubClaims(repository, change))));
      expect(refused, reason).toEqual({ status: 403, message: `403 Forbidden - the ID token does not satisfy a trusted publisher: ${reason}` });
    }
    // Another repository has no publisher at all.
    expect((await exchange(await github.sign(githubClaims(repo())))).status).toBe(403);
    const audit = await ok(call(`/api/v4/projects/${project.id}/trusted_publishers/exchanges?per_page=100`, { token: ADMIN_TOKEN }));
    expect(audit).toHaveLength(cases.length);
    expect(audit.every((a: { outcome: string }) => a.outcome === "refused")).toBe(true);
    expect(audit[0].claims.repository_owner).toBe("evil");
  });

  it("refuses wrong audience, expired, not-yet-valid, over-long and jti-less tokens", async () => {
    const repository = repo();
    await projectWith({ provider: "oidc", issuer: github.url, repository });
    const now = Math.floor(Date.now() / 1000);
    const cases: [Record<string, unknown>, string][] = [
      [{ aud: "https://elsewhere.example" }, `the ID token's audience must be ${AUD}`],
      [{ aud: undefined }, `the ID token's audience must be ${AUD}`],
      [{ exp: now - 61 }, "the ID token has expired"],
      [{ exp: undefined }, "the ID token has no expiry (exp)"],
      [{ nbf: now + 120 }, "the ID token is not valid yet (nbf)"],
      [{ iat: now + 120 }, "the ID token was issued in the future (iat)"],
      [{ exp: now + 2 * 86400 }, "the ID token lives longer than a day"],
      [{ jti: undefined }, "the ID token has no usable jti (replay protection needs one)"],
    ];
    for (const [change, message] of cases) {
      expect(await errorOf(await exchange(await github.sign(githubClaims(repository, change)))), message).toEqual({ status: 401, message: `401 Unauthorized - ${message}` });
    }
    // Within the leeway, an expired-a-moment-ago token still passes.
    expect((await exchange(await github.sign(githubClaims(repository, { exp: now - 30 })))).status).toBe(201);
  });

  it("refuses forged signatures: another issuer's key, a tampered payload, alg none and HS256", async () => {
    const repository = repo();
    await projectWith({ provider: "oidc", issuer: github.url, repository });
    const claims = githubClaims(repository);
    // Signed by another issuer's key under this issuer's kid.
    const forged = await other.sign({ ...claims, iss: github.url }, { header: { kid: github.key.kid } });
    expect(await errorOf(await exchange(forged))).toEqual({ status: 401, message: "401 Unauthorized - the ID token's signature does not verify with the issuer's keys" });
    const genuine = await github.sign(claims);
    const [h, , s] = genuine.split(".");
    const tampered = `${h}.${btoa(JSON.stringify({ ...claims, iss: github.url, exp: Math.floor(Date.now() / 1000) + 300, jti: "x" })).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_")}.${s}`;
    expect((await exchange(tampered)).status).toBe(401);
    const none = `${btoa(JSON.stringify({ alg: "none" })).replace(/=+$/, "")}.${genuine.split(".")[1]}.`;
    expect(await errorOf(await exchange(none))).toEqual({ status: 401, message: "401 Unauthorized - the ID token must be signed with RS256 or ES256" });
    const hs = await github.sign(claims, { header: { alg: "HS256" } });
    expect((await exchange(hs)).status).toBe(401);
    expect((await exchange("not.a.jwt")).status).toBe(400);
    expect((await call("/api/v4/ci/oidc/token", { method: "POST", json: {} })).status).toBe(400);
    // The token claims the issuer of a key set it was not signed by: iss decides whose keys verify it.
    const otherRepo = repo();
    await projectWith({ provider: "oidc", issuer: other.url, repository: otherRepo });
    expect((await exchange(await github.sign({ ...githubClaims(otherRepo), iss: other.url }))).status).toBe(401);
  });

  it("refuses a replayed ID token", async () => {
    const repository = repo();
    const { project } = await projectWith({ provider: "oidc", issuer: github.url, repository });
    const idToken = await github.sign(githubClaims(repository));
    expect((await exchange(idToken)).status).toBe(201);
    expect(await errorOf(await exchange(idToken))).toEqual({ status: 401, message: "401 Unauthorized - this ID token was already exchanged" });
    const audit = await ok(call(`/api/v4/projects/${project.id}/trusted_publishers/exchanges`, { token: ADMIN_TOKEN }));
    expect(audit.map((a: { outcome: string }) => a.outcome)).toEqual(["refused", "issued"]);
  });

  it("follows key rotation with one JWKS refetch, and bounds refetches for unknown keys", async () => {
    const issuer = await TestIssuer.create("RS256");
    const local = serveIssuers(issuer);
    try {
      const repository = repo();
      await projectWith({ provider: "oidc", issuer: issuer.url, repository });
      expect((await exchange(await issuer.sign(githubClaims(repository)))).status).toBe(201);
      expect(issuer.jwksFetches()).toBe(1);
      // Kept: no refetch for a known key.
      expect((await exchange(await issuer.sign(githubClaims(repository)))).status).toBe(201);
      expect(issuer.jwksFetches()).toBe(1);
      // The issuer rotates: a token with the new kid refetches once and passes; the old key no longer verifies.
      const old = issuer.key;
      const fresh = await issuer.rotate("ES256");
      expect((await exchange(await issuer.sign(githubClaims(repository), { key: fresh }))).status).toBe(201);
      expect(issuer.jwksFetches()).toBe(2);
      expect((await exchange(await issuer.sign(githubClaims(repository), { key: old }))).status).toBe(401);
      // An unknown kid right after a refetch does not refetch again (bounded), and is refused.
      const unknown = await issuer.sign(githubClaims(repository), { header: { kid: "never-published" } });
      expect(await errorOf(await exchange(unknown))).toEqual({ status: 401, message: "401 Unauthorized - the ID token's signature does not verify with the issuer's keys" });
      expect(issuer.jwksFetches()).toBe(2);
    } finally {
      local.restore();
    }
  });

  it("answers 502 when the issuer's keys cannot be fetched, and audits it", async () => {
    const issuer = new TestIssuer("https://unreachable-issuer.ci.test");
    issuer.keys.push((await TestIssuer.create()).key);
    issuer.answer = () => new Response("down", { status: 503 });
    const local = serveIssuers(issuer);
    try {
      const repository = repo();
      const { project } = await projectWith({ provider: "oidc", issuer: issuer.url, repository });
      const res = await exchange(await issuer.sign(githubClaims(repository)));
      expect(res.status).toBe(502);
      const [audit] = await ok(call(`/api/v4/projects/${project.id}/trusted_publishers/exchanges`, { token: ADMIN_TOKEN }));
      expect(audit.outcome).toBe("refused");
    } finally {
      local.restore();
    }
  });

  it("uses the publisher's JWKS URL when it gives one", async () => {
    const issuer = await TestIssuer.create("ES256");
    const keysHost = new TestIssuer(`https://keys-${crypto.randomUUID().slice(0, 6)}.ci.test`);
    keysHost.keys = issuer.keys;
    issuer.answer = () => new Response("no discovery here", { status: 404 });
    const local = serveIssuers(issuer, keysHost);
    try {
      const repository = repo();
      await projectWith({ provider: "oidc", issuer: issuer.url, jwks_url: `${keysHost.url}/jwks`, repository });
      expect((await exchange(await issuer.sign(githubClaims(repository)))).status).toBe(201);
      expect(issuer.fetches).toEqual([]);
      expect(keysHost.jwksFetches()).toBe(1);
    } finally {
      local.restore();
    }
  });

  it("limits the job token to the publisher's package types and name patterns", async () => {
    const repository = repo();
    const { project } = await projectWith({ provider: "oidc", issuer: github.url, repository, package_types: ["generic"], name_patterns: ["tool-*"] });
    const { token } = await ok(exchange(await github.sign(githubClaims(repository))), 201);
    expect((await genericPut(project.id, "tool-cli", token)).status).toBe(201);
    const refused = await genericPut(project.id, "other", token);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("may not publish the package other");
    const npm = await call(`/api/v4/projects/${project.id}/packages/npm/tool-x`, {
      method: "PUT",
      headers: { "JOB-TOKEN": token, "content-type": "application/json" },
      body: JSON.stringify({ name: "tool-x", versions: { "1.0.0": { name: "tool-x", version: "1.0.0", dist: {} } }, _attachments: { "tool-x-1.0.0.tgz": { data: btoa("x"), length: 1 } } }),
    });
    expect(npm.status).toBe(403);
  });

  it("picks the project: several projects trusting one repository need project_id", async () => {
    const repository = repo();
    const a = await projectWith({ provider: "oidc", issuer: github.url, repository });
    const b = await projectWith({ provider: "oidc", issuer: github.url, repository });
    expect((await exchange(await github.sign(githubClaims(repository)))).status).toBe(400);
    expect((await ok(exchange(await github.sign(githubClaims(repository)), { project_id: b.project.id }), 201)).project_id).toBe(b.project.id);
    expect((await ok(exchange(await github.sign(githubClaims(repository)), { project_id: a.project.path_with_namespace }), 201)).project_id).toBe(a.project.id);
    const c = await createProject((await createGroup()).id);
    expect((await exchange(await github.sign(githubClaims(repository)), { project_id: c.id })).status).toBe(403);
  });

  it("a publisher that names its own JWKS URL vouches for its own project only", async () => {
    const repository = repo();
    const victim = await projectWith({ provider: "oidc", issuer: github.url, repository });
    // Another project's Maintainer trusts the same issuer and repository, with keys they control.
    const attackerKeys = new TestIssuer(`https://attacker-${crypto.randomUUID().slice(0, 6)}.ci.test`);
    attackerKeys.keys = other.keys;
    const local = serveIssuers(attackerKeys);
    try {
      const attacker = await projectWith({ provider: "oidc", issuer: github.url, jwks_url: `${attackerKeys.url}/jwks`, repository });
      const forged = await other.sign({ ...githubClaims(repository), iss: github.url });
      expect((await exchange(forged, { project_id: victim.project.id })).status).toBe(401);
      const answer = await ok(exchange(await other.sign({ ...githubClaims(repository), iss: github.url })), 201);
      expect(answer.project_id).toBe(attacker.project.id);
    } finally {
      local.restore();
    }
  });

  it("stops the job tokens of a removed publisher", async () => {
    const repository = repo();
    const { project, publisher } = await projectWith({ provider: "oidc", issuer: github.url, repository });
    const { token } = await ok(exchange(await github.sign(githubClaims(repository))), 201);
    expect((await genericPut(project.id, "tool", token)).status).toBe(201);
    const maintainer = await createUser();
    await addMember("projects", project.id, maintainer.id, 40);
    expect((await call(`/api/v4/projects/${project.id}/trusted_publishers/${publisher.id}`, { method: "DELETE", token: maintainer.token })).status).toBe(204);
    expect((await genericPut(project.id, "tool2", token)).status).toBe(401);
  });
});
