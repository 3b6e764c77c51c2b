#!/usr/bin/env node
// The control for the load bench's memory curve: a Worker of a few lines under the same Miniflare as
// `npm start` (same workerd, D1 and R2 simulators, persisted state), hammered by the same closed-loop client for
// --seconds (default 90) with --concurrency clients (16). Each request reads one D1 row and, with --r2, one
// small R2 object. Prints the workerd RSS every 5 s: if it climbs as Packyard's does, the climb is the
// runtime's and its simulators', not Packyard's.
//
//   node bench/load/control.mjs [--seconds 90] [--concurrency 16] [--r2]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { Log, LogLevel, Miniflare, convertV4MiniflareOptions } from "miniflare";

const arg = (flag, fallback) => {
  const i = process.argv.indexOf(flag);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const SECONDS = arg("--seconds", 90);
const CONCURRENCY = arg("--concurrency", 16);
const R2 = process.argv.includes("--r2");

const script = `export default {
  async fetch(request, env) {
    const row = await env.DB.prepare("SELECT id, name FROM t WHERE id = ?").bind(1 + Math.floor(Math.random() * 100)).first();
    let size = 0;
    if (env.USE_R2 === "1") {
      const object = await env.BLOBS.get("o" + (row.id % 10));
      size = object ? (await object.arrayBuffer()).byteLength : -1;
    }
    return Response.json({ row, size });
  },
};`;

const state = mkdtempSync(path.join(tmpdir(), "packyard-control-"));
// Miniflare 5 takes the v4 options through convertV4MiniflareOptions, as scripts/serve.mjs does.
const mf = new Miniflare(
  convertV4MiniflareOptions({
    modules: true,
    cf: false,
    script,
    host: "127.0.0.1",
    port: 0,
    d1Databases: ["DB"],
    r2Buckets: ["BLOBS"],
    bindings: { USE_R2: R2 ? "1" : "0" },
    resourcePersistencePath: state,
    log: new Log(LogLevel.WARN),
  }),
);
const url = (await mf.ready).href.replace(/\/$/, "");
const db = await mf.getD1Database("DB");
await db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)");
for (let i = 1; i <= 100; i++) await db.prepare("INSERT INTO t (id, name) VALUES (?, ?)").bind(i, `row ${i}`).run();
const bucket = await mf.getR2Bucket("BLOBS");
for (let i = 0; i < 10; i++) await bucket.put(`o${i}`, new Uint8Array(4096 + i));

function workerdRss() {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent !== process.pid || !readFileSync(`/proc/${entry}/comm`, "utf8").startsWith("workerd")) continue;
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${entry}/status`, "utf8"))?.[1] ?? 0) / 1024;
    } catch {
      /* gone */
    }
  }
  return Math.round(total);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY + 4 });
const get = () =>
  new Promise((resolve) => {
    const req = http.get(url, { agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", () => resolve(0));
  });
let requests = 0;
let failures = 0;
const samples = [];
const t0 = performance.now();
const sample = () => samples.push(`${Math.round((performance.now() - t0) / 1000)}/${workerdRss()}`);
sample();
const timer = setInterval(sample, 5000);
const deadline = performance.now() + SECONDS * 1000;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < deadline) {
      if ((await get()) !== 200) failures++;
      requests++;
    }
  }),
);
clearInterval(timer);
sample();
agent.destroy();
await mf.dispose();
rmSync(state, { recursive: true, force: true });
console.log(`control Worker (D1 row${R2 ? " + R2 object" : ""} per request): ${requests} requests in ${SECONDS} s, ${failures} failures`);
console.log(`t (s) / workerd RSS (MiB): ${samples.join("  ")}`);
