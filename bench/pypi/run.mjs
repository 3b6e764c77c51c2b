// PyPI benchmark, one command: `npm run bench -- pypi [--big-mib N] [--requests N]` (--big-mib 0 skips the big upload).
// Packyard as `npm start` runs it (the bundled Worker on Miniflare, fresh local state) side by side with the simplest
// peer pip users run: a static PEP 503 index (bench/lib/static_server.py --pep503, a threaded HTTP/1.1 file server). The
// peer runs alone first (pip install twice, page requests/s) as the check that it performs as a static server
// should; during the comparison its installs must stay within 2x of that solo run, or the machine's load changed.
// Then, alternating: simple-index requests per second and `pip install` time of a 30-package dependency tree,
// Packyard cached (anonymous pulls of a public project: edge-cache HITs) and uncached (a token: built from D1);
// then a 1 GiB wheel uploaded with twine while the runtime's resident memory is sampled from /proc.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import { bundleOnce, startPackyard } from "../lib/packyard.mjs";
import { runBench } from "../lib/run-bench.mjs";
import { startStaticServer } from "../lib/static-server.mjs";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PYTHON = "/usr/bin/python3";
const arg = (name, fallback) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const BIG_MIB = arg("--big-mib", 1024);
const REQUESTS = arg("--requests", 2000);
const CONCURRENCY = 16;
const PIP_RUNS = 3;
const work = mkdtempSync(path.join(tmpdir(), "packyard-bench-pypi-"));
const log = (m) => process.stderr.write(`${m}\n`);
let packyard = null;
let ADMIN = "";
let peer = null;

/** The static index over a copy of the wheels. */
async function startStaticIndex(wheels) {
  const root = path.join(work, "static");
  cpSync(wheels, root, { recursive: true });
  return startStaticServer(root, { pep503: true, probePath: "/simple/bench-root/" });
}

async function stop() {
  peer?.stop();
  await packyard?.stop();
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

/** workerd processes under the bench's Packyard server process (the Worker runs in one of them). */
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
  const pids = workerdPids(packyard.pid);
  if (pids.length === 0) throw new Error("no workerd process found under the Packyard server");
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
  if (restarted) throw new Error("workerd exited during the big upload");
  const hwm = Math.max(...pids.map((p) => statusKb(p, "VmHWM") ?? 0));
  const page = await (await fetch(`${base}/api/v4/projects/${projectId}/packages/pypi/simple/bench-big/`, { headers: { "PRIVATE-TOKEN": ADMIN, accept: "application/vnd.pypi.simple.v1+json" } })).json();
  const size = page.files?.[0]?.size;
  if (size !== statSync(file).size) throw new Error(`big wheel listed with size ${size}, file has ${statSync(file).size}`);
  rmSync(dir, { recursive: true, force: true });
  return { mib: BIG_MIB, seconds, beforeMb: before / 1024, sampledPeakMb: sampledPeak / 1024, hwmMb: hwm / 1024, size };
}

/** `pip install` runs alternating between the targets (fresh target dir, no pip cache), `PIP_RUNS` each. */
function alternatingInstalls(venv, targets) {
  const times = new Map(targets.map((t) => [t.label, []]));
  for (let run = 0; run < PIP_RUNS; run++) for (const t of targets) times.get(t.label).push(pipInstall(venv, t.index));
  return times;
}

async function main() {
  const wheels = path.join(work, "wheels");
  execFileSync(PYTHON, [path.join(ROOT, "bench/pypi/make_wheels.py"), wheels]);
  const venv = path.join(work, "venv");
  execFileSync(PYTHON, ["-m", "venv", venv]);
  const accept = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";

  // The peer alone: what a static index does on this machine right now.
  peer = await startStaticIndex(wheels);
  const peerIndex = `${peer.url}/simple`;
  pipInstall(venv, peerIndex); // warm-up: the OS file cache, pip's own start-up
  const solo = { install: [pipInstall(venv, peerIndex), pipInstall(venv, peerIndex)].sort((a, b) => a - b)[0], page: await hammer(`${peer.url}/simple/bench-mid-0/`, { accept }) };
  log(`static index alone: pip install ${(solo.install / 1000).toFixed(2)} s, ${solo.page.rps.toFixed(0)} page requests/s`);
  if (solo.page.rps < 200) throw new Error(`the static index serves ${solo.page.rps.toFixed(0)} requests/s alone: far below a static file server's; the comparison would say nothing`);

  packyard = await startPackyard({ bundleDir: await bundleOnce(), log });
  ADMIN = packyard.admin;
  const url = packyard.base;
  const host = new URL(url).host;
  const group = await api(url, "POST", "/groups", { name: "bench", path: "bench", visibility: "public" });
  const project = await api(url, "POST", "/projects", { name: "wheels", path: "wheels", namespace_id: group.id, visibility: "public" });
  const uploadMs = twine(url, project.id, readdirSync(wheels).filter((f) => f.endsWith(".whl")).map((f) => path.join(wheels, f)));

  const page = `${url}/api/v4/projects/${project.id}/packages/pypi/simple/bench-mid-0/`;
  await fetch(page, { headers: { accept } }).then((r) => r.text()); // warm the edge cache
  const cached = await hammer(page, { accept });
  const uncached = await hammer(page, { accept, "private-token": ADMIN });
  const peerPage = await hammer(`${peer.url}/simple/bench-mid-0/`, { accept });

  const anonymousIndex = `http://${host}/api/v4/projects/${project.id}/packages/pypi/simple`;
  const tokenIndex = `http://__token__:${ADMIN}@${host}/api/v4/projects/${project.id}/packages/pypi/simple`;
  pipInstall(venv, anonymousIndex); // fills the edge cache with every page and wheel
  const installs = alternatingInstalls(venv, [
    { label: "cached", index: anonymousIndex },
    { label: "uncached", index: tokenIndex },
    { label: "peer", index: peerIndex },
  ]);
  const pipCached = median(installs.get("cached"));
  const pipUncached = median(installs.get("uncached"));
  const pipPeer = median(installs.get("peer"));
  log(`installs (s): ${[...installs].map(([k, v]) => `${k} ${v.map((t) => (t / 1000).toFixed(2)).join(", ")}`).join("; ")}`);
  if (pipPeer > 2 * solo.install) throw new Error(`the static index installed in ${(pipPeer / 1000).toFixed(2)} s during the comparison, over twice its solo ${(solo.install / 1000).toFixed(2)} s: the machine's load changed; run again`);

  const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`\nPyPI: Packyard as npm start runs it, and a static PEP 503 index, 127.0.0.1, ${new Date().toISOString()}, load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
  console.log(`Static index alone before the comparison: pip install ${fmt(solo.install)}, ${solo.page.rps.toFixed(0)} page requests/s.`);
  console.log(`twine upload of the 30 wheels to Packyard: ${(uploadMs / 1000).toFixed(1)} s\n`);
  console.log("| measurement | Packyard cached (anonymous, edge cache) | Packyard uncached (token, built from D1) | static index | Packyard cached / static (time ratio; < 1 = Packyard faster) |");
  console.log("|---|---|---|---|---|");
  console.log(`| simple page requests/s (${REQUESTS} GETs, ${CONCURRENCY} connections, pip's Accept) | ${cached.rps.toFixed(0)} (${JSON.stringify(cached.statuses)}) | ${uncached.rps.toFixed(0)} (${JSON.stringify(uncached.statuses)}) | ${peerPage.rps.toFixed(0)} | ${(peerPage.rps / cached.rps).toFixed(2)} |`);
  console.log(`| pip install of the 30-package tree, median of ${PIP_RUNS} (no pip cache, alternating) | ${fmt(pipCached)} | ${fmt(pipUncached)} | ${fmt(pipPeer)} | ${(pipCached / pipPeer).toFixed(2)} |`);
  if (BIG_MIB > 0) {
    const big = await bigUpload(url, project.id);
    console.log(`\n| big wheel upload (twine) | size | time | workerd RSS before | peak RSS sampled every 100 ms | VmHWM after |`);
    console.log("|---|---|---|---|---|---|");
    console.log(`| ${big.mib} MiB | ${big.size} bytes | ${big.seconds.toFixed(1)} s (${(big.mib / big.seconds).toFixed(1)} MiB/s) | ${big.beforeMb.toFixed(0)} MB | ${big.sampledPeakMb.toFixed(0)} MB | ${big.hwmMb.toFixed(0)} MB |`);
  }
}

runBench(main, {
  minutes: 30,
  cleanup: async () => {
    await stop();
    rmSync(work, { recursive: true, force: true });
  },
});
