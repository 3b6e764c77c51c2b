// Where the time of an upload goes: one 100 MB PUT stored into local R2 through each way of piping and
// hashing it (bench/generic/variants-worker.js), a bare Worker under `wrangler dev` on 127.0.0.1,
// alternating, median of the runs; then hashing alone (the body in memory) per algorithm, in 4 KiB writes
// (a request body's chunk size here) and 1 MiB writes.
//
//   node_modules/.bin/node bench/generic/variants.mjs [--runs N] [--mb N]
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../lib/free-port.mjs";

const ROOT = path.resolve(import.meta.dirname, "../..");
const WRANGLER = path.join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const ENV = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" };
const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const RUNS = arg("--runs", 3);
const SIZE = arg("--mb", 100) * 1_000_000;
const work = mkdtempSync(path.join(tmpdir(), "packyard-bench-variants-"));
let child;

function makeFile(size) {
  const file = path.join(work, "data.bin");
  const fd = openSync(file, "w");
  const block = Buffer.alloc(1 << 20);
  for (let written = 0, i = 0; written < size; i++) {
    for (let j = 0; j < block.length; j += 32) createHash("sha256").update(`${i}:${j}`).digest().copy(block, j);
    const n = Math.min(block.length, size - written);
    writeSync(fd, block, 0, n);
    written += n;
  }
  closeSync(fd);
  return file;
}

function put(url, file, size) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = http.request(url, { method: "PUT", headers: { "content-length": String(size) } }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => {
        if (res.statusCode !== 201) return reject(new Error(`${url}: ${res.statusCode} ${text}`));
        resolve({ seconds: Number(process.hrtime.bigint() - start) / 1e9, body: JSON.parse(text) });
      });
    });
    req.on("error", reject);
    createReadStream(file, { highWaterMark: 1 << 20 }).on("error", reject).pipe(req);
  });
}

try {
  const port = await freePort();
  child = spawn(process.execPath, [WRANGLER, "dev", "-c", "bench/generic/variants.toml", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(await freePort()), "--persist-to", path.join(work, "state")], {
    cwd: ROOT,
    env: ENV,
    stdio: "ignore",
    detached: true,
  });
  const base = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 90_000; ; ) {
    try {
      if ((await fetch(`${base}/probe`)).status === 404) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error("wrangler dev did not start");
    await new Promise((r) => setTimeout(r, 250));
  }
  const file = makeFile(SIZE);
  const sha256 = createHash("sha256");
  for await (const chunk of createReadStream(file)) sha256.update(chunk);
  const hex = sha256.digest("hex");
  const four = "md5,sha1,sha256,sha512";
  const variants = [
    ["bare: put(request.body)", "bare"],
    ["R2 verifies a declared sha256", `r2-verified?sha256=${hex}`],
    ["JS TransformStream, 4 digests per chunk (before)", `transform?d=${four}`],
    ["JS TransformStream, no digest", "transform?d="],
    ["tee + DigestStream, sha256", "tee?d=sha256"],
    ["tee + DigestStream, 4 digests", `tee?d=${four}`],
    ["1 MiB pieces, no digest", "pieces?d="],
    ["1 MiB pieces, sha256 (Generic now)", "pieces?d=sha256"],
    ["1 MiB pieces, 4 digests (Maven now)", `pieces?d=${four}`],
  ];
  const results = new Map(variants.map(([label]) => [label, []]));
  const notes = new Map();
  for (let run = 0; run < RUNS; run++) {
    for (const [label, route] of variants) {
      const [kind, query = ""] = route.split("?");
      const r = await put(`${base}/${kind}/k-${run}${query ? `?${query}` : ""}`, file, SIZE);
      if (r.body.digests?.sha256 && r.body.digests.sha256 !== hex) throw new Error(`${label}: wrong sha256`);
      results.get(label).push(r.seconds);
      if (r.body.chunks) notes.set(label, `${r.body.chunks} chunks (${Math.round(SIZE / r.body.chunks)} B each)`);
      if (r.body.pieces) notes.set(label, `${r.body.pieces} pieces`);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const bare = median(results.get(variants[0][0]));
  const pad = (s, n) => String(s).padEnd(n);
  console.log(`\nUpload variants, ${SIZE / 1e6} MB PUT, median of ${RUNS} (${new Date().toISOString()}; wrangler dev on 127.0.0.1, local R2)`);
  console.log(`${pad("variant", 52)}${pad("seconds", 9)}${pad("MB/s", 8)}${pad("vs bare", 9)}note`);
  for (const [label] of variants) {
    const s = median(results.get(label));
    console.log(`${pad(label, 52)}${pad(s.toFixed(2), 9)}${pad((SIZE / 1e6 / s).toFixed(1), 8)}${pad((bare / s).toFixed(2), 9)}${notes.get(label) ?? ""}`);
  }
  console.log(`\nHashing alone, ${SIZE / 1e6} MB in memory, ms (median of ${RUNS})`);
  for (const chunk of [4096, 1 << 20]) {
    const per = { md5: [], sha1: [], sha256: [], sha512: [] };
    for (let run = 0; run < RUNS; run++) {
      const r = await put(`${base}/cpu?d=${four}&chunk=${chunk}`, file, SIZE);
      for (const name of Object.keys(per)) per[name].push(r.body.hashMs[name]);
    }
    console.log(`${pad(`${chunk === 4096 ? "4 KiB" : "1 MiB"} writes`, 14)}${Object.entries(per).map(([name, xs]) => `${name} ${median(xs)}`).join("  ")}`);
  }
} finally {
  if (child) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      /* gone */
    }
  }
  await new Promise((r) => setTimeout(r, 500));
  rmSync(work, { recursive: true, force: true });
}
