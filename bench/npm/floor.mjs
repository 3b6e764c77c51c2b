#!/usr/bin/env node
// How fast can any registry make a cold `npm install` of the bench's 50-package tree on this machine? The same
// npm installs the same tree, alternating run by run, from:
//   - Verdaccio (the npm bench's peer, configured as there);
//   - an ideal registry: Verdaccio's own packuments and tarballs, fetched once and answered from memory by a
//     plain Node HTTP server (no storage, no auth, no JSON building: a response costs what a socket write does);
//   - nowhere: `--offline` from a warm cache (resolving, extracting, linking, writing the lockfile only).
// The ideal registry is the floor a server can reach; what is left above the offline run is npm's own work per
// request (its HTTP agent, cache writes, integrity checks).
// With `--delay-ms D` a second ideal registry waits D ms before every answer (a registry whose every request
// makes one round trip to a database D ms away, as an authenticated read that must see every change at once
// does), and reports how many requests npm had in flight at once: what issue 12's "authenticated install at
// most 1.5× slower with 80 ms on every D1 call" asks of any registry.
// `node bench/npm/floor.mjs [--runs N] [--delay-ms D]`.
import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { freePort } from "../lib/free-port.mjs";
import { createNpmTree, PACKAGES } from "../lib/npm-tree.mjs";
import { startVerdaccio } from "./servers.mjs";

const runsAt = process.argv.indexOf("--runs");
const RUNS = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 5;
const delayAt = process.argv.indexOf("--delay-ms");
const DELAY_MS = delayAt > 0 ? Number(process.argv[delayAt + 1]) : 0;
const log = (line) => console.error(line);
const { temp, publishTree, coldInstall, cleanup } = createNpmTree("npm-floor");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ACCEPT = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*";

/** Every packument (as npm install asks for it) and tarball of the tree, read from `registry`, served from memory. */
async function startIdealRegistry(registry, delayMs = 0) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/`;
  const responses = new Map();
  for (let i = 0; i < PACKAGES; i++) {
    const name = `@bench/pkg-${i}`;
    const doc = await (await fetch(`${registry}${name.replace("/", "%2f")}`, { headers: { accept: ACCEPT } })).json();
    for (const version of Object.values(doc.versions)) {
      const tarball = Buffer.from(await (await fetch(version.dist.tarball)).arrayBuffer());
      const tarballPath = `/${name}/-/pkg-${i}-${version.version}.tgz`;
      responses.set(tarballPath, { body: tarball, type: "application/octet-stream" });
      version.dist.tarball = new URL(tarballPath.slice(1), base).href;
    }
    const body = Buffer.from(JSON.stringify(doc));
    // npm asks for a scoped name with its slash encoded; either spelling is answered.
    for (const p of [`/${name.replace("/", "%2f")}`, `/${name.replace("/", "%2F")}`, `/${name}`]) responses.set(p, { body, type: "application/vnd.npm.install-v1+json" });
  }
  const flight = { now: 0, max: 0, requests: 0 };
  const server = http.createServer(async (req, res) => {
    const found = responses.get(req.url.split("?")[0]);
    flight.requests++;
    flight.max = Math.max(flight.max, ++flight.now);
    res.on("close", () => flight.now--);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (!found) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
      return;
    }
    res.writeHead(200, { "content-type": found.type, "content-length": found.body.length }).end(found.body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  const name = delayMs > 0 ? `ideal registry waiting ${delayMs} ms per request` : "ideal registry (in memory)";
  return { name, registry: base, token: "unused", flight, stop: () => new Promise((resolve) => server.close(resolve)) };
}

function rc(dir, registry) {
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true, dependencies: { "@bench/pkg-0": "^1.0.0" } }));
  writeFileSync(path.join(dir, ".npmrc"), `registry=${registry}\n@bench:registry=${registry}\n`);
}

const verdaccio = await startVerdaccio(log);
let ideal = null;
let delayed = null;
try {
  log(`${verdaccio.name}: publishing ${PACKAGES} packages`);
  await publishTree(verdaccio, 4);
  ideal = await startIdealRegistry(verdaccio.registry);
  if (DELAY_MS > 0) delayed = await startIdealRegistry(verdaccio.registry, DELAY_MS);
  // A warm cache: one install fills it, then every offline run starts from a copy of it.
  const warm = temp("warm-cache");
  const seed = temp("seed");
  rc(seed, verdaccio.registry);
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--cache", warm, "--loglevel=error"], { cwd: seed });
  const times = { verdaccio: [], ideal: [], delayed: [], offline: [] };
  const inFlight = [];
  for (let run = 0; run < RUNS; run++) {
    times.verdaccio.push(await coldInstall(verdaccio, false));
    times.ideal.push(await coldInstall(ideal, false));
    if (delayed) {
      Object.assign(delayed.flight, { max: 0, requests: 0 });
      times.delayed.push(await coldInstall(delayed, false));
      inFlight.push(`${delayed.flight.max} of ${delayed.flight.requests}`);
    }
    const dir = temp("app");
    const cache = temp("cache");
    cpSync(warm, cache, { recursive: true });
    rc(dir, verdaccio.registry);
    const started = performance.now();
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", "--cache", cache, "--loglevel=error"], { cwd: dir, env: { ...process.env, npm_config_update_notifier: "false" } });
    times.offline.push((performance.now() - started) / 1000);
    const installed = Object.keys(JSON.parse(readFileSync(path.join(dir, "package-lock.json"), "utf8")).packages).filter((k) => k.startsWith("node_modules/@bench/")).length;
    if (installed !== PACKAGES) throw new Error(`offline install got ${installed} of ${PACKAGES} packages`);
    rmSync(dir, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
  const line = (label, xs) => `${label}: median ${median(xs).toFixed(2)} s (${xs.map((s) => s.toFixed(2)).join(", ")})`;
  console.log(line(`cold install from ${verdaccio.name}, anonymous`, times.verdaccio));
  console.log(line("cold install from the ideal registry (responses from memory)", times.ideal));
  console.log(line("the same install offline from a warm cache (npm's own work)", times.offline));
  if (delayed) {
    console.log(line(`cold install from the ${delayed.name}`, times.delayed));
    console.log(`  most requests in flight at once, of all requests, per run: ${inFlight.join("; ")}`);
    console.log(`  delayed / ideal: ${(median(times.delayed) / median(times.ideal)).toFixed(2)}× (issue 12 asks at most 1.5× with 80 ms)`);
  }
  console.log(`0.8 × Verdaccio's cold install: ${(0.8 * median(times.verdaccio)).toFixed(2)} s; ideal / Verdaccio: ${(median(times.ideal) / median(times.verdaccio)).toFixed(2)}`);
} finally {
  await ideal?.stop();
  await delayed?.stop();
  await verdaccio.stop();
  cleanup();
}
