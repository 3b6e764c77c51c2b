// A GitLab management script moved to Packyard by changing the host: Debian's python3-gitlab (3.12) lists
// across pages, rotates a token, creates/uses/revokes a project access token, manages protection rules and
// deletes a project against a real server (test/e2e/gitlab-compat/script.py prints one line per step).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistry, type Registry } from "./support/registry";

/** Debian's interpreter, where python3-gitlab is installed (a pyenv python3 on PATH would not have it). */
const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const SCRIPT = path.join(import.meta.dirname, "gitlab-compat", "script.py");

let registry: Registry;
let tmp: string;

beforeAll(async () => {
  registry = await startRegistry();
  tmp = mkdtempSync(path.join(tmpdir(), "packyard-compat-"));
});

afterAll(async () => {
  await registry?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function runScript(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, [SCRIPT], { env: { ...process.env, PACKYARD_URL: registry.url, PACKYARD_ADMIN_TOKEN: registry.adminToken, PACKYARD_TMP: tmp, PYTHONPATH: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

describe("python3-gitlab against Packyard", () => {
  it("runs a GitLab script unchanged but for the host", async () => {
    const result = await runScript();
    const steps = result.stdout.split("\n").filter((l) => l.startsWith("ok "));
    expect(steps, `${result.stdout}\n${result.stderr}`).toEqual([
      "ok auth and version",
      "ok get_all across pages",
      "ok rotate a personal access token",
      "ok project access token created, used and revoked",
      "ok package protection rules",
      "ok delete a project",
    ]);
    expect(result.code).toBe(0);
  });
});
