// Request forwarding with the real npm: Verdaccio (installed from the npm registry, storage on disk, no
// uplinks) stands in for registry.npmjs.org (NPM_UPSTREAM_URL). `npm install` through a group URL resolves a
// local package whose dependencies only Verdaccio has; a name the group has locally is served from local
// only; with Verdaccio stopped the same install still succeeds from what Packyard kept.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectOk, installedVersion, makeConsumer, makePackage, npm, npmrc, removeTempDirs, tempDir } from "./npm/clients";
import { freePort, NODE, Seeder, startRegistry, type Registry } from "./support/registry";

const VERDACCIO_VERSION = "6.8.0";

let verdaccio: { url: string; child: ChildProcess; token: string };
let main: Registry;
let groupUrl: string;

/** Verdaccio from the npm registry into a cache folder kept between runs (as the npm benchmark does it). */
function installVerdaccio(): string {
  const dir = path.join(homedir(), ".cache", "packyard-e2e", `verdaccio-${VERDACCIO_VERSION}`);
  const bin = path.join(dir, "node_modules", "verdaccio", "bin", "verdaccio");
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  // verdaccio 6.10 wants Node 22 and a `node-fetch@cjs` dist-tag: pin 6.8.0 and node-fetch 2.7.0 (what that tag names).
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ private: true, dependencies: { verdaccio: VERDACCIO_VERSION }, overrides: { "node-fetch": "2.7.0" } }));
  const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, encoding: "utf8", env: { ...process.env, npm_config_cache: path.join(dir, ".npm-cache") }, timeout: 400_000 });
  if (install.status !== 0) throw new Error(`npm install verdaccio failed: ${install.stderr}`);
  return bin;
}

async function startVerdaccio(): Promise<typeof verdaccio> {
  const bin = installVerdaccio();
  const dir = tempDir("verdaccio");
  const port = await freePort();
  const config = path.join(dir, "config.yaml");
  writeFileSync(
    config,
    [
      `storage: ${path.join(dir, "storage")}`,
      "auth:",
      "  htpasswd:",
      `    file: ${path.join(dir, "htpasswd")}`,
      "    max_users: 10",
      "uplinks: {}",
      "packages:",
      "  '**':",
      "    access: $all",
      "    publish: $authenticated",
      `listen: 127.0.0.1:${port}`,
      "log: { type: stdout, format: pretty, level: error }",
      "",
    ].join("\n"),
  );
  const child = spawn(NODE, [bin, "--config", config], { cwd: dir, stdio: "ignore", detached: true });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error("verdaccio exited");
    try {
      if ((await fetch(`${url}/-/ping`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error("verdaccio did not start");
    await new Promise((r) => setTimeout(r, 300));
  }
  const res = await fetch(`${url}/-/user/org.couchdb.user:upstream`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "upstream", password: "password123" }) });
  if (!res.ok) throw new Error(`verdaccio adduser: ${res.status}`);
  return { url, child, token: (await res.json()).token };
}

function stopVerdaccio() {
  if (verdaccio?.child.exitCode === null) {
    try {
      process.kill(-verdaccio.child.pid!, "SIGTERM");
    } catch {
      /* gone */
    }
  }
}

async function publish(registry: string, token: string, manifest: Record<string, unknown>) {
  const dir = makePackage(manifest, npmrc([{ registry, token }]));
  expectOk(await npm(["publish"], dir), `npm publish ${manifest.name}@${manifest.version} to ${registry}`);
}

beforeAll(async () => {
  verdaccio = await startVerdaccio();
  await publish(verdaccio.url, verdaccio.token, { name: "upstream-dep", version: "1.0.0" });
  await publish(verdaccio.url, verdaccio.token, { name: "shadowed", version: "9.0.0" });

  main = await startRegistry({ NPM_UPSTREAM_URL: verdaccio.url, FORWARDING_METADATA_TTL_SECONDS: "1" });
  const seeder = new Seeder(main);
  await seeder.api("PUT", "/application/settings", { npm_package_requests_forwarding: true });
  const acme = await seeder.group("acme", "public");
  const apps = await seeder.project(acme.id, "apps", "public");
  const projectUrl = `${main.url}/api/v4/projects/${apps.id}/packages/npm/`;
  groupUrl = `${main.url}/api/v4/groups/${acme.id}/-/packages/npm/`;
  await publish(projectUrl, main.adminToken, { name: "shadowed", version: "1.0.0" });
  await publish(projectUrl, main.adminToken, { name: "@acme/app", version: "1.0.0", dependencies: { "upstream-dep": "^1.0.0", shadowed: "^1.0.0" } });
}, 600_000);

afterAll(async () => {
  stopVerdaccio();
  await main?.stop();
  removeTempDirs();
});

describe("request forwarding with npm and Verdaccio", () => {
  it("installs a local package and its upstream dependency through the group, the local name from local only", async () => {
    const consumer = makeConsumer({ "@acme/app": "1.0.0" }, npmrc([{ registry: groupUrl }]));
    expectOk(await npm(["install"], consumer), "npm install");
    expect(installedVersion(consumer, "@acme/app")).toBe("1.0.0");
    expect(installedVersion(consumer, "upstream-dep")).toBe("1.0.0");
    expect(installedVersion(consumer, "shadowed")).toBe("1.0.0");
    const view = expectOk(await npm(["view", "shadowed", "versions", "--json", "--registry", groupUrl], consumer), "npm view");
    expect(JSON.parse(view.stdout)).toEqual(["1.0.0"]);
    const shadowed = await fetch(`${groupUrl}shadowed`);
    expect(shadowed.headers.get("x-packyard-forwarded")).toBeNull();
  });

  it("installs the same tree from what Packyard kept once Verdaccio is stopped", async () => {
    stopVerdaccio();
    await new Promise((r) => setTimeout(r, 1500)); // past the metadata lifetime: the kept packument is served as STALE
    const consumer = makeConsumer({ "@acme/app": "1.0.0" }, npmrc([{ registry: groupUrl }]));
    expectOk(await npm(["install"], consumer), "npm install with the upstream stopped");
    expect(installedVersion(consumer, "upstream-dep")).toBe("1.0.0");
    const stale = await fetch(`${groupUrl}upstream-dep`);
    expect(stale.status).toBe(200);
    expect(stale.headers.get("x-packyard-forwarded")).toBe("STALE");
  });
});
