// Packyard for a bench: `npm start`'s server (scripts/serve.mjs through bench/lib/serve.mjs) as a child process on
// 127.0.0.1 with its own fresh state, optionally behind the bench-only D1 meter, and a management-API helper.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./free-port.mjs";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** wrangler and the scripts need Node 22+: the node@24 devDependency's binary when this one is older. */
export const NODE = Number(process.versions.node.split(".")[0]) >= 22 ? process.execPath : path.join(ROOT, "node_modules", ".bin", "node");
export const QUIET_ENV = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" };

/** Bundles the Worker once into a temporary folder (`wrangler deploy --dry-run`), so edits to the tree cannot change a running bench. */
export async function bundleOnce() {
  const { bundle } = await import("../../scripts/serve.mjs");
  const dir = mkdtempSync(path.join(tmpdir(), "packyard-bench-bundle-"));
  // Removed when the bench process ends, however it ends (servers using it are stopped before then).
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  bundle(dir);
  return dir;
}

/**
 * Starts Packyard. `meter`: serve through bench/lib/d1-meter.js, with `d1DelayMs` / `d1ReplicaDelayMs` injected
 * per D1 round trip; `d1()` then reads the counts and `resetD1()` zeroes them.
 * Returns `{ base, admin, pid, api, d1, resetD1, stop }`; `stop()` sends SIGTERM and removes the state.
 */
export async function startPackyard({ bundleDir, meter = false, d1DelayMs, d1ReplicaDelayMs, log = () => {} } = {}) {
  const state = mkdtempSync(path.join(tmpdir(), "packyard-bench-state-"));
  const admin = `bench-${Math.random().toString(36).slice(2)}`;
  const port = await freePort();
  const args = [path.join(ROOT, "bench", "lib", "serve.mjs"), "--port", String(port), "--persist-to", state, "--var", `ADMIN_TOKEN:${admin}`];
  if (bundleDir) args.push("--bundle", bundleDir);
  if (meter) args.push("--d1-meter");
  if (d1DelayMs !== undefined) args.push("--d1-delay-ms", String(d1DelayMs));
  if (d1ReplicaDelayMs !== undefined) args.push("--d1-replica-delay-ms", String(d1ReplicaDelayMs));
  const child = spawn(NODE, args, { cwd: ROOT, env: QUIET_ENV, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      try {
        process.kill(child.pid, "SIGTERM");
      } catch {
        /* gone */
      }
      if ((await Promise.race([exited, new Promise((r) => setTimeout(() => r("timeout"), 10_000))])) === "timeout") {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          /* gone */
        }
      }
    }
    rmSync(state, { recursive: true, force: true });
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`bench/lib/serve.mjs exited: ${output}`);
    }
    try {
      if ((await fetch(`${base}/api/v4/user`, { headers: { "PRIVATE-TOKEN": admin } })).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Packyard did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const api = async (method, apiPath, body) => {
    const res = await fetch(`${base}/api/v4${apiPath}`, { method, headers: { "PRIVATE-TOKEN": admin, "content-type": "application/json" }, body: body && JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${apiPath}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const d1 = async () => {
    if (!meter) throw new Error("this Packyard runs without the D1 meter");
    return (await fetch(`${base}/__bench/d1`)).json();
  };
  const resetD1 = async () => {
    if (!meter) throw new Error("this Packyard runs without the D1 meter");
    await (await fetch(`${base}/__bench/d1/reset`, { method: "POST" })).arrayBuffer();
  };
  log(`packyard on ${base} (npm start's Miniflare server${meter ? `, D1 meter ${d1DelayMs ?? 0}/${d1ReplicaDelayMs ?? d1DelayMs ?? 0} ms` : ""}, state ${state})`);
  return { base, admin, pid: child.pid, state, api, d1, resetD1, stop, logs: () => output };
}

/** A user `bencher` with an api-scope token, Maintainer of the public group `bench`, and a public project `bench/<project>`. */
export async function seedPublicProject(packyard, project = "tree") {
  const { api } = packyard;
  const user = await api("POST", "/users", { username: "bencher", name: "bencher", password: "password123" });
  const pat = await api("POST", `/users/${user.id}/personal_access_tokens`, { name: "bench", scopes: ["api"] });
  const group = await api("POST", "/groups", { name: "bench", path: "bench", visibility: "public" });
  const created = await api("POST", "/projects", { name: project, path: project, namespace_id: group.id, visibility: "public" });
  await api("POST", `/groups/${group.id}/members`, { user_id: user.id, access_level: 40 });
  return { token: pat.token, projectId: created.id, groupId: group.id };
}
