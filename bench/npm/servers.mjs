// Starts the two registries the npm benchmark compares, both on 127.0.0.1 with on-disk state: Packyard as
// `npm start` runs it (Miniflare, bench/lib/packyard.mjs; seeded through the management API) and Verdaccio
// (installed from the npm registry into a temporary folder, configured as its users run it; see startVerdaccio).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../lib/free-port.mjs";
import { NODE, seedPublicProject, startPackyard as startServer } from "../lib/packyard.mjs";

export { freePort, NODE };

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
export async function startPackyard(log, bundleDir) {
  const server = await startServer({ bundleDir, log });
  const { token, projectId } = await seedPublicProject(server);
  return { name: "Packyard", registry: `${server.base}/api/v4/projects/${projectId}/packages/npm/`, token, pid: server.pid, stop: server.stop };
}

export const VERDACCIO_VERSION = "6.10.4";

/**
 * Verdaccio from the npm registry with its default configuration (conf/default.yaml of @verdaccio/config) as
 * its users run it with tokens, except:
 * - API tokens are JWTs (`security.api.jwt`). With the default legacy tokens every authenticated request
 *   re-checks the password against htpasswd's bcrypt (10 rounds, bcryptjs in JavaScript), about 210 ms of CPU per
 *   request here: a cold install with a token took 10–22 s instead of 2 s (docs/benchmarks.md, "npm").
 *   Deployments that install with tokens use JWTs (or 6.10's opt-in `server.legacyAuthCache`).
 * - No uplink: the benchmark's packages are private (`@bench/…`), and Verdaccio's own advice for private
 *   scopes is to drop the proxy, which would otherwise ask registry.npmjs.org about every one of them.
 * - Log level `warn`: no line per request, as Packyard's `npm start` logs none unless asked.
 */
export async function startVerdaccio(log, { installDir } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "verdaccio-bench-"));
  // `installDir` (kept between runs, as the e2e tests do) is reused when it already holds this Verdaccio.
  const home = installDir ?? dir;
  const bin = path.join(home, "node_modules", "verdaccio", "bin", "verdaccio");
  if (!existsSync(bin)) {
    mkdirSync(home, { recursive: true });
    log(`installing verdaccio ${VERDACCIO_VERSION} into ${home} ...`);
    // verdaccio-audit asks for a `node-fetch@cjs` dist-tag the npm registry no longer has: pin what it pointed at.
    writeFileSync(path.join(home, "package.json"), JSON.stringify({ private: true, dependencies: { verdaccio: VERDACCIO_VERSION }, overrides: { "node-fetch": "2.7.0" } }));
    const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: home, encoding: "utf8", env: { ...process.env, npm_config_cache: path.join(home, ".cache") } });
    if (install.status !== 0) throw new Error(`npm install verdaccio failed: ${install.stderr}`);
  }
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
      "security:",
      "  api:",
      "    jwt:",
      "      sign:",
      "        expiresIn: 29d",
      "server:",
      "  keepAliveTimeout: 60",
      "middlewares:",
      "  audit:",
      "    enabled: true",
      `listen: 127.0.0.1:${port}`,
      "max_body_size: 300mb",
      "log: { type: stdout, format: pretty, level: warn }",
      "",
    ].join("\n"),
  );
  const child = spawn(NODE, [bin, "--config", config], { cwd: dir, stdio: "ignore", detached: true });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/-/ping`, {}, child);
  const res = await fetch(`${base}/-/user/org.couchdb.user:bencher`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "bencher", password: "password123" }),
  });
  if (!res.ok) throw new Error(`verdaccio adduser: ${res.status} ${await res.text()}`);
  const { token } = await res.json();
  const version = JSON.parse(spawnSync(NODE, ["-p", "JSON.stringify(require('./node_modules/verdaccio/package.json').version)"], { cwd: home, encoding: "utf8" }).stdout);
  if (!token?.startsWith("eyJ")) throw new Error(`verdaccio issued a non-JWT token (${String(token).slice(0, 8)}…): its security.api.jwt setting did not apply`);
  log(`verdaccio ${version} on ${base} (storage ${dir}/storage, JWT API tokens)`);
  return { name: `Verdaccio ${version}`, registry: `${base}/`, token, pid: child.pid, storage: path.join(dir, "storage"), stop: stopper(child, dir) };
}
