#!/usr/bin/env node
// The control for the load bench's memory curve: a Worker of a few lines under the same Miniflare as
// `npm start` (same workerd, D1 and R2 simulators, persisted state), hammered by the same closed-loop client for
// --seconds (default 90) with --concurrency clients (16). Each request reads one D1 row and, with --r2, one
// small R2 object. Prints the workerd RSS every 5 s: if it climbs as Packyard's does, the climb is the
// runtime's and its simulators', not Packyard's.
//
// --direct serves through a workerd socket of its own (Miniflare's unsafeDirectSockets), as `npm start` does;
// --inspector PORT opens workerd's inspector and adds each isolate's V8 heap to the samples; --idle N keeps
// sampling N seconds after the load (with --inspector, after a forced full GC in every isolate); --v8-flags
// "FLAGS" replaces scripts/serve.mjs's WORKERD_V8_FLAGS ("" for V8's defaults, the curve before them).
//
//   node bench/load/control.mjs [--seconds 90] [--concurrency 16] [--r2] [--direct] [--inspector PORT] [--idle N]
//                               [--v8-flags "FLAGS"]
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { Log, LogLevel, Miniflare, convertV4MiniflareOptions } from "miniflare";
import { WORKERD_V8_FLAGS } from "../../scripts/serve.mjs";
import { cpuSeconds, inspectIsolates, rssBreakdownMiB, rssMiB, workerdPids } from "./memory.mjs";

const arg = (flag, fallback) => {
  const i = process.argv.indexOf(flag);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const SECONDS = arg("--seconds", 90);
const CONCURRENCY = arg("--concurrency", 16);
const R2 = process.argv.includes("--r2");
const DIRECT = process.argv.includes("--direct");
const INSPECTOR = arg("--inspector", 0);
const IDLE = arg("--idle", 0);
// workerd's V8 flags: scripts/serve.mjs's unless --v8-flags says otherwise ("" for V8's defaults); --inspector
// adds --expose-gc, for the forced collection after the load.
const flagsAt = process.argv.indexOf("--v8-flags");
const V8_FLAGS = [flagsAt < 0 ? WORKERD_V8_FLAGS : process.argv[flagsAt + 1], INSPECTOR ? "--expose-gc" : ""].filter(Boolean).join(" ");
process.env.MINIFLARE_WORKERD_V8_FLAGS = V8_FLAGS;

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
    name: "control",
    host: "127.0.0.1",
    port: 0,
    ...(DIRECT ? { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] } : {}),
    ...(INSPECTOR ? { inspectorPort: INSPECTOR } : {}),
    d1Databases: ["DB"],
    r2Buckets: ["BLOBS"],
    bindings: { USE_R2: R2 ? "1" : "0" },
    resourcePersistencePath: state,
    log: new Log(LogLevel.WARN),
  }),
);
const ready = await mf.ready;
const url = (DIRECT ? await mf.unsafeGetDirectURL("control") : ready).href.replace(/\/$/, "");
const db = await mf.getD1Database("DB");
await db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)");
for (let i = 1; i <= 100; i++) await db.prepare("INSERT INTO t (id, name) VALUES (?, ?)").bind(i, `row ${i}`).run();
const bucket = await mf.getR2Bucket("BLOBS");
for (let i = 0; i < 10; i++) await bucket.put(`o${i}`, new Uint8Array(4096 + i));

const pids = workerdPids(process.pid);
const inspector = INSPECTOR ? await inspectIsolates(INSPECTOR) : null;
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
const mib = (n) => Math.round(n);
async function sample() {
  const t = Math.round((performance.now() - t0) / 1000);
  const b = rssBreakdownMiB(pids);
  let heaps = "";
  // The isolates that do the work (the others stay near 1 MiB): the Worker, the D1 and R2 simulators, Miniflare's entry Worker.
  const busy = /^(core:user:|d1:|r2:bucket|core:entry)/;
  if (inspector) for (const [name, h] of Object.entries(await inspector.heaps())) if (busy.test(name)) heaps += ` ${name}=${h.usedMiB.toFixed(1)}/${h.totalMiB.toFixed(1)}`;
  samples.push(`${t}s n=${requests} rss=${mib(rssMiB(pids))} anon=${mib(b.anon)} file=${mib(b.file)}${heaps}`);
}
await sample();
const timer = setInterval(sample, 5000);
const deadline = performance.now() + SECONDS * 1000;
const startedAt = performance.now();
const cpuAtStart = cpuSeconds(pids);
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < deadline) {
      if ((await get()) !== 200) failures++;
      requests++;
    }
  }),
);
const elapsed = (performance.now() - startedAt) / 1000;
const cpuMsPerRequest = ((cpuSeconds(pids) - cpuAtStart) * 1000) / requests;
clearInterval(timer);
await sample();
if (IDLE) {
  console.error(`idle ${IDLE} s (workerd pid ${pids.join(",")})`);
  if (inspector) {
    const gc = await inspector.collectGarbage();
    console.error(JSON.stringify(gc));
    samples.push("(full GC in every isolate)");
  }
  for (let i = 0; i < IDLE / 5; i++) {
    await new Promise((r) => setTimeout(r, 5000));
    await sample();
  }
}
inspector?.close();
agent.destroy();
await mf.dispose();
rmSync(state, { recursive: true, force: true });
console.log(
  `control Worker (D1 row${R2 ? " + R2 object" : ""} per request, ${DIRECT ? "direct socket" : "entry Worker"}, V8 flags "${V8_FLAGS}"): ` +
    `${requests} requests in ${SECONDS} s (${Math.round(requests / elapsed)}/s, workerd CPU ${cpuMsPerRequest.toFixed(3)} ms per request), ${failures} failures`,
);
console.log(`t, requests, RSS / anonymous / file-backed (MiB)${inspector ? ", V8 heaps used/total (MiB)" : ""}:\n${samples.join("\n")}`);
