// Generic upload/download throughput: Packyard (auth, D1, coordinator, sha256 while streaming in 1 MiB
// pieces, edge-cache wrapper) against a bare Worker that only streams to and from R2 (bench/generic/bare-worker.js),
// both under `wrangler dev` on 127.0.0.1 in this one run, alternating, with the same client code.
// Sizes: 1 MB and 100 MB as single PUTs, 1 GiB through the chunked APIs (64 MiB parts, 2 in parallel).
//
//   node_modules/.bin/node bench/generic/run.mjs [--quick]    (--quick: 1 MB and 100 MB only)
// Where the upload time goes (piping, hashing per algorithm): bench/generic/variants.mjs.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, createReadStream, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import http from "node:http";
import { freePort } from "../lib/free-port.mjs";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const WRANGLER = path.join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const ENV = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" };
const MiB = 1024 * 1024;
const PART = 64 * MiB;
const quick = process.argv.includes("--quick");
const children = [];
const work = mkdtempSync(path.join(tmpdir(), "packyard-bench-generic-"));

/** Peak VmRSS (MiB) of the workerd runtimes under a wrangler child (not the proxy bound to `port`), sampled while `fn` runs. */
async function withPeakRss(target, fn) {
  const proc = (pid, file) => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, "utf8");
    } catch {
      return "";
    }
  };
  const parent = (pid) => Number(proc(pid, "stat").split(") ")[1]?.split(" ")[1] ?? -1);
  const runtimes = () =>
    readdirSync("/proc")
      .filter((p) => /^\d+$/.test(p))
      .map(Number)
      .filter((pid) => {
        const cmd = proc(pid, "cmdline").replace(/\0/g, " ");
        if (!/workerd/.test(cmd.split(" ")[0]) || cmd.includes(`127.0.0.1:${target.port} `)) return false;
        for (let p = parent(pid), hops = 0; p > 1 && hops < 10; p = parent(p), hops++) if (p === target.pid) return true;
        return false;
      });
  const rss = () => Math.max(0, ...runtimes().map((pid) => Number(/VmRSS:\s+(\d+)/.exec(proc(pid, "status"))?.[1] ?? 0) / 1024));
  const start = rss();
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, rss())), 200);
  try {
    const result = await fn();
    return { result, start, peak: Math.max(peak, rss()) };
  } finally {
    clearInterval(timer);
  }
}

async function startWrangler(args, probe) {
  const port = await freePort();
  const child = spawn(process.execPath, [WRANGLER, "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(await freePort()), ...args], {
    cwd: ROOT,
    env: ENV,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  children.push(child);
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 90_000; ; ) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited: ${output}`);
    try {
      if ((await fetch(`${url}${probe.path}`, { headers: probe.headers })).status < 500) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`wrangler dev did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, port, pid: child.pid };
}

function stopAll() {
  for (const child of children) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      /* gone */
    }
  }
}

/**
 * One HTTP request with a streamed file range as body (exact Content-Length) or none; drains the answer.
 * A fresh connection each (`agent: false`), as a CLI client makes: Node's keep-alive pool reused sockets
 * the dev server had closed while the next file was being written, and the next upload failed with
 * "socket hang up" or EPIPE.
 */
function request(method, url, { headers = {}, file, start = 0, end, json } = {}) {
  return new Promise((resolve, reject) => {
    const body = json === undefined ? null : Buffer.from(JSON.stringify(json));
    const length = file ? end - start : body ? body.length : 0;
    const req = http.request(url, { method, agent: false, headers: { ...headers, "content-length": String(length), ...(body ? { "content-type": "application/json" } : {}) } }, (res) => {
      const chunks = [];
      let bytes = 0;
      res.on("data", (d) => {
        bytes += d.length;
        if (chunks.length < 64) chunks.push(d);
      });
      res.on("end", () => {
        const text = bytes < 1 * MiB ? Buffer.concat(chunks).toString("utf8") : "";
        resolve({ status: res.statusCode, bytes, text, json: () => JSON.parse(text) });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (file) createReadStream(file, { start, end: end - 1, highWaterMark: MiB }).on("error", reject).pipe(req);
    else req.end(body ?? undefined);
  });
}

function makeFile(name, size) {
  const file = path.join(work, name);
  const fd = openSync(file, "w");
  const block = Buffer.alloc(MiB);
  for (let written = 0, i = 0; written < size; i++) {
    for (let j = 0; j < block.length; j += 32) createHash("sha256").update(`${name}:${i}:${j}`).digest().copy(block, j);
    const n = Math.min(block.length, size - written);
    writeSync(fd, block, 0, n);
    written += n;
  }
  closeSync(fd);
  return file;
}

function sha256Of(file) {
  return spawnSync("sha256sum", [file], { encoding: "utf8" }).stdout.split(" ")[0];
}

async function timed(fn) {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, result };
}

/** wrangler dev reloads the Worker when sources in the working tree change, dropping requests in flight: retry a measurement. */
async function attempt(label, fn) {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i >= 3) throw error;
      console.error(`${label}: ${error.message}; measuring again`);
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
}

const lastChunkedKey = new Map();

async function inParallel(items, width, fn) {
  const queue = [...items];
  await Promise.all(Array.from({ length: width }, async () => {
    while (queue.length) await fn(queue.shift());
  }));
}

// --- the two targets, behind one interface -------------------------------------------------------

function packyardTarget(url, token, projectId) {
  const headers = { "PRIVATE-TOKEN": token };
  const fileUrl = (key) => `${url}/api/v4/projects/${projectId}/packages/generic/bench/1.0.0/${key}`;
  return {
    name: "packyard",
    async put(key, file, size) {
      const res = await request("PUT", fileUrl(key), { headers, file, start: 0, end: size });
      if (res.status !== 201) throw new Error(`packyard PUT ${res.status} ${res.text}`);
    },
    async get(key, size) {
      const res = await request("GET", fileUrl(key), { headers });
      if (res.status !== 200 || res.bytes !== size) throw new Error(`packyard GET ${res.status} ${res.bytes}`);
    },
    async chunked(key, file, size, sha256) {
      lastChunkedKey.set("packyard", key);
      const started = await request("POST", `${fileUrl(key)}/uploads`, { headers, json: { size, sha256, part_size: PART } });
      if (started.status !== 201) throw new Error(`packyard start ${started.status} ${started.text}`);
      const session = started.json();
      const parts = Array.from({ length: session.part_count }, (_, i) => i + 1);
      await inParallel(parts, 2, async (n) => {
        const res = await request("PUT", session.part_url_template.replace("{part_number}", n), { headers, file, start: (n - 1) * PART, end: Math.min(n * PART, size) });
        if (res.status !== 200) throw new Error(`packyard part ${n}: ${res.status} ${res.text}`);
      });
      const completeStart = process.hrtime.bigint();
      const done = await request("POST", session.complete_url, { headers });
      if (done.status !== 201) throw new Error(`packyard complete ${done.status} ${done.text}`);
      return { completeSeconds: Number(process.hrtime.bigint() - completeStart) / 1e9 };
    },
  };
}

function bareTarget(url) {
  return {
    name: "bare R2",
    async put(key, file, size) {
      const res = await request("PUT", `${url}/obj/${key}`, { file, start: 0, end: size });
      if (res.status !== 201) throw new Error(`bare PUT ${res.status}`);
    },
    async get(key, size) {
      const res = await request("GET", `${url}/obj/${key}`);
      if (res.status !== 200 || res.bytes !== size) throw new Error(`bare GET ${res.status} ${res.bytes}`);
    },
    async chunked(key, file, size) {
      lastChunkedKey.set("bare R2", key);
      const { uploadId } = (await request("POST", `${url}/mpu/${key}`)).json();
      const count = Math.ceil(size / PART);
      const parts = [];
      await inParallel(Array.from({ length: count }, (_, i) => i + 1), 2, async (n) => {
        const res = await request("PUT", `${url}/mpu/${key}/${uploadId}/${n}`, { file, start: (n - 1) * PART, end: Math.min(n * PART, size) });
        parts.push(res.json());
      });
      parts.sort((a, b) => a.partNumber - b.partNumber);
      const done = await request("POST", `${url}/mpu/${key}/${uploadId}`, { json: parts });
      if (done.status !== 201) throw new Error(`bare complete ${done.status}`);
      return { completeSeconds: 0 };
    },
  };
}

// --- run ------------------------------------------------------------------------------------------

try {
  const adminToken = `bench-${Math.random().toString(36).slice(2)}`;
  const packyardState = path.join(work, "packyard-state");
  // Run Packyard from a bundle built once: wrangler dev reloads (and drops long requests) whenever a
  // source in the shared working tree changes.
  const bundleDir = path.join(work, "bundle");
  const build = spawnSync(process.execPath, [WRANGLER, "deploy", "--dry-run", "--outdir", bundleDir], { cwd: ROOT, env: ENV, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`bundle failed: ${build.stdout}${build.stderr}`);
  const config = path.join(work, "wrangler.packyard.toml");
  writeFileSync(
    config,
    readFileSync(path.join(ROOT, "wrangler.toml"), "utf8")
      .replace(/^main = .*$/m, `main = "${path.join(bundleDir, "index.js")}"\nno_bundle = true`)
      .replace(/^migrations_dir = .*$/m, `migrations_dir = "${path.join(ROOT, "migrations")}"`),
  );
  const migrate = spawnSync(process.execPath, [WRANGLER, "d1", "migrations", "apply", "DB", "--local", "-c", config, "--persist-to", packyardState], { cwd: ROOT, env: ENV, encoding: "utf8" });
  if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stdout}${migrate.stderr}`);
  console.error("starting Packyard and the bare R2 Worker under wrangler dev…");
  const [packyard, bare] = await Promise.all([
    startWrangler(["-c", config, "--persist-to", packyardState, "--var", `ADMIN_TOKEN:${adminToken}`], { path: "/api/v4/user", headers: { "PRIVATE-TOKEN": adminToken } }),
    startWrangler(["-c", "bench/generic/wrangler.toml", "--persist-to", path.join(work, "bare-state")], { path: "/obj/probe" }),
  ]);
  const packyardUrl = packyard.url;

  const admin = async (method, apiPath, body) => {
    const res = await fetch(`${packyardUrl}/api/v4${apiPath}`, { method, headers: { "PRIVATE-TOKEN": adminToken, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
    if (!res.ok) throw new Error(`${method} ${apiPath}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const user = await admin("POST", "/users", { username: "bench", name: "bench", password: "password123" });
  const { token } = await admin("POST", `/users/${user.id}/personal_access_tokens`, { name: "bench", scopes: ["api"] });
  const group = await admin("POST", "/groups", { name: "bench-generic", path: "bench-generic", visibility: "private" });
  const project = await admin("POST", "/projects", { name: "files", path: "files", namespace_id: group.id });
  await admin("POST", `/projects/${project.id}/members`, { user_id: user.id, access_level: 30 });

  const targets = [
    { ...packyardTarget(packyardUrl, token, project.id), process: packyard },
    { ...bareTarget(bare.url), process: bare },
  ];
  const cases = [
    { label: "1 MB", size: 1_000_000, runs: 5, chunked: false },
    { label: "100 MB", size: 100_000_000, runs: 2, chunked: false },
    ...(quick ? [] : [{ label: "1 GiB (chunked)", size: 1024 * MiB, runs: 1, chunked: true }]),
  ];
  const rows = [];
  for (const c of cases) {
    console.error(`preparing ${c.label}…`);
    const file = makeFile(`data-${c.size}.bin`, c.size);
    const sha256 = sha256Of(file);
    const results = new Map(targets.map((t) => [t.name, { up: [], down: [], complete: [], rss: { up: "", down: "" } }]));
    for (let run = 0; run < c.runs; run++) {
      for (const target of targets) {
        const key = `f-${c.size}-${run}.bin`;
        const r = results.get(target.name);
        const upRss = await attempt(`${target.name} ${c.label} upload`, () => withPeakRss(target.process, () => timed(() => (c.chunked ? target.chunked(`${key}-${Date.now()}`, file, c.size, sha256) : target.put(key, file, c.size)).then((x) => x))));
        const downRss = await attempt(`${target.name} ${c.label} download`, () => withPeakRss(target.process, () => timed(() => target.get(c.chunked ? lastChunkedKey.get(target.name) : key, c.size))));
        const up = upRss.result;
        const down = downRss.result;
        r.rss.up = `${upRss.start.toFixed(0)}→${upRss.peak.toFixed(0)}`;
        r.rss.down = `${downRss.start.toFixed(0)}→${downRss.peak.toFixed(0)}`;
        r.up.push(up.seconds);
        r.down.push(down.seconds);
        if (up.result?.completeSeconds) r.complete.push(up.result.completeSeconds);
      }
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const mbps = (s) => c.size / 1e6 / s;
    const p = results.get("packyard");
    const b = results.get("bare R2");
    for (const op of ["up", "down"]) {
      rows.push({
        size: c.label,
        op: op === "up" ? "upload" : "download",
        packyard: mbps(median(p[op])),
        bare: mbps(median(b[op])),
        rss: `${p.rss[op]} / ${b.rss[op]}`,
        note: op === "up" && p.complete.length ? `complete+verify ${median(p.complete).toFixed(1)} s` : "",
      });
    }
    rmSync(file, { force: true });
  }

  const pad = (s, n) => String(s).padEnd(n);
  console.log(`\nGeneric throughput, MB/s (median; ${new Date().toISOString()}; wrangler dev on 127.0.0.1, local R2)`);
  console.log(`${pad("size", 17)}${pad("op", 10)}${pad("Packyard", 10)}${pad("bare R2", 10)}${pad("ratio", 8)}${pad("runtime RSS MiB (Packyard / bare)", 36)}note`);
  for (const r of rows) {
    console.log(`${pad(r.size, 17)}${pad(r.op, 10)}${pad(r.packyard.toFixed(1), 10)}${pad(r.bare.toFixed(1), 10)}${pad((r.packyard / r.bare).toFixed(2), 8)}${pad(r.rss, 36)}${r.note}`);
  }
} finally {
  stopAll();
  await new Promise((r) => setTimeout(r, 500));
  rmSync(work, { recursive: true, force: true });
}
