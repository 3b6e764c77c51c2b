// Trusted publishing end to end (issue 25): a CI job (test/e2e/ci/ci-job.sh, run as a runner would) asks a CI
// service's OIDC issuer on loopback for an ID token, exchanges it at POST /api/v4/ci/oidc/token for a job
// token, and publishes with the real npm and twine; then the Packages API and the package page show the run.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Seeder, startRegistry, type Registry } from "./support/registry";
import { NPM } from "./npm/clients";
import { buildSample, type BuiltPackage } from "./pypi/build";
import { startIssuer, type LoopbackIssuer } from "./ci/issuer";

const JOB = path.join(import.meta.dirname, "ci", "ci-job.sh");
const REPOSITORY = "acme/widgets";
const RUN_ID = 7301;

let registry: Registry;
let issuer: LoopbackIssuer;
let seed: Seeder;
let project: { id: number; path_with_namespace: string };
let wheel: BuiltPackage;
const work = mkdtempSync(path.join(tmpdir(), "oidc-e2e-"));

beforeAll(async () => {
  issuer = await startIssuer(() => ({
    sub: `repo:${REPOSITORY}:environment:release`,
    repository: REPOSITORY,
    repository_owner: "acme",
    ref: "refs/tags/v1.0.0",
    sha: "a".repeat(40),
    environment: "release",
    workflow: "Release",
    job_workflow_ref: `${REPOSITORY}/.github/workflows/release.yml@refs/tags/v1.0.0`,
    run_id: String(RUN_ID),
  }));
  registry = await startRegistry();
  seed = new Seeder(registry);
  const group = await seed.group("acme", "public");
  project = await seed.project(group.id, "widgets", "public");
  await seed.api("POST", `/projects/${project.id}/trusted_publishers`, {
    provider: "github",
    issuer: issuer.url,
    repository: REPOSITORY,
    workflow: "release.yml",
    ref: "refs/tags/v*",
    environment: "release",
    package_types: ["npm", "pypi"],
  });
  wheel = buildSample("acme-widgets", "1.0.0");
}, 300_000);

afterAll(async () => {
  await registry?.stop();
  await issuer?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Run the job script (asynchronously: the issuer answering it lives in this process). */
function runJob(env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const npmDir = mkdtempSync(path.join(work, "npm-"));
  writeFileSync(path.join(npmDir, "package.json"), JSON.stringify({ name: "@acme/widgets", version: "1.0.0", main: "index.js", license: "MIT" }));
  writeFileSync(path.join(npmDir, "index.js"), "module.exports = 'widgets';\n");
  const child = spawn("sh", [JOB], {
    timeout: 180_000,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: work,
      ACTIONS_ID_TOKEN_REQUEST_URL: issuer.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: issuer.requestToken,
      PACKYARD_URL: registry.url,
      PROJECT_ID: String(project.id),
      NPM_PACKAGE_DIR: npmDir,
      PYPI_FILES: `${wheel.wheel} ${wheel.sdist}`,
      NPM_BIN: NPM,
      ...env,
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, stdout, stderr })));
}

describe("publishing from CI with an OIDC ID token", () => {
  it("a CI job exchanges its ID token and publishes with npm and twine; the API and the page show the run", async () => {
    const job = await runJob({});
    expect(job.status, `${job.stdout}\n${job.stderr}`).toBe(0);
    expect(job.stdout).toContain("== done");
    expect(issuer.jwksFetches()).toBe(1);

    const packages = await seed.api<any[]>("GET", `/projects/${project.id}/packages?sort=asc&order_by=name`);
    expect(packages.map((p) => [p.package_type, p.name, p.version]).sort()).toEqual([
      ["npm", "@acme/widgets", "1.0.0"],
      ["pypi", "acme-widgets", "1.0.0"],
    ]);
    const runUrl = `${new URL(issuer.url).origin}/${REPOSITORY}/actions/runs/${RUN_ID}`;
    for (const pkg of packages) {
      const pipelines = await seed.api<any[]>("GET", `/projects/${project.id}/packages/${pkg.id}/pipelines`);
      expect(pipelines[0], pkg.name).toMatchObject({
        id: RUN_ID,
        ref: "refs/tags/v1.0.0",
        sha: "a".repeat(40),
        web_url: runUrl,
        workflow: ".github/workflows/release.yml",
        identity: `repo:${REPOSITORY}:environment:release`,
        user: null,
      });
      const page = await fetch(`${registry.url}/${project.path_with_namespace}/-/packages/${pkg.id}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain(`<a href="${runUrl}" rel="noopener noreferrer nofollow">#${RUN_ID}</a>`);
      expect(html).toContain(".github/workflows/release.yml");
    }
    // The pypi upload carried both files.
    const pypi = packages.find((p) => p.package_type === "pypi");
    const files = await seed.api<any[]>("GET", `/projects/${project.id}/packages/${pypi.id}/package_files`);
    expect(files.map((f) => f.file_name).sort()).toEqual([path.basename(wheel.sdist), path.basename(wheel.wheel)].sort());

    // The exchange is in the audit log.
    const audit = await seed.api<any[]>("GET", `/projects/${project.id}/trusted_publishers/exchanges`);
    expect(audit[0]).toMatchObject({ outcome: "issued", subject: `repo:${REPOSITORY}:environment:release`, claims: { run_id: String(RUN_ID) } });
  });

  it("a job whose identity the project does not trust gets no token and publishes nothing", async () => {
    const job = await runJob({ PROJECT_ID: String((await seed.project((await seed.group("other", "public")).id, "other", "public")).id) });
    expect(job.status).not.toBe(0);
    expect(job.stdout).not.toContain("== npm publish");
    expect(`${job.stdout}${job.stderr}`).toMatch(/403 Forbidden - no trusted publisher/);
  });
});
