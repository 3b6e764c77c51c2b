// PyPI benchmark under `wrangler dev` on 127.0.0.1: simple-index requests per second and `pip install`
// time of a 30-package dependency tree, each cached (anonymous pulls of a public project: edge cache
// HITs) and uncached (a token in the request: the cache is bypassed, every page built from D1); then a
// 1 GiB wheel uploaded with twine while workerd's resident memory is sampled from /proc.
//
//   node_modules/.bin/node bench/pypi/run.mjs [--big-mib N] [--requests N]   (--big-mib 0 skips the big upload)
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import http from "node:http";
import { freePort } from "../lib/free-port.mjs";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const WRANGLER = path.join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const ENV = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" };
const PYTHON = "/usr/bin/python3";
const arg = (name, fallback) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const BIG_MIB = arg("--big-mib", 1024);
const REQUESTS = arg("--requests", 2000);
const CONCURRENCY = 16;
const PIP_RUNS = 3;
const ADMIN = `bench-admin-${Math.random().toString(36).slice(2)}`;
const work = mkdtempSync(path.join(tmpdir(), "packyard-bench-pypi-"));
let wrangler = null;

/**
 * A snapshot of the Worker's sources: wrangler dev restarts workerd whenever a watched file changes,
 * and other people edit this working tree while the bench runs.
 */
function snapshot() {
  const dir = path.join(work, "app");
  for (const entry of ["src", "migrations", "wrangler.toml", "package.json", "tsconfig.json"]) cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

async function startRegistry() {
  const app = snapshot();
  const state = path.join(work, "state");
  const migrate = spawnSync(process.execPath, [WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", state], { cwd: app, env: ENV, encoding: "utf8" });
  if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stdout}${migrate.stderr}`);
  const port = await freePort();
  wrangler = spawn(process.execPath, [WRANGLER, "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", state, "--inspector-port", String(await freePort()), "--var", `ADMIN_TOKEN:${ADMIN}`], {
    cwd: app,
    env: ENV,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  wrangler.stdout.on("data", (d) => (output += d));
  wrangler.stderr.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 90_000; ; ) {
    if (wrangler.exitCode !== null) throw new Error(`wrangler dev exited: ${output}`);
    try {
      if ((await fetch(`${url}/api/v4/user`, { headers: { "PRIVATE-TOKEN": ADMIN } })).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`wrangler dev did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, host: `127.0.0.1:${port}` };
}

function stop() {
  if (wrangler && wrangler.exitCode === null) {
    try {
      process.kill(-wrangler.pid, "SIGTERM");
    } catch {
      /* gone */
    }
  }
}

async function api(base, method, apiPath, body) {
  const res = await fetch(`${base}/api/v4${apiPath}`, { method, headers: { "PRIVATE-TOKEN": ADMIN, "content-type": "application/json" }, body: body && JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${apiPath}: ${res.status} ${await res.text()}`);
  return res.json();
}

function twine(base, projectId, files) {
  const pypirc = path.join(work, "pypirc");
  writeFileSync(pypirc, `[distutils]\nindex-servers = bench\n[bench]\nrepository = ${base}/api/v4/projects/${projectId}/packages/pypi\nusername = __token__\npassword = ${ADMIN}\n`);
  const started = performance.now();
  const result = spawnSync("twine", ["upload", "--non-interactive", "--disable-progress-bar", "--config-file", pypirc, "--repository", "bench", ...files], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`twine failed: ${result.stdout}${result.stderr}`);
  return performance.now() - started;
}

/** `requests` GETs with `CONCURRENCY` keep-alive connections; returns requests/s and the cache statuses seen. */
async function hammer(url, headers) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const statuses = {};
  let next = 0;
  const one = () =>
    new Promise((resolve, reject) => {
      http
        .get(url, { agent, headers }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`${url}: ${res.statusCode}`));
          const cache = res.headers["x-packyard-cache"] ?? "-";
          statuses[cache] = (statuses[cache] ?? 0) + 1;
          res.resume();
          res.on("end", resolve);
        })
        .on("error", reject);
    });
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next++ < REQUESTS) await one();
  }));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { rps: REQUESTS / seconds, statuses };
}

const cleanEnv = () => ({ ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PIP_"))), PIP_CONFIG_FILE: "/dev/null", PIP_DISABLE_PIP_VERSION_CHECK: "1" });

/** One `pip install` of the tree into a fresh target directory, no pip cache: every page and file is fetched. */
function pipInstall(venv, indexUrl) {
  const target = mkdtempSync(path.join(work, "target-"));
  const started = performance.now();
  const result = spawnSync(path.join(venv, "bin", "python"), ["-m", "pip", "install", "--no-cache-dir", "--target", target, "--index-url", indexUrl, "bench-root"], { encoding: "utf8", env: cleanEnv() });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`pip failed: ${result.stdout}${result.stderr}`);
  const installed = readdirSync(target).filter((d) => d.endsWith(".dist-info")).length;
  rmSync(target, { recursive: true, force: true });
  if (installed !== 30) throw new Error(`pip installed ${installed} packages, expected 30`);
  return ms;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** workerd processes started under our wrangler (the Worker runs in one of them). */
function workerdPids(rootPid) {
  const parents = new Map();
  for (const entry of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const after = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry), { ppid: Number(after[1]), comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) });
    } catch {
      /* exited */
    }
  }
  const descends = (pid) => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; p = parents.get(p)?.ppid ?? 0, hops++) if (p === rootPid) return true;
    return false;
  };
  return [...parents].filter(([pid, info]) => info.comm.includes("workerd") && descends(pid)).map(([pid]) => pid);
}

/** A field of /proc/<pid>/status in kB, or null once the process is gone. */
function statusKb(pid, field) {
  try {
    return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return null;
  }
}

async function bigUpload(base, projectId) {
  const dir = path.join(work, "big");
  execFileSync(PYTHON, [path.join(ROOT, "bench/pypi/make_wheels.py"), dir, "--big", String(BIG_MIB)]);
  const [file] = readdirSync(dir).map((f) => path.join(dir, f));
  const pids = workerdPids(wrangler.pid);
  if (pids.length === 0) throw new Error("no workerd process found under wrangler");
  for (const pid of pids) writeFileSync(`/proc/${pid}/clear_refs`, "5"); // reset VmHWM (peak RSS) to the current RSS
  const before = Math.max(...pids.map((p) => statusKb(p, "VmRSS")));
  let sampledPeak = before;
  let restarted = false;
  const sampler = setInterval(() => {
    for (const pid of pids) {
      const rss = statusKb(pid, "VmRSS");
      if (rss === null) restarted = true;
      else sampledPeak = Math.max(sampledPeak, rss);
    }
  }, 100);
  // twine runs as a child process so this loop stays free to sample.
  const started = performance.now();
  await new Promise((resolve, reject) => {
    const pypirc = path.join(work, "pypirc");
    const child = spawn("twine", ["upload", "--non-interactive", "--disable-progress-bar", "--config-file", pypirc, "--repository", "bench", file], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`twine failed: ${out}`))));
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  // wrangler dev restarts workerd when a source file changes (other people edit this tree): say so.
  if (restarted) throw new Error("workerd restarted during the big upload (a watched source file changed); run the bench again");
  const hwm = Math.max(...pids.map((p) => statusKb(p, "VmHWM") ?? 0));
  const page = await (await fetch(`${base}/api/v4/projects/${projectId}/packages/pypi/simple/bench-big/`, { headers: { "PRIVATE-TOKEN": ADMIN, accept: "application/vnd.pypi.simple.v1+json" } })).json();
  const size = page.files?.[0]?.size;
  if (size !== statSync(file).size) throw new Error(`big wheel listed with size ${size}, file has ${statSync(file).size}`);
  rmSync(dir, { recursive: true, force: true });
  return { mib: BIG_MIB, seconds, beforeMb: before / 1024, sampledPeakMb: sampledPeak / 1024, hwmMb: hwm / 1024, size };
}

async function main() {
  const { url, host } = await startRegistry();
  const group = await api(url, "POST", "/groups", { name: "bench", path: "bench", visibility: "public" });
  const project = await api(url, "POST", "/projects", { name: "wheels", path: "wheels", namespace_id: group.id, visibility: "public" });
  const wheels = path.join(work, "wheels");
  execFileSync(PYTHON, [path.join(ROOT, "bench/pypi/make_wheels.py"), wheels]);
  const uploadMs = twine(url, project.id, readdirSync(wheels).map((f) => path.join(wheels, f)));

  const page = `${url}/api/v4/projects/${project.id}/packages/pypi/simple/bench-mid-0/`;
  const accept = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";
  await fetch(page, { headers: { accept } }).then((r) => r.text()); // warm the edge cache
  const cached = await hammer(page, { accept });
  const uncached = await hammer(page, { accept, "private-token": ADMIN });

  const venv = path.join(work, "venv");
  execFileSync(PYTHON, ["-m", "venv", venv]);
  const anonymousIndex = `http://${host}/api/v4/projects/${project.id}/packages/pypi/simple`;
  const tokenIndex = `http://__token__:${ADMIN}@${host}/api/v4/projects/${project.id}/packages/pypi/simple`;
  pipInstall(venv, anonymousIndex); // fills the edge cache with every page and wheel
  const pipCached = Array.from({ length: PIP_RUNS }, () => pipInstall(venv, anonymousIndex));
  const pipUncached = Array.from({ length: PIP_RUNS }, () => pipInstall(venv, tokenIndex));

  console.log(`\nPyPI on wrangler dev (127.0.0.1), ${new Date().toISOString()}, load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
  console.log(`twine upload of the 30 wheels: ${(uploadMs / 1000).toFixed(1)} s\n`);
  console.log("| measurement | cached (anonymous, edge cache) | uncached (token, built from D1) |");
  console.log("|---|---|---|");
  console.log(`| simple page requests/s (${REQUESTS} GETs, ${CONCURRENCY} connections, pip's Accept) | ${cached.rps.toFixed(0)} (${JSON.stringify(cached.statuses)}) | ${uncached.rps.toFixed(0)} (${JSON.stringify(uncached.statuses)}) |`);
  console.log(`| pip install of the 30-package tree, median of ${PIP_RUNS} (no pip cache) | ${(median(pipCached) / 1000).toFixed(2)} s | ${(median(pipUncached) / 1000).toFixed(2)} s |`);
  if (BIG_MIB > 0) {
    const big = await bigUpload(url, project.id);
    console.log(`\n| big wheel upload (twine) | size | time | workerd RSS before | peak RSS sampled every 100 ms | VmHWM after |`);
    console.log("|---|---|---|---|---|---|");
    console.log(`| ${big.mib} MiB | ${big.size} bytes | ${big.seconds.toFixed(1)} s (${(big.mib / big.seconds).toFixed(1)} MiB/s) | ${big.beforeMb.toFixed(0)} MB | ${big.sampledPeakMb.toFixed(0)} MB | ${big.hwmMb.toFixed(0)} MB |`);
  }
}

const timeout = setTimeout(() => {
  console.error("bench timed out after 30 minutes");
  stop();
  process.exit(1);
}, 30 * 60_000);
main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    clearTimeout(timeout);
    stop();
    rmSync(work, { recursive: true, force: true });
  });
