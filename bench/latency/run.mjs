// Global-latency benchmark, one command: `npm run bench -- latency [--d1-delay-ms 80] [--d1-replica-delay-ms 10] [--runs 3]`.
// What a consumer far from D1's primary sees. Packyards run side by side on 127.0.0.1 from the same bundle, all behind
// the bench-only D1 meter (bench/lib/d1-meter.js): one with no delay; one sleeping --d1-delay-ms before every D1 round
// trip to the primary and --d1-replica-delay-ms before a read that a session may send to a replica (a nearby one);
// one sleeping --d1-delay-ms before every round trip (no replica nearby: the issue's "80 ms on every D1 call").
// All get the same public project with the 50-package npm tree (published with npm) and the 30-wheel PyPI tree
// (uploaded with twine). Then:
//   1. request kinds, one request at a time with the meter's counts read after each (its waitUntil work settled):
//      anonymous MISS and HIT, authenticated metadata, authenticated file download, publish (the npm PUT);
//   2. cold `npm install` of the tree and `pip install` of the wheel tree, anonymous (after one warm-up install,
//      so the edge cache holds what it can) and with the token, alternating between the servers, median of --runs,
//      with the D1 round trips each install made.
// The bench checks its own premise: a request that made D1 round trips on a delayed server must take at least one
// injected delay, the meter must count a publish, and every install must install the whole tree. Prints the tables
// and records them in docs/benchmarks.md (## Global latency).
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { createNpmTree } from "../lib/npm-tree.mjs";
import { bundleOnce, seedPublicProject, startPackyard } from "../lib/packyard.mjs";

const ROOT = path.resolve(import.meta.dirname, "../..");
const argValue = (flag, fallback) => {
  const i = process.argv.indexOf(flag);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${flag} wants a number`);
  return value;
};
const DELAY_MS = argValue("--d1-delay-ms", 80);
const REPLICA_DELAY_MS = argValue("--d1-replica-delay-ms", 10);
const RUNS = argValue("--runs", 3);
const SAMPLES = 5; // requests per request kind
const PYTHON = "/usr/bin/python3";
const NPM_ACCEPT = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*";
const PIP_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";
const log = (m) => process.stderr.write(`${m}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const work = mkdtempSync(path.join(tmpdir(), "packyard-bench-latency-"));
const tree = createNpmTree("latency-bench");

/** Seeds a server: the public project, the npm tree (npm publish, 4 at a time) and the wheels (one twine upload). */
async function seed(server, wheels) {
  const { token, projectId } = await seedPublicProject(server);
  const project = `${server.base}/api/v4/projects/${projectId}/packages`;
  const npmServer = { name: server.name, registry: `${project}/npm/`, token };
  await tree.publishTree(npmServer, 4);
  const pypirc = path.join(work, `pypirc-${server.name}`);
  writeFileSync(pypirc, `[distutils]\nindex-servers = bench\n[bench]\nrepository = ${project}/pypi\nusername = __token__\npassword = ${token}\n`);
  const twine = spawnSync("twine", ["upload", "--non-interactive", "--disable-progress-bar", "--config-file", pypirc, "--repository", "bench", ...wheels], { encoding: "utf8" });
  if (twine.status !== 0) throw new Error(`twine upload to ${server.name} failed: ${twine.stdout}${twine.stderr}`);
  return { ...server, token, projectId, project, npmServer, pypiIndex: `${project}/pypi/simple` };
}

/** One request with the meter reset before and read after: milliseconds, round trips and the cache status. */
async function metered(server, url, init = {}) {
  await server.resetD1();
  const started = performance.now();
  const res = await fetch(url, init);
  const body = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - started;
  if (!res.ok) throw new Error(`${server.name} ${init.method ?? "GET"} ${url}: ${res.status} ${body.toString("utf8").slice(0, 300)}`);
  const d1 = await server.d1();
  // A request that made D1 round trips before its response left the Worker waited at least one of them (they may
  // overlap, so not necessarily their sum); less than that means the injected delay is not in effect.
  const { primary, replica } = d1.atResponse;
  const floorMs = primary > 0 && replica > 0 ? Math.min(server.delays.primary, server.delays.replica) : primary > 0 ? server.delays.primary : replica > 0 ? server.delays.replica : 0;
  if (ms < floorMs * 0.95)
    throw new Error(`${server.name}: ${url} took ${ms.toFixed(0)} ms after ${d1.atResponse.roundTrips} D1 round trips of ${server.delays.primary}/${server.delays.replica} ms: the injected delay is not in effect`);
  return { ms, d1, cache: res.headers.get("x-packyard-cache") ?? "-", body };
}

const basic = (token) => `Basic ${Buffer.from(`__token__:${token}`).toString("base64")}`;

/** An npm publish request body as npm 11 sends it (PUT <registry>/@scope%2fname), for a tarball made by `npm pack`. */
function publishBody(registry, name, version, tarball) {
  const file = `${name}-${version}.tgz`;
  const integrity = `sha512-${createHash("sha512").update(tarball).digest("base64")}`;
  const manifest = { name, version, main: "index.js", license: "MIT", _id: `${name}@${version}`, dist: { integrity, shasum: createHash("sha1").update(tarball).digest("hex"), tarball: `${registry}${name}/-/${file.replace(/^@[^/]+\//, "")}` } };
  return JSON.stringify({ _id: name, name, "dist-tags": { latest: version }, versions: { [version]: manifest }, access: null, _attachments: { [file]: { content_type: "application/octet-stream", data: tarball.toString("base64"), length: tarball.length } } });
}

function npmPack(version) {
  const dir = tree.packageDir(0, version, "@bench/probe");
  const out = execFileSync("npm", ["pack", "--loglevel=error", "--cache", tree.temp("cache")], { cwd: dir, encoding: "utf8" }).trim().split("\n").pop();
  return readFileSync(path.join(dir, out));
}

/** The request kinds, SAMPLES each, on packages no earlier request touched (so the first anonymous GET is a MISS). */
async function requestKinds(server, probes) {
  const kinds = new Map();
  const add = (kind, sample) => kinds.set(kind, [...(kinds.get(kind) ?? []), sample]);
  const bearer = { authorization: `Bearer ${server.token}` };
  for (let i = 0; i < SAMPLES; i++) {
    const packument = `${server.npmServer.registry}@bench%2fpkg-${10 + i}`;
    add("npm: anonymous packument, first request (edge cache MISS)", await metered(server, packument, { headers: { accept: NPM_ACCEPT } }));
    add("npm: anonymous packument, again (edge cache HIT)", await metered(server, packument, { headers: { accept: NPM_ACCEPT } }));
    const auth = await metered(server, packument, { headers: { accept: NPM_ACCEPT, ...bearer } });
    add("npm: authenticated packument", auth);
    const tarball = Object.values(JSON.parse(auth.body.toString("utf8")).versions)[0].dist.tarball;
    add("npm: authenticated tarball", await metered(server, tarball, { headers: bearer }));
    add("npm: anonymous tarball, first request (MISS)", await metered(server, tarball));
    add("npm: anonymous tarball, again (HIT)", await metered(server, tarball));
    const body = publishBody(server.npmServer.registry, "@bench/probe", `1.0.${i}`, probes[i]);
    add("npm: publish (the PUT of `npm publish`)", await metered(server, `${server.npmServer.registry}@bench%2fprobe`, { method: "PUT", headers: { ...bearer, "content-type": "application/json", "npm-command": "publish" }, body }));

    const page = `${server.pypiIndex}/bench-leaf-${String(i).padStart(2, "0")}/`;
    add("pip: anonymous simple page, first request (MISS)", await metered(server, page, { headers: { accept: PIP_ACCEPT } }));
    add("pip: anonymous simple page, again (HIT)", await metered(server, page, { headers: { accept: PIP_ACCEPT } }));
    const authPage = await metered(server, page, { headers: { accept: PIP_ACCEPT, authorization: basic(server.token) } });
    add("pip: authenticated simple page", authPage);
    const file = JSON.parse(authPage.body.toString("utf8")).files[0].url;
    add("pip: authenticated wheel download", await metered(server, new URL(file, page).href, { headers: { authorization: basic(server.token) } }));
  }
  if (kinds.get("npm: publish (the PUT of `npm publish`)").every((s) => s.d1.roundTrips === 0))
    throw new Error(`${server.name}: the D1 meter counted no round trip for a publish: it is not wrapping env.DB (bench/lib/d1-meter.js)`);
  return kinds;
}

const cleanPipEnv = () => ({ ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PIP_"))), PIP_CONFIG_FILE: "/dev/null", PIP_DISABLE_PIP_VERSION_CHECK: "1" });

/** One `pip install` of the wheel tree into a fresh target, no pip cache: every page and wheel is fetched. */
function pipInstall(venv, indexUrl) {
  const target = mkdtempSync(path.join(work, "target-"));
  return new Promise((resolve, reject) => {
    const started = performance.now();
    execFile(path.join(venv, "bin", "python"), ["-m", "pip", "install", "--no-cache-dir", "--target", target, "--index-url", indexUrl, "bench-root"], { env: cleanPipEnv(), timeout: 300_000 }, (error, stdout, stderr) => {
      const seconds = (performance.now() - started) / 1000;
      const installed = existsSync(target) ? readdirSync(target).filter((d) => d.endsWith(".dist-info")).length : 0;
      rmSync(target, { recursive: true, force: true });
      if (error) reject(new Error(`pip install from ${indexUrl.replace(/__token__:[^@]+@/, "__token__:…@")}: ${stdout}${stderr}`));
      else if (installed !== 30) reject(new Error(`pip installed ${installed} packages, expected 30`));
      else resolve(seconds);
    });
  });
}

/** `install(server)` RUNS times per server, alternating; each with the D1 round trips it made. */
async function installs(servers, install) {
  const results = servers.map(() => []);
  for (let run = 0; run < RUNS; run++) {
    for (const [i, server] of servers.entries()) {
      await server.resetD1();
      const seconds = await install(server);
      results[i].push({ seconds, d1: await server.d1() });
    }
  }
  return results;
}

const servers = [];
try {
  const bundleDir = await bundleOnce();
  const wheels = path.join(work, "wheels");
  execFileSync(PYTHON, [path.join(ROOT, "bench/pypi/make_wheels.py"), wheels]);
  const wheelFiles = readdirSync(wheels).map((f) => path.join(wheels, f));
  const configs = [
    { name: "0 ms", primary: 0, replica: 0 },
    { name: `${DELAY_MS} ms, replica ${REPLICA_DELAY_MS} ms`, primary: DELAY_MS, replica: REPLICA_DELAY_MS },
  ];
  if (REPLICA_DELAY_MS !== DELAY_MS) configs.push({ name: `${DELAY_MS} ms on every call`, primary: DELAY_MS, replica: DELAY_MS });
  for (const { name, primary, replica } of configs) {
    const server = await startPackyard({ bundleDir, meter: true, d1DelayMs: primary, d1ReplicaDelayMs: replica, log });
    servers.push(server);
    log(`${name}: publishing the npm tree and uploading the wheels`);
    servers[servers.length - 1] = { ...(await seed({ ...server, name }, wheelFiles)), delays: { primary, replica } };
  }
  rmSync(bundleDir, { recursive: true, force: true });

  log("request kinds");
  const probes = Array.from({ length: SAMPLES }, (_, i) => npmPack(`1.0.${i}`));
  const kinds = [];
  for (const server of servers) kinds.push(await requestKinds(server, probes));

  log(`npm installs (${RUNS} each, alternating)`);
  for (const server of servers) await tree.coldInstall(server.npmServer, false); // warm-up: fills the edge cache
  const npmAnon = await installs(servers, (s) => tree.coldInstall(s.npmServer, false));
  const npmAuth = await installs(servers, (s) => tree.coldInstall(s.npmServer, true));
  log(`pip installs (${RUNS} each, alternating)`);
  const venv = path.join(work, "venv");
  execFileSync(PYTHON, ["-m", "venv", venv]);
  const anonIndex = (s) => s.pypiIndex;
  const tokenIndex = (s) => s.pypiIndex.replace("://", `://__token__:${s.token}@`);
  for (const server of servers) await pipInstall(venv, anonIndex(server)); // warm-up
  const pipAnon = await installs(servers, (s) => pipInstall(venv, anonIndex(s)));
  const pipAuth = await installs(servers, (s) => pipInstall(venv, tokenIndex(s)));

  // round trips as the server with a replica counts them (primary and replica); the other servers ran the same code
  const counted = servers.length > 1 ? 1 : 0;
  const trips = (samples) => {
    const d1 = samples.map((s) => s.d1);
    const r = median(d1.map((x) => x.roundTrips));
    const replica = median(d1.map((x) => x.replica));
    return replica ? `${r} (${replica} to a replica)` : String(r);
  };
  const kindRows = [...kinds[0].keys()].map((kind) => {
    const samples = kinds.map((k) => k.get(kind));
    const caches = [...new Set(samples.flat().map((s) => s.cache))].join("/");
    return `| ${kind} | ${caches} | ${trips(samples[counted])} | ${samples.map((x) => median(x.map((s) => s.ms)).toFixed(1)).join(" | ")} |`;
  });
  const seconds = (runs) => median(runs.map((r) => r.seconds));
  const installRow = (label, results) => {
    const base = seconds(results[0]);
    const cells = results.map((runs, i) => (i === 0 ? base.toFixed(2) : `${seconds(runs).toFixed(2)} (${(seconds(runs) / base).toFixed(2)}×)`));
    return `| ${label} | ${median(results[counted].map((r) => r.d1.roundTrips))} | ${cells.join(" | ")} |`;
  };
  const kindTable = [
    `| request (${SAMPLES} samples each, median) | X-Packyard-Cache | D1 round trips | ${servers.map((s) => `ms, D1 ${s.name}`).join(" | ")} |`,
    `|---|---|---:|${servers.map(() => "---:").join("|")}|`,
    ...kindRows,
  ].join("\n");
  const installTable = [
    `| install (median of ${RUNS}, fresh client cache) | D1 round trips | ${servers.map((s) => `s, D1 ${s.name}`).join(" | ")} |`,
    `|---|---:|${servers.map(() => "---:").join("|")}|`,
    installRow("`npm install`, 50 packages, anonymous (edge cache warm)", npmAnon),
    installRow("`npm install`, 50 packages, with a token", npmAuth),
    installRow("`pip install`, 30 packages, anonymous (edge cache warm)", pipAnon),
    installRow("`pip install`, 30 packages, with a token", pipAuth),
  ].join("\n");
  const ratio = (results, i) => (seconds(results[i]) / seconds(results[0])).toFixed(2);
  const goals = servers.slice(1).map((server, k) => {
    const i = k + 1;
    return `Issue 12's goals with D1 ${server.name}: anonymous cached install no slower than with none: npm ${ratio(npmAnon, i)}×, pip ${ratio(pipAnon, i)}× (goal ≤ 1.00); authenticated install at most 1.5× slower: npm ${ratio(npmAuth, i)}×, pip ${ratio(pipAuth, i)}× (goal ≤ 1.50).`;
  }).join("\n");
  console.log(`${kindTable}\n\n${installTable}\n\n${goals}`);

  const when = new Date().toISOString().slice(0, 16).replace("T", " ");
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
  writeSection([
    "## Global latency (injected D1 delay)",
    "",
    `Command: \`npm run bench -- latency\` (\`node bench/latency/run.mjs [--d1-delay-ms ${DELAY_MS}] [--d1-replica-delay-ms ${REPLICA_DELAY_MS}] [--runs ${RUNS}]\`).`,
    `Measured ${when} UTC at ${commit} on this machine (2 shared cores, load average ${load} at the end). Packyards as`,
    "`npm start` runs them, from one bundle, each behind the bench-only D1 meter (`bench/lib/d1-meter.js`, a Worker",
    "entry that imports the unchanged bundle and hands the Worker and its Durable Object a wrapped `env.DB`):",
    `"0 ms" adds nothing; "${DELAY_MS} ms, replica ${REPLICA_DELAY_MS} ms" sleeps ${DELAY_MS} ms before every D1 round trip to the primary and`,
    `${REPLICA_DELAY_MS} ms before a read-only round trip in a \`withSession\` session not opened with "first-primary" (one D1 may`,
    `answer from a nearby replica); "${DELAY_MS} ms on every call" sleeps ${DELAY_MS} ms before every round trip (no replica nearby).`,
    "That models a consumer next to a Cloudflare data centre on the far side of the world from the database's",
    "primary; the edge cache and R2 get no delay here. One round trip = one `first`/`all`/`run`/`raw`",
    "of a prepared statement, one `batch` or one `exec`; counts include what the Worker's `waitUntil` work and the",
    "publish coordinator (Durable Object) sent; the \"to a replica\" part is what the meter would delay as a replica",
    "read. The bench fails when a request that made D1 round trips on a delayed server returns sooner than one",
    "injected delay, when the meter counts nothing for a publish, or when an install misses a package. Installs",
    "alternate between the servers; ratios are against the 0 ms server (anonymous installs that make no D1 round",
    "trip differ only by the machine's noise).",
    "",
    kindTable,
    "",
    installTable,
    "",
    goals,
    "",
  ]);
} finally {
  for (const server of servers) await server.stop();
  tree.cleanup();
  rmSync(work, { recursive: true, force: true });
}

/** Replace (or add) this bench's section of docs/benchmarks.md, leaving the others alone. */
function writeSection(lines) {
  const file = path.join(ROOT, "docs", "benchmarks.md");
  const section = lines.join("\n");
  const heading = lines[0];
  const current = readFileSync(file, "utf8");
  const start = current.indexOf(`\n${heading}\n`);
  let next;
  if (start === -1) next = `${current.trimEnd()}\n\n${section}`;
  else {
    const after = current.indexOf("\n## ", start + 1);
    next = current.slice(0, start + 1) + section + (after === -1 ? "" : current.slice(after));
  }
  writeFileSync(file, next.endsWith("\n") ? next : `${next}\n`);
  log(`recorded in ${file}`);
}
