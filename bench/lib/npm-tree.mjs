// The npm client side of the benches: the generated 50-package tree (@bench/pkg-i depends on pkg-(2i+1) and
// pkg-(2i+2)), `npm publish` and cold `npm install` with the real npm client, each with its own .npmrc,
// empty user config and fresh cache. `server` is `{ name, registry, token }` (registry ends with "/").
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const PACKAGES = 50;

export function createNpmTree(prefix = "npm-bench") {
  const tempDirs = [];
  const temp = (p) => {
    const dir = mkdtempSync(path.join(tmpdir(), `${prefix}-${p}-`));
    tempDirs.push(dir);
    return dir;
  };

  const rc = (server, withToken) => {
    const url = server.registry;
    return `registry=${url}\n@bench:registry=${url}\n${withToken ? `${url.replace(/^https?:/, "")}:_authToken=${server.token}\n` : ""}`;
  };

  /** Runs npm in `cwd` against `server`; resolves with the seconds it took. */
  function npm(args, cwd, server, withToken = true) {
    writeFileSync(path.join(cwd, ".npmrc"), rc(server, withToken));
    const home = temp("home");
    const userconfig = path.join(home, ".npmrc");
    writeFileSync(userconfig, "");
    const cache = temp("cache");
    const env = { ...process.env, npm_config_userconfig: userconfig, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false", npm_config_loglevel: "error" };
    return new Promise((resolve, reject) => {
      const started = performance.now();
      execFile("npm", [...args, "--cache", cache], { cwd, env, timeout: 300_000, maxBuffer: 64 << 20 }, (error, _stdout, stderr) => {
        const seconds = (performance.now() - started) / 1000;
        rmSync(home, { recursive: true, force: true });
        rmSync(cache, { recursive: true, force: true });
        if (error) reject(new Error(`npm ${args.join(" ")} in ${cwd} against ${server.name}: ${stderr}`));
        else resolve(seconds);
      });
    });
  }

  /** A package folder: pkg-i of the tree, or any other name (no dependencies). */
  function packageDir(i, version = "1.0.0", name = `@bench/pkg-${i}`) {
    const dir = temp("pkg");
    const dependencies = {};
    for (const child of [2 * i + 1, 2 * i + 2]) if (child < PACKAGES && name.startsWith("@bench/pkg-")) dependencies[`@bench/pkg-${child}`] = "^1.0.0";
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, version, main: "index.js", license: "MIT", dependencies }));
    writeFileSync(path.join(dir, "index.js"), `module.exports = ${JSON.stringify(name)};\n// ${"x".repeat(2000)}\n`);
    return dir;
  }

  /** Publishes the tree, leaves first, `parallel` at a time; resolves with each publish's seconds. */
  async function publishTree(server, parallel = 1) {
    const order = Array.from({ length: PACKAGES }, (_, k) => PACKAGES - 1 - k);
    const times = [];
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        for (let i = order.shift(); i !== undefined; i = order.shift()) times.push(await npm(["publish"], packageDir(i), server));
      }),
    );
    return times;
  }

  /** One cold `npm install` of the tree (fresh npm cache and project), with or without the token; checks all 50 arrived. */
  async function coldInstall(server, withToken = true) {
    const dir = temp("app");
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true, dependencies: { "@bench/pkg-0": "^1.0.0" } }));
    const seconds = await npm(["install", "--no-audit"], dir, server, withToken);
    const installed = JSON.parse(readFileSync(path.join(dir, "package-lock.json"), "utf8")).packages;
    const count = Object.keys(installed).filter((k) => k.startsWith("node_modules/@bench/")).length;
    rmSync(dir, { recursive: true, force: true });
    if (count !== PACKAGES) throw new Error(`${server.name}: installed ${count} of ${PACKAGES} packages`);
    return seconds;
  }

  const cleanup = () => {
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  };
  return { temp, npm, packageDir, publishTree, coldInstall, cleanup };
}
