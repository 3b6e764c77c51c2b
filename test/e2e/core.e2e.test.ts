// The core as a new user meets it: a running registry, driven with curl and the admin token.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NODE, startRegistry, type Registry } from "./support/registry";

let registry: Registry;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(async () => registry?.stop());

function curl(args: string[]): { status: number; body: any } {
  const out = execFileSync("curl", ["-sS", "-w", "\n%{http_code}", ...args], { encoding: "utf8" });
  const lines = out.trimEnd().split("\n");
  const status = Number(lines.pop());
  const text = lines.join("\n");
  return { status, body: text ? JSON.parse(text) : null };
}

describe("core with curl against wrangler dev", () => {
  it("creates a user, a group, a project and a deploy token, then lists packages", () => {
    const auth = ["-H", `PRIVATE-TOKEN: ${registry.adminToken}`];
    const json = ["-H", "content-type: application/json"];
    const user = curl([...auth, ...json, "-X", "POST", `${registry.url}/api/v4/users`, "-d", JSON.stringify({ username: "alice", name: "Alice" })]);
    expect(user.status).toBe(201);
    const group = curl([...auth, ...json, "-X", "POST", `${registry.url}/api/v4/groups`, "-d", JSON.stringify({ name: "acme", path: "acme", visibility: "private" })]);
    expect(group.status).toBe(201);
    const project = curl([...auth, ...json, "-X", "POST", `${registry.url}/api/v4/projects`, "-d", JSON.stringify({ name: "tools", namespace_id: group.body.id })]);
    expect(project.status).toBe(201);
    expect(project.body.path_with_namespace).toBe("acme/tools");
    const token = curl([...auth, ...json, "-X", "POST", `${registry.url}/api/v4/projects/${project.body.id}/deploy_tokens`, "-d", JSON.stringify({ name: "ci", scopes: ["read_package_registry"] })]);
    expect(token.status).toBe(201);
    const listed = curl(["-H", `DEPLOY-TOKEN: ${token.body.token}`, `${registry.url}/api/v4/projects/acme%2Ftools/packages`]);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([]);
    const anonymous = curl([`${registry.url}/api/v4/projects/acme%2Ftools/packages`]);
    expect(anonymous.status).toBe(401);
  });

  it("builds a deployable bundle (wrangler deploy --dry-run)", () => {
    const outdir = mkdtempSync(path.join(tmpdir(), "packyard-bundle-"));
    const root = path.resolve(import.meta.dirname, "../..");
    const out = execFileSync(NODE, [path.join(root, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", outdir], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
    });
    expect(out).toMatch(/Total Upload/);
  });
});
