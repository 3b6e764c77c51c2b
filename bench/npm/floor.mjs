#!/usr/bin/env node
// npm's own share of a cold install: the same tree installed by the same npm from Verdaccio, once cold (fresh
// cache, every packument and tarball fetched) and once from a warm cache with `--offline` (no request at all:
// resolving, extracting, linking and writing the lockfile only). The offline time is the floor no registry can
// go below on this machine; `node bench/npm/floor.mjs [--runs N]` prints both.
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { createNpmTree, PACKAGES } from "../lib/npm-tree.mjs";
import { startVerdaccio } from "./servers.mjs";

const runsAt = process.argv.indexOf("--runs");
const RUNS = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 5;
const log = (line) => console.error(line);
const { temp, publishTree, coldInstall, cleanup } = createNpmTree("npm-floor");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const verdaccio = await startVerdaccio(log);
try {
  log(`${verdaccio.name}: publishing ${PACKAGES} packages`);
  await publishTree(verdaccio, 4);
  // A warm cache: one install fills it, then every offline run starts from a copy of it.
  const warm = temp("warm-cache");
  const seed = temp("seed");
  writeFileSync(path.join(seed, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true, dependencies: { "@bench/pkg-0": "^1.0.0" } }));
  writeFileSync(path.join(seed, ".npmrc"), `registry=${verdaccio.registry}\n@bench:registry=${verdaccio.registry}\n`);
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--cache", warm, "--loglevel=error"], { cwd: seed });
  const cold = [];
  const offline = [];
  for (let run = 0; run < RUNS; run++) {
    cold.push(await coldInstall(verdaccio, false));
    const dir = temp("app");
    const cache = temp("cache");
    cpSync(warm, cache, { recursive: true });
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true, dependencies: { "@bench/pkg-0": "^1.0.0" } }));
    writeFileSync(path.join(dir, ".npmrc"), `registry=${verdaccio.registry}\n@bench:registry=${verdaccio.registry}\n`);
    const started = performance.now();
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", "--cache", cache, "--loglevel=error"], { cwd: dir, env: { ...process.env, npm_config_update_notifier: "false" } });
    offline.push((performance.now() - started) / 1000);
    const installed = Object.keys(JSON.parse(readFileSync(path.join(dir, "package-lock.json"), "utf8")).packages).filter((k) => k.startsWith("node_modules/@bench/")).length;
    if (installed !== PACKAGES) throw new Error(`offline install got ${installed} of ${PACKAGES} packages`);
    rmSync(dir, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
  console.log(`cold install from ${verdaccio.name}, anonymous: median ${median(cold).toFixed(2)} s (${cold.map((s) => s.toFixed(2)).join(", ")})`);
  console.log(`the same install offline from a warm cache (npm's own work): median ${median(offline).toFixed(2)} s (${offline.map((s) => s.toFixed(2)).join(", ")})`);
  console.log(`0.8 × Verdaccio's cold install: ${(0.8 * median(cold)).toFixed(2)} s`);
} finally {
  await verdaccio.stop();
  cleanup();
}
