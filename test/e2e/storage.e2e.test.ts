// Storage end to end against a real server: a project with 200 versions published with curl (Generic's client),
// a cleanup rule previewed, run, and the deletion matching the preview exactly; packages_size before and after,
// and the space back once the blob cleanup's grace period passes (not waited for here: the figures count what
// package files reference).
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Seeder, startRegistry, type Registry } from "./support/registry";

let registry: Registry;
let seeder: Seeder;
let token: string;
let projectId: number;
let groupId: number;

const VERSIONS = 200;
const KEEP = 10;

/** curl with the status code on the last line. */
function curl(args: string[], input?: string): { status: number; body: string } {
  const out = execFileSync("curl", ["-sS", "--max-time", "30", "-w", "\n%{http_code}", ...args], { input, maxBuffer: 16 * 1024 * 1024 }).toString("utf8");
  const lines = out.split("\n");
  const status = Number(lines.pop());
  return { status, body: lines.join("\n") };
}

const api = (path: string, method = "GET", json?: unknown) =>
  curl(["-X", method, "-H", `PRIVATE-TOKEN: ${token}`, ...(json === undefined ? [] : ["-H", "content-type: application/json", "--data-binary", "@-"]), `${registry.url}/api/v4${path}`], json === undefined ? undefined : JSON.stringify(json));

const jsonOf = (r: { status: number; body: string }) => {
  if (r.status >= 300) throw new Error(`${r.status}: ${r.body}`);
  return JSON.parse(r.body);
};

/** Every package of the project (the Packages API, pages of 100). */
function allPackages(): { id: number; version: string }[] {
  const out = [];
  for (let page = 1; page <= 10; page++) {
    const rows = jsonOf(api(`/projects/${projectId}/packages?per_page=100&page=${page}`));
    out.push(...rows);
    if (rows.length < 100) break;
  }
  return out;
}

beforeAll(async () => {
  registry = await startRegistry();
  seeder = new Seeder(registry);
  const owner = await seeder.user("keeper");
  token = owner.token;
  const group = await seeder.group("nightlies", "private");
  groupId = group.id;
  const project = await seeder.project(group.id, "builds", "private");
  projectId = project.id;
  await seeder.member("projects", project.id, owner.id, 40);
  await seeder.member("groups", group.id, owner.id, 50);
}, 120_000);

afterAll(async () => {
  await registry?.stop();
});

describe("cleanup policy on 200 versions", () => {
  it("previews, runs and frees exactly what the preview listed", { timeout: 300_000 }, () => {
    const started = Date.now();
    for (let i = 0; i < VERSIONS; i++) {
      const version = `1.0.${i}`;
      const r = curl(["-H", `PRIVATE-TOKEN: ${token}`, "--upload-file", "-", `${registry.url}/api/v4/projects/${projectId}/packages/generic/nightly/${version}/nightly-${version}.bin`], `build ${i} `.repeat(50 + i));
      expect(r.status).toBe(201);
      if (Date.now() - started > 240_000) throw new Error(`publishing took too long (${i} versions)`);
    }
    const sizeBefore = jsonOf(api(`/projects/${projectId}?statistics=true`)).statistics.packages_size;
    const groupBefore = jsonOf(api(`/groups/${groupId}?statistics=true`)).statistics.packages_size;
    expect(groupBefore).toBe(sizeBefore);
    const expectedSize = Array.from({ length: VERSIONS }, (_, i) => `build ${i} `.length * (50 + i)).reduce((a, b) => a + b, 0);
    expect(sizeBefore).toBe(expectedSize);

    const policy = jsonOf(api(`/projects/${projectId}/packages/cleanup_policy`, "PUT", { rules: [{ package_type: "generic", keep_n_latest: KEEP }] }));
    expect(policy.next_run_at).not.toBeNull();
    const preview = jsonOf(api(`/projects/${projectId}/packages/cleanup_policy/preview`));
    expect(preview.packages).toHaveLength(VERSIONS - KEEP);
    const previewed = new Set(preview.packages.map((p: { id: number }) => p.id));
    const before = allPackages();
    expect(before).toHaveLength(VERSIONS);

    const run = jsonOf(api(`/projects/${projectId}/packages/cleanup_policy/run`, "POST"));
    expect(run).toEqual({ packages_deleted: VERSIONS - KEEP, package_files_deleted: 0, failed: 0, complete: true });
    const after = allPackages();
    const gone = before.filter((p) => !after.some((a) => a.id === p.id)).map((p) => p.id);
    expect(new Set(gone)).toEqual(previewed);
    expect(after.map((p) => p.version).sort()).toEqual(Array.from({ length: KEEP }, (_, i) => `1.0.${VERSIONS - KEEP + i}`).sort());

    const sizeAfter = jsonOf(api(`/projects/${projectId}?statistics=true`)).statistics.packages_size;
    expect(sizeAfter).toBe(sizeBefore - preview.size);
    expect(jsonOf(api(`/projects/${projectId}/storage`)).packages_size).toBe(sizeAfter);
    expect(jsonOf(api(`/projects/${projectId}/packages/cleanup_policy/preview`)).packages).toEqual([]);
    console.log(`storage e2e: ${VERSIONS} versions, ${sizeBefore} → ${sizeAfter} bytes, ${gone.length} deleted`);
  });
});
