// `npm start` as a new user runs it, in a fresh copy of the repository (its sources, scripts and config, with
// no .dev.vars and no .wrangler/state): it creates .dev.vars from the example, applies the migrations to the
// default state directory, serves the management API with the admin token from .dev.vars, keeps the data
// across a restart, and stops on SIGTERM sent to npm, leaving no workerd behind.
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freePort } from "./support/registry";

const ROOT = path.resolve(import.meta.dirname, "../..");
let copy: string;
const started: ChildProcess[] = [];

beforeAll(() => {
  copy = mkdtempSync(path.join(tmpdir(), "packyard-start-"));
  for (const entry of ["package.json", "wrangler.toml", ".dev.vars.example", "tsconfig.json", "scripts", "src", "migrations"]) {
    if (existsSync(path.join(ROOT, entry))) cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
  }
  symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"));
});

afterAll(() => {
  // each npm start ran in its own process group: whatever of it is left (after a failure) goes with it
  for (const child of started) {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* gone */
    }
  }
  rmSync(copy, { recursive: true, force: true });
});

/** `npm start -- --port N` in the copy; resolves once the admin API answers, with the process and its output. */
async function npmStart(port: number, token: string): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn("npm", ["start", "--", "--port", String(port)], {
    cwd: copy,
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  started.push(child);
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}): ${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/v4/user`, { headers: { "PRIVATE-TOKEN": token } });
      if (res.ok) return { child, output: () => output };
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`npm start did not serve within 90 s: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Sends SIGTERM to npm itself (what a process manager does), waits at most 15 s for it to end (npm forwards the
 * signal to the script, then ends by it or with the script's status), then at most 5 s for workerd to be gone.
 */
async function sigterm(child: ChildProcess, dir: string): Promise<{ code: number | null; signal: string | null; workerds: number[] }> {
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  child.kill("SIGTERM");
  const end = await Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("npm start ignored SIGTERM for 15 s")), 15_000))]);
  let workerds = workerdsOf(dir);
  for (let i = 0; i < 25 && workerds.length > 0; i++) {
    await new Promise((r) => setTimeout(r, 200));
    workerds = workerdsOf(dir);
  }
  return { ...end, workerds };
}

/** npm itself ends with 143 (128 + SIGTERM) once the script has stopped; what matters is that nothing is left running. */
const stoppedCleanly = (end: { code: number | null; signal: string | null; workerds: number[] }) => ({
  ok: end.code === 0 || end.code === 143 || end.signal === "SIGTERM" ? true : end,
  workerds: end.workerds,
});

/** workerd processes running in this copy (Miniflare starts workerd in the working directory of npm start). */
function workerdsOf(dir: string): number[] {
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/comm`, "utf8").startsWith("workerd") && readlinkSync(`/proc/${p}/cwd`) === dir;
      } catch {
        return false;
      }
    })
    .map(Number);
}

it("serves, keeps data across a restart and stops on SIGTERM", async () => {
  const token = /^ADMIN_TOKEN=(.*)$/m.exec(readFileSync(path.join(copy, ".dev.vars.example"), "utf8"))![1].trim();
  expect(existsSync(path.join(copy, ".dev.vars"))).toBe(false);
  const port = await freePort();

  const first = await npmStart(port, token);
  expect(readFileSync(path.join(copy, ".dev.vars"), "utf8")).toContain(`ADMIN_TOKEN=${token}`);
  expect(first.output()).toContain(`Packyard on http://127.0.0.1:${port}`);
  // the default state directory, in the layout wrangler dev and `wrangler d1 … --local` use
  expect(existsSync(path.join(copy, ".wrangler", "state", "v3", "d1"))).toBe(true);
  const user = await fetch(`http://127.0.0.1:${port}/api/v4/user`, { headers: { "PRIVATE-TOKEN": token } }).then((r) => r.json());
  expect(user).toMatchObject({ username: "root", is_admin: true });
  expect((await fetch(`http://127.0.0.1:${port}/api/v4/user`, { headers: { "PRIVATE-TOKEN": "wrong" } })).status).toBe(401);
  const created = await fetch(`http://127.0.0.1:${port}/api/v4/groups`, {
    method: "POST",
    headers: { "PRIVATE-TOKEN": token, "content-type": "application/json" },
    body: JSON.stringify({ name: "kept", path: "kept", visibility: "public" }),
  });
  expect(created.status).toBe(201);
  // request logging is off unless asked for
  expect(first.output()).not.toMatch(/POST \/api\/v4\/groups 201/);
  expect(workerdsOf(copy).length).toBeGreaterThan(0);

  expect(stoppedCleanly(await sigterm(first.child, copy))).toEqual({ ok: true, workerds: [] });
  await expect(fetch(`http://127.0.0.1:${port}/api/v4/user`)).rejects.toThrow();

  const second = await npmStart(port, token);
  expect(second.output()).toContain("D1 migrations: up to date");
  const group = await fetch(`http://127.0.0.1:${port}/api/v4/groups/kept`, { headers: { "PRIVATE-TOKEN": token } });
  expect(group.status).toBe(200);
  expect(await group.json()).toMatchObject({ path: "kept", visibility: "public" });
  expect(stoppedCleanly(await sigterm(second.child, copy))).toEqual({ ok: true, workerds: [] });
});
