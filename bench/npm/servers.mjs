// Starts the two registries the npm benchmark compares, both on 127.0.0.1 with on-disk state:
// Packyard under `wrangler dev` (seeded through the management API) and Verdaccio (installed from
// the npm registry into a temporary folder, no uplinks).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { freePort } from "../lib/free-port.mjs";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
export const NODE = path.join(ROOT, "node_modules", ".bin", "node");
const WRANGLER = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const QUIET = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" };

export { freePort };

async function waitFor(url, init, child, deadlineMs = 90_000) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: server exited`);
    try {
      const res = await fetch(url, init);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Stops the server's process group (only the one this script started) and removes its state folder. */
function stopper(child, stateDir) {
  return async () => {
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        /* gone */
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    rmSync(stateDir, { recursive: true, force: true });
  };
}

/** Packyard with a public group `bench` and project `bench/tree`; returns the project's npm URL and a Maintainer token. */
export async function startPackyard(log) {
  const state = mkdtempSync(path.join(tmpdir(), "packyard-bench-"));
  const admin = `bench-${Math.random().toString(36).slice(2)}`;
  const migrate = spawnSync(NODE, [WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", state], { cwd: ROOT, env: QUIET, encoding: "utf8" });
  if (migrate.status !== 0) throw new Error(migrate.stderr);
  const port = await freePort();
  const child = spawn(NODE, [WRANGLER, "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", state, "--inspector-port", String(await freePort()), "--var", `ADMIN_TOKEN:${admin}`], {
    cwd: ROOT,
    env: QUIET,
    stdio: "ignore",
    detached: true,
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/api/v4/user`, { headers: { "PRIVATE-TOKEN": admin } }, child);
  const api = async (method, p, body) => {
    const res = await fetch(`${base}/api/v4${p}`, { method, headers: { "PRIVATE-TOKEN": admin, "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const user = await api("POST", "/users", { username: "bencher", name: "bencher", password: "password123" });
  const pat = await api("POST", `/users/${user.id}/personal_access_tokens`, { name: "bench", scopes: ["api"] });
  const group = await api("POST", "/groups", { name: "bench", path: "bench", visibility: "public" });
  const project = await api("POST", "/projects", { name: "tree", path: "tree", namespace_id: group.id, visibility: "public" });
  await api("POST", `/groups/${group.id}/members`, { user_id: user.id, access_level: 40 });
  log(`packyard on ${base} (wrangler dev, state ${state})`);
  return { name: "Packyard", registry: `${base}/api/v4/projects/${project.id}/packages/npm/`, token: pat.token, pid: child.pid, stop: stopper(child, state) };
}

/** Verdaccio from the npm registry, storage on disk, no uplinks, one registered user. */
export async function startVerdaccio(log) {
  const dir = mkdtempSync(path.join(tmpdir(), "verdaccio-bench-"));
  log(`installing verdaccio into ${dir} ...`);
  // verdaccio 6.10 wants Node 22 and a `node-fetch@cjs` dist-tag the registry reachable here lacks: pin
  // 6.8.0 and override node-fetch to 2.7.0 (what that tag points at).
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ private: true, dependencies: { verdaccio: "6.8.0" }, overrides: { "node-fetch": "2.7.0" } }));
  const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, encoding: "utf8", env: { ...process.env, npm_config_cache: path.join(dir, ".cache") } });
  if (install.status !== 0) throw new Error(`npm install verdaccio failed: ${install.stderr}`);
  const port = await freePort();
  const config = path.join(dir, "config.yaml");
  writeFileSync(
    config,
    [
      `storage: ${path.join(dir, "storage")}`,
      "auth:",
      "  htpasswd:",
      `    file: ${path.join(dir, "htpasswd")}`,
      "    max_users: 100",
      "uplinks: {}",
      "packages:",
      "  '@*/*':",
      "    access: $all",
      "    publish: $authenticated",
      "    unpublish: $authenticated",
      "  '**':",
      "    access: $all",
      "    publish: $authenticated",
      "    unpublish: $authenticated",
      `listen: 127.0.0.1:${port}`,
      "max_body_size: 300mb",
      "log: { type: stdout, format: pretty, level: error }",
      "",
    ].join("\n"),
  );
  const child = spawn(NODE, [path.join(dir, "node_modules", "verdaccio", "bin", "verdaccio"), "--config", config], { cwd: dir, stdio: "ignore", detached: true });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/-/ping`, {}, child);
  const res = await fetch(`${base}/-/user/org.couchdb.user:bencher`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "bencher", password: "password123" }),
  });
  if (!res.ok) throw new Error(`verdaccio adduser: ${res.status} ${await res.text()}`);
  const { token } = await res.json();
  const version = JSON.parse(spawnSync(NODE, ["-p", "JSON.stringify(require('./node_modules/verdaccio/package.json').version)"], { cwd: dir, encoding: "utf8" }).stdout);
  log(`verdaccio ${version} on ${base} (storage ${dir}/storage)`);
  return { name: `Verdaccio ${version}`, registry: `${base}/`, token, pid: child.pid, stop: stopper(child, dir) };
}
