// Build information of job-token publishes (issue 25): the run's pipeline id and URL, ref, commit, workflow and
// CI identity, from the OIDC exchange; the last five shown with the package (the Packages API's `pipelines` and
// the page), every one paged by GET …/pipelines (GitLab's keyset pages, pinned by test/api/package-fields.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, BASE, call, createGroup, createProject, ok } from "../support/api";
import { browser, textOf } from "../ui/support";
import { serveIssuers, TestIssuer } from "./support/issuer";

let issuer: TestIssuer;
let served: { restore: () => void };
beforeAll(async () => {
  issuer = new TestIssuer("https://token.actions.githubusercontent.com");
  issuer.keys.push((await TestIssuer.create("ES256")).key);
  served = serveIssuers(issuer);
});
afterAll(() => served.restore());

describe("build information from the OIDC exchange", () => {
  it("records pipeline URL, workflow and identity, keeps the last five, and shows them", async () => {
    const group = await createGroup();
    const project = await createProject(group.id, { visibility: "public" });
    const repository = `acme/${crypto.randomUUID().slice(0, 8)}`;
    await ok(call(`/api/v4/projects/${project.id}/trusted_publishers`, { method: "POST", token: ADMIN_TOKEN, json: { provider: "github", repository, workflow: "release.yml" } }), 201);
    for (let run = 1; run <= 7; run++) {
      const idToken = await issuer.sign({
        aud: BASE,
        sub: `repo:${repository}:ref:refs/heads/main`,
        repository,
        ref: "refs/heads/main",
        sha: `${run}`.repeat(40),
        job_workflow_ref: `${repository}/.github/workflows/release.yml@refs/heads/main`,
        run_id: String(5000 + run),
      });
      const { token } = await ok(call("/api/v4/ci/oidc/token", { method: "POST", json: { id_token: idToken } }), 201);
      const put = await call(`/api/v4/projects/${project.id}/packages/generic/app/1.0.0/run-${run}.bin`, { method: "PUT", headers: { "JOB-TOKEN": token }, body: `run ${run}` });
      expect(put.status).toBe(201);
    }
    const [pkg] = await ok(call(`/api/v4/projects/${project.id}/packages`, { token: ADMIN_TOKEN }));
    expect(pkg.pipelines.map((p: { id: number }) => p.id)).toEqual([5007, 5006, 5005, 5004, 5003]);
    const pipelines = await ok(call(`/api/v4/projects/${project.id}/packages/${pkg.id}/pipelines`, { token: ADMIN_TOKEN }));
    expect(pipelines.map((p: { id: number }) => p.id)).toEqual([5007, 5006, 5005, 5004, 5003, 5002, 5001]);
    expect(pipelines[0]).toMatchObject({
      id: 5007,
      ref: "refs/heads/main",
      sha: "7".repeat(40),
      web_url: `https://github.com/${repository}/actions/runs/5007`,
      workflow: ".github/workflows/release.yml",
      identity: `repo:${repository}:ref:refs/heads/main`,
      user: null,
    });
    expect(pkg.pipeline).toMatchObject({ id: 5007 });

    const page = await browser().get(`/${project.path_with_namespace}/-/packages/${pkg.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`<a href="https://github.com/${repository}/actions/runs/5007" rel="noopener noreferrer nofollow">#5007</a>`);
    const text = textOf(page.html);
    expect(text).toContain(".github/workflows/release.yml");
    expect(text).toContain(`repo:${repository}:ref:refs/heads/main`);
    expect(text).not.toContain("#5002");
  });
});
