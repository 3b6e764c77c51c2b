#!/usr/bin/env node
// Sustained load (issue 24): `npm run bench -- load [--seconds 300] [--concurrency 16] [--packages 40] [--reads-only] [--only KIND] [--json FILE]`.
//
// Packyard runs as `npm start` serves it (bench/lib/packyard.mjs: scripts/serve.mjs, Miniflare, a fresh state) on
// 127.0.0.1. A public project gets --packages npm packages (2 versions each) and one Generic package. Then
// --concurrency closed-loop clients (a bounded Node client over keep-alive connections) send, for --seconds:
//   installs, anonymous and with the token: the abbreviated packument (npm's Accept) and a tarball;
//   metadata reads: the Packages API list of one package (token) and its npm dist-tags (anonymous);
//   publishes: a new npm version of a random package (npm's PUT), a new Generic file (curl's PUT).
// Each answer is checked (status, and for a tarball its sha1 against what was published). Reported: requests
// and throughput, p50/p99 latency per request kind, 5xx and other unexpected answers, connection errors,
// versions lost (every acknowledged publish looked up afterwards: the version in the full packument with the
// same shasum, the Generic file in the Packages API with the same sha256), and the runtime's RSS (the workerd
// processes, VmRSS, and how much of it is anonymous) and the load average sampled every --sample-seconds (5), and
// workerd's CPU time per request. Exits 1 on a 5xx or a lost version.
//
// Memory (docs/reliability.md, "Where the memory goes"): --heaps opens workerd's inspector and adds each
// isolate's V8 heap to the samples (the Worker, "core:user:packyard", and Miniflare's simulators), then forces a
// full GC in every isolate after the load and samples again; --v8-flags "FLAGS" replaces scripts/serve.mjs's
// WORKERD_V8_FLAGS for the run ("" for V8's defaults, to see the curve without them).
import { createHash, randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { loadavg } from "node:os";
import { execFileSync } from "node:child_process";
import { freePort } from "../lib/free-port.mjs";
import { QUIET_ENV, bundleOnce, startPackyard } from "../lib/packyard.mjs";
import { WORKERD_V8_FLAGS } from "../../scripts/serve.mjs";
import { cpuSeconds, inspectIsolates, rssBreakdownMiB, rssMiB, workerdPids } from "./memory.mjs";

const arg = (flag, fallback) => {
  const i = process.argv.indexOf(flag);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} wants a positive number`);
  return value;
};
const stringArg = (flag) => {
  const i = process.argv.indexOf(flag);
  return i < 0 ? undefined : process.argv[i + 1];
};
const SECONDS = arg("--seconds", 300);
const CONCURRENCY = Math.floor(arg("--concurrency", 16));
const PACKAGES = Math.floor(arg("--packages", 40));
const SAMPLE_SECONDS = arg("--sample-seconds", 5);
const JSON_OUT = stringArg("--json");
const HEAPS = process.argv.includes("--heaps");
const V8_FLAGS = stringArg("--v8-flags") ?? WORKERD_V8_FLAGS;
const log = (m) => process.stderr.write(`${m}\n`);
const NPM_ACCEPT = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*";

// What each client does, by weight (out of 100): mostly installs, as a registry sees.
const MIX = [
  ["packument (anonymous)", 25],
  ["tarball (anonymous)", 25],
  ["packument (token)", 10],
  ["tarball (token)", 10],
  ["Packages API list (token)", 10],
  ["dist-tags (anonymous)", 8],
  ["npm publish (token)", 8],
  ["generic PUT (token)", 4],
];
// --reads-only: no publishes during the run (to tell memory that follows the stored data from the rest).
const READS_ONLY = process.argv.includes("--reads-only");
if (READS_ONLY) for (const entry of MIX) if (/publish|PUT/.test(entry[0])) entry[1] = 0;
// --only TEXT: only the request kinds whose name contains TEXT (to tell which kind memory follows).
const ONLY = stringArg("--only");
if (ONLY) for (const entry of MIX) if (!entry[0].includes(ONLY)) entry[1] = 0;
if (MIX.every(([, w]) => w === 0)) throw new Error(`no request kind left (kinds: ${MIX.map(([k]) => k).join(", ")})`);
const TOTAL_WEIGHT = MIX.reduce((n, [, w]) => n + w, 0);

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY + 4 });
/** One request; resolves with { status, body (Buffer), ms } or { error, ms }. */
function request(base, method, path, headers = {}, body) {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(`${base}${path}`, { method, agent, headers: { ...headers, ...(body ? { "content-length": String(body.length) } : {}) }, timeout: 60_000 }, (res) => {
      const chunks = [];
      res.on("data", (d) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks), ms: performance.now() - started }));
      res.on("error", (error) => resolve({ error: String(error), ms: performance.now() - started }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout after 60 s")));
    req.on("error", (error) => resolve({ error: String(error), ms: performance.now() - started }));
    req.end(body);
  });
}

const sha1 = (b) => createHash("sha1").update(b).digest("hex");
const sha256 = (b) => createHash("sha256").update(b).digest("hex");
const sha512b64 = (b) => createHash("sha512").update(b).digest("base64");

/** The JSON `npm publish` PUTs for one new version (dist digests of the tarball, which goes base64 inside). */
function publishBody(name, version, tarball) {
  const fileName = `${name}-${version}.tgz`;
  return Buffer.from(
    JSON.stringify({
      _id: name,
      name,
      "dist-tags": { latest: version },
      versions: { [version]: { name, version, _id: `${name}@${version}`, dist: { shasum: sha1(tarball), integrity: `sha512-${sha512b64(tarball)}`, tarball: `http://client.invalid/${name}/-/${fileName}` } } },
      access: null,
      _attachments: { [fileName]: { content_type: "application/octet-stream", data: tarball.toString("base64"), length: tarball.length } },
    }),
  );
}

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

async function main() {
  const started = new Date();
  const commit = (() => {
    try {
      return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    } catch {
      return "unknown";
    }
  })();
  const bundleDir = await bundleOnce();
  // The server is a child process started with QUIET_ENV: its V8 flags and inspector port go there.
  QUIET_ENV.MINIFLARE_WORKERD_V8_FLAGS = [V8_FLAGS, HEAPS ? "--expose-gc" : ""].filter(Boolean).join(" ");
  if (HEAPS) QUIET_ENV.PACKYARD_INSPECTOR_PORT = String(await freePort());
  const packyard = await startPackyard({ bundleDir, log });
  const base = packyard.base;
  try {
    // Seed: a user (Maintainer) with a token, a public project, PACKAGES npm packages of 2 versions, a Generic package.
    const { api } = packyard;
    const user = await api("POST", "/users", { username: "loader", name: "loader", password: "password123" });
    const token = (await api("POST", `/users/${user.id}/personal_access_tokens`, { name: "load", scopes: ["api"] })).token;
    const group = await api("POST", "/groups", { name: "load", path: "load", visibility: "public" });
    const project = await api("POST", "/projects", { name: "load", path: "load", namespace_id: group.id, visibility: "public" });
    await api("POST", `/projects/${project.id}/members`, { user_id: user.id, access_level: 40 });
    const npmBase = `/api/v4/projects/${project.id}/packages/npm`;
    const auth = { authorization: `Bearer ${token}` };
    /** name → [{ version, shasum }] of acknowledged versions; every acknowledged publish also goes to `published`. */
    const packages = Array.from({ length: PACKAGES }, (_, i) => ({ name: `@load/pkg-${i}`, versions: [], next: 0 }));
    const published = [];
    const genericPublished = [];
    let counter = 0;

    async function publishNpm(pkg) {
      const version = `1.0.${pkg.next++}`;
      const tarball = randomBytes(2048 + Math.floor(Math.random() * 6144));
      const res = await request(base, "PUT", `${npmBase}/${encodeURIComponent(pkg.name)}`, { ...auth, "content-type": "application/json", "npm-command": "publish" }, publishBody(pkg.name, version, tarball));
      if (res.status === 200) {
        const entry = { name: pkg.name, version, shasum: sha1(tarball) };
        pkg.versions.push(entry);
        published.push(entry);
      }
      return { res, expected: 200 };
    }
    async function publishGeneric() {
      const n = ++counter;
      const bytes = randomBytes(1024 + Math.floor(Math.random() * 16384));
      const res = await request(base, "PUT", `/api/v4/projects/${project.id}/packages/generic/load-files/1.0.0/file-${n}.bin`, { "PRIVATE-TOKEN": token }, bytes);
      if (res.status === 201) genericPublished.push({ fileName: `file-${n}.bin`, sha256: sha256(bytes) });
      return { res, expected: 201 };
    }

    log(`seeding ${PACKAGES} npm packages × 2 versions and a Generic file…`);
    for (let round = 0; round < 2; round++) {
      await Promise.all(
        packages.map(async (pkg) => {
          const { res } = await publishNpm(pkg);
          if (res.status !== 200) throw new Error(`seed publish of ${pkg.name}: ${res.status ?? res.error} ${res.body ?? ""}`);
        }),
      );
    }
    if ((await publishGeneric()).res.status !== 201) throw new Error("seed Generic PUT failed");

    const stats = new Map(MIX.map(([kind]) => [kind, { latencies: [], byStatus: {}, fiveXX: 0, unexpected: 0, connErrors: 0, badBytes: 0, samples: [] }]));
    const pick = () => packages[Math.floor(Math.random() * packages.length)];
    const pickKind = () => {
      let r = Math.random() * TOTAL_WEIGHT;
      for (const [kind, w] of MIX) {
        r -= w;
        if (r < 0) return kind;
      }
      return MIX[0][0];
    };

    async function one(kind) {
      const pkg = pick();
      const anon = kind.includes("anonymous");
      const headers = anon ? {} : auth;
      switch (kind) {
        case "packument (anonymous)":
        case "packument (token)":
          return { res: await request(base, "GET", `${npmBase}/${encodeURIComponent(pkg.name)}`, { ...headers, accept: NPM_ACCEPT }), expected: 200 };
        case "tarball (anonymous)":
        case "tarball (token)": {
          const v = pkg.versions[Math.floor(Math.random() * pkg.versions.length)];
          const res = await request(base, "GET", `${npmBase}/${encodeURIComponent(pkg.name)}/-/${pkg.name}-${v.version}.tgz`, headers);
          return { res, expected: 200, bytesOk: res.status !== 200 || sha1(res.body) === v.shasum };
        }
        case "Packages API list (token)":
          return { res: await request(base, "GET", `/api/v4/projects/${project.id}/packages?package_name=${encodeURIComponent(pkg.name)}&per_page=20`, { "PRIVATE-TOKEN": token }), expected: 200 };
        case "dist-tags (anonymous)":
          return { res: await request(base, "GET", `${npmBase}/-/package/${encodeURIComponent(pkg.name)}/dist-tags`), expected: 200 };
        case "npm publish (token)":
          return publishNpm(pkg);
        case "generic PUT (token)":
          return publishGeneric();
      }
      throw new Error(kind);
    }

    // RSS, where it lies, V8 heaps (--heaps) and load average, sampled while the load runs.
    const pids = workerdPids(packyard.pid);
    const inspector = HEAPS ? await inspectIsolates(Number(QUIET_ENV.PACKYARD_INSPECTOR_PORT)) : null;
    const memory = [];
    const t0 = performance.now();
    const round1 = (x) => Number(x.toFixed(1));
    const sample = async (note) => {
      const { anon, file } = rssBreakdownMiB(pids);
      const entry = { t: Math.round((performance.now() - t0) / 1000), rssMiB: Math.round(rssMiB(pids)), anonMiB: Math.round(anon), fileMiB: Math.round(file), load1: Number(loadavg()[0].toFixed(2)), requests: [...stats.values()].reduce((n, s) => n + s.latencies.length, 0) };
      if (note) entry.note = note;
      if (inspector) {
        const heaps = await inspector.heaps();
        entry.heapsMiB = Object.fromEntries(Object.entries(heaps).map(([name, h]) => [name, { used: round1(h.usedMiB), total: round1(h.totalMiB) }]));
        entry.v8UsedMiB = round1(Object.values(heaps).reduce((n, h) => n + h.usedMiB, 0));
        entry.v8TotalMiB = round1(Object.values(heaps).reduce((n, h) => n + h.totalMiB, 0));
      }
      memory.push(entry);
    };
    await sample();
    const cpuAtStart = cpuSeconds(pids);
    const sampler = setInterval(() => void sample(), SAMPLE_SECONDS * 1000);
    const deadline = performance.now() + SECONDS * 1000;
    let lastLog = performance.now();
    log(`load: ${SECONDS} s, ${CONCURRENCY} clients, ${PACKAGES} packages, against ${base}`);
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < deadline) {
          const kind = pickKind();
          const { res, expected, bytesOk = true } = await one(kind);
          const s = stats.get(kind);
          s.latencies.push(res.ms);
          if (res.error) {
            s.connErrors++;
            if (s.samples.length < 3) s.samples.push(res.error);
            continue;
          }
          s.byStatus[res.status] = (s.byStatus[res.status] ?? 0) + 1;
          if (res.status >= 500) s.fiveXX++;
          if (res.status !== expected) {
            s.unexpected++;
            if (s.samples.length < 3) s.samples.push(`${res.status} ${res.body.toString("utf8").slice(0, 200)}`);
          }
          if (!bytesOk) s.badBytes++;
          if (performance.now() - lastLog > 30_000) {
            lastLog = performance.now();
            const last = memory.at(-1);
            log(`  ${Math.round((performance.now() - t0) / 1000)} s: ${last?.requests ?? 0} requests, RSS ${last?.rssMiB} MiB, load ${last?.load1}`);
          }
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    const cpuMsPerRequest = ((cpuSeconds(pids) - cpuAtStart) * 1000) / [...stats.values()].reduce((n, s) => n + s.latencies.length, 0);
    clearInterval(sampler);
    await sample();
    if (inspector) {
      // What is garbage and what is live: a full GC in every isolate, then the same figures again.
      await inspector.collectGarbage();
      await new Promise((r) => setTimeout(r, 2000));
      await sample("after a full GC in every isolate");
      inspector.close();
    }

    // Versions lost: every acknowledged publish, looked up afterwards.
    log(`checking ${published.length} npm versions and ${genericPublished.length} Generic files…`);
    const lost = [];
    for (const pkg of packages) {
      const res = await request(base, "GET", `${npmBase}/${encodeURIComponent(pkg.name)}`, auth);
      const doc = res.status === 200 ? JSON.parse(res.body.toString("utf8")) : { versions: {} };
      for (const v of pkg.versions) if (doc.versions?.[v.version]?.dist?.shasum !== v.shasum) lost.push(`${pkg.name}@${v.version}`);
    }
    const listed = await api("GET", `/projects/${project.id}/packages?package_type=generic&package_name=load-files`);
    const genericFiles = new Map();
    for (const p of listed) {
      for (let page = 1; page <= 1000; page++) {
        const files = await api("GET", `/projects/${project.id}/packages/${p.id}/package_files?per_page=100&page=${page}`);
        for (const f of files) genericFiles.set(f.file_name, f.file_sha256);
        if (files.length < 100) break;
      }
    }
    for (const g of genericPublished) if (genericFiles.get(g.fileName) !== g.sha256) lost.push(`generic ${g.fileName}`);

    const rows = MIX.map(([kind]) => {
      const s = stats.get(kind);
      const sorted = [...s.latencies].sort((a, b) => a - b);
      return { kind, requests: sorted.length, perSecond: sorted.length / elapsed, p50: pct(sorted, 50), p99: pct(sorted, 99), fiveXX: s.fiveXX, unexpected: s.unexpected, connErrors: s.connErrors, badBytes: s.badBytes, byStatus: s.byStatus, samples: s.samples };
    });
    const total = rows.reduce((n, r) => n + r.requests, 0);
    const result = {
      command: `npm run bench -- load --seconds ${SECONDS} --concurrency ${CONCURRENCY} --packages ${PACKAGES}${READS_ONLY ? " --reads-only" : ""}${ONLY ? ` --only '${ONLY}'` : ""}${HEAPS ? " --heaps" : ""}${V8_FLAGS !== WORKERD_V8_FLAGS ? ` --v8-flags '${V8_FLAGS}'` : ""}`,
      commit,
      date: started.toISOString(),
      node: process.version,
      elapsedSeconds: Number(elapsed.toFixed(1)),
      total,
      throughput: Number((total / elapsed).toFixed(1)),
      fiveXX: rows.reduce((n, r) => n + r.fiveXX, 0),
      unexpected: rows.reduce((n, r) => n + r.unexpected, 0),
      connErrors: rows.reduce((n, r) => n + r.connErrors, 0),
      badBytes: rows.reduce((n, r) => n + r.badBytes, 0),
      published: published.length,
      genericPublished: genericPublished.length,
      lost,
      rows,
      v8Flags: QUIET_ENV.MINIFLARE_WORKERD_V8_FLAGS,
      workerdCpuMsPerRequest: Number(cpuMsPerRequest.toFixed(3)),
      memory,
    };
    const f = (x) => (Number.isFinite(x) ? x.toFixed(1) : "–");
    console.log(`\n${result.command}  (commit ${commit}, ${result.date}, ${result.elapsedSeconds} s)`);
    console.log("\n| request | requests | req/s | p50 ms | p99 ms | 5xx | other unexpected | connection errors |");
    console.log("|---|---|---|---|---|---|---|---|");
    for (const r of rows) console.log(`| ${r.kind} | ${r.requests} | ${f(r.perSecond)} | ${f(r.p50)} | ${f(r.p99)} | ${r.fiveXX} | ${r.unexpected - r.fiveXX} | ${r.connErrors} |`);
    console.log(`| all | ${total} | ${f(result.throughput)} | | | ${result.fiveXX} | ${result.unexpected - result.fiveXX} | ${result.connErrors} |`);
    console.log(`\nversions lost: ${lost.length} of ${published.length} npm versions and ${genericPublished.length} Generic files acknowledged${lost.length ? ` (${lost.slice(0, 10).join(", ")})` : ""}; tarballs with wrong bytes: ${result.badBytes}`);
    const during = memory.filter((m) => !m.note);
    const rss = during.map((m) => m.rssMiB);
    console.log(`workerd V8 flags "${result.v8Flags}"; workerd CPU ${result.workerdCpuMsPerRequest} ms per request`);
    console.log(`runtime RSS (MiB, every ${SAMPLE_SECONDS} s): min ${Math.min(...rss)}, max ${Math.max(...rss)}, first ${rss[0]}, last ${rss.at(-1)}`);
    const step = Math.max(1, Math.floor(during.length / 12));
    const shown = [...during.filter((_, i) => i % step === 0 || i === during.length - 1), ...memory.filter((m) => m.note)];
    const v8 = (m) => (m.heapsMiB ? ` V8 ${m.v8UsedMiB}/${m.v8TotalMiB} (Worker ${m.heapsMiB["core:user:packyard"]?.used}/${m.heapsMiB["core:user:packyard"]?.total})` : "");
    console.log(`  t (s): requests, RSS / anonymous (MiB), load1${inspector ? ", V8 heaps used/total (MiB, all isolates; the Worker's)" : ""}`);
    for (const m of shown) console.log(`  ${m.note ? `${m.note}:` : `${m.t}:`} ${m.requests}, ${m.rssMiB} / ${m.anonMiB}, ${m.load1}${v8(m)}`);
    for (const r of rows) if (r.samples.length) console.log(`  ${r.kind}: ${r.samples.join(" | ")}`);
    if (JSON_OUT) writeFileSync(JSON_OUT, `${JSON.stringify(result, null, 2)}\n`);
    process.exitCode = result.fiveXX > 0 || lost.length > 0 || result.badBytes > 0 ? 1 : 0;
  } finally {
    agent.destroy();
    await packyard.stop();
    rmSync(bundleDir, { recursive: true, force: true });
  }
}

await main();
