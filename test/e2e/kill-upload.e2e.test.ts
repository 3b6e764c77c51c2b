// The Worker killed under a running upload, with a real server (issue 24): Packyard started as `npm start` does
// (test/e2e/support/registry.ts), its workerd processes killed with SIGKILL while bytes are in flight, then
// started again on the same state directory.
//   1. A Generic chunked upload (src/formats/generic/chunked.ts) of five parts: two parts acknowledged, the
//      third half sent when the runtime dies. After the restart the session still lists the acknowledged
//      parts; the client sends the missing ones, completes, and downloads exactly the file's bytes.
//   2. A single large PUT killed half-way through its body: after the restart nothing of it is visible.
// Afterwards the storage invariants are queried on the persisted D1 with `wrangler d1 execute --local`: every
// package_files row has its blob row and the blob's digest, every package has files, and every stored file
// downloads with its recorded sha256 (its R2 object is there and whole). The blobs of the killed uploads are
// left unreferenced for the scheduled cleanup (BLOB_GRACE_SECONDS), as docs/architecture.md says.
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { NODE, Seeder, startRegistry, type Registry } from "./support/registry";

const ROOT = path.resolve(import.meta.dirname, "../..");
const MiB = 1024 * 1024;
const PART = 5 * MiB; // the smallest part R2 allows (src/core/chunked-uploads.ts MIN_PART_SIZE)
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

let registry: Registry | undefined;
let stateDir: string | undefined;
let adminToken: string | undefined;

afterAll(async () => {
  await registry?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: string;
}

async function api(method: string, url: string, token: string, body?: unknown): Promise<Answer> {
  const res = await fetch(url, { method, headers: { "PRIVATE-TOKEN": token, ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: await res.text() };
}

/**
 * A PUT whose body is sent in 256 KiB writes, with its Content-Length; `stopAfter` bytes are written and then the
 * request waits (a slow client) until `sent` resolves and the caller kills the server. Resolves with the answer or
 * the client's error.
 */
function slowPut(url: string, token: string, data: Buffer, stopAfter = data.length) {
  let reportSent: () => void = () => {};
  const sent = new Promise<void>((resolve) => (reportSent = resolve));
  const done = new Promise<Answer | { error: string }>((resolve) => {
    const req = http.request(url, { method: "PUT", headers: { "PRIVATE-TOKEN": token, "content-length": String(data.length), "content-type": "application/octet-stream" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", (error) => resolve({ error: String(error) }));
    });
    req.on("error", (error) => resolve({ error: String(error) }));
    let offset = 0;
    const pump = () => {
      while (offset < stopAfter) {
        const end = Math.min(offset + 256 * 1024, stopAfter);
        const more = req.write(data.subarray(offset, end));
        offset = end;
        if (!more) return void req.once("drain", pump);
      }
      if (stopAfter >= data.length) req.end();
      else reportSent();
    };
    pump();
  });
  return { sent, done };
}

/** SIGKILL every workerd of the server (the runtime dies; its Node parent is then stopped, the state kept). */
async function killRuntime(r: Registry): Promise<number[]> {
  const pids = r.runtimePids();
  expect(pids.length).toBeGreaterThan(0);
  for (const pid of pids) process.kill(pid, "SIGKILL");
  const deadline = Date.now() + 10_000;
  while (r.runtimePids().some((pid) => pids.includes(pid)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  await r.stop({ keepState: true });
  return pids;
}

/** Rows of a query on the persisted D1 (the server is stopped: the database file is read as wrangler reads it). */
function d1(sql: string): Record<string, unknown>[] {
  const out = spawnSync(NODE, [path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js"), "d1", "execute", "DB", "--local", "--persist-to", stateDir!, "--config", path.join(ROOT, "wrangler.toml"), "--json", "--command", sql], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" },
    timeout: 60_000,
  });
  if (out.status !== 0) throw new Error(`wrangler d1 execute failed: ${out.stdout}${out.stderr}`);
  return (JSON.parse(out.stdout) as { results: Record<string, unknown>[] }[])[0]!.results;
}

describe("the Worker killed mid-upload, restarted on the same state", () => {
  it("resumes a chunked upload from its acknowledged parts, loses a large PUT whole, and keeps the invariants", { timeout: 600_000 }, async () => {
    registry = await startRegistry();
    stateDir = registry.stateDir;
    adminToken = registry.adminToken;
    const seeder = new Seeder(registry);
    const user = await seeder.user("killer");
    const group = await seeder.group("crash", "private");
    const project = await seeder.project(group.id, "tools", "private");
    await seeder.member("projects", project.id, user.id, 40);
    const token: string = user.token;
    const fileUrl = (r: Registry, name: string, file: string) => `${r.url}/api/v4/projects/${project.id}/packages/generic/${name}/1.0.0/${file}`;

    // 1. The chunked upload: five parts (4 × 5 MiB and a tail), two acknowledged, the third cut by the kill.
    const data = randomBytes(4 * PART + 777_777);
    const start = await api("POST", `${fileUrl(registry, "chunked", "big.bin")}/uploads`, token, { size: data.length, sha256: sha256(data), part_size: PART });
    expect(start.status, start.body).toBe(201);
    const session = JSON.parse(start.body) as { id: string; part_count: number; upload_url: string };
    expect(session.part_count).toBe(5);
    const uploadPath = new URL(session.upload_url).pathname;
    const partOf = (n: number) => data.subarray((n - 1) * PART, Math.min(n * PART, data.length));
    for (const n of [1, 2]) {
      const put = slowPut(`${registry.url}${uploadPath}/parts/${n}`, token, partOf(n));
      const answer = await put.done;
      expect(answer, JSON.stringify(answer)).toMatchObject({ status: 200 });
    }
    const third = slowPut(`${registry.url}${uploadPath}/parts/3`, token, partOf(3), 2 * MiB);
    await third.sent;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const killed = await killRuntime(registry);
    const cut = await third.done;
    expect("error" in cut || cut.status >= 500, `the cut part got ${JSON.stringify(cut)}`).toBe(true);

    registry = await startRegistry({}, { stateDir, adminToken });
    expect(registry.runtimePids().some((pid) => killed.includes(pid))).toBe(false);
    const resumed = await api("GET", `${registry.url}${uploadPath}`, token);
    expect(resumed.status, resumed.body).toBe(200);
    const state = JSON.parse(resumed.body) as { state: string; parts: { part_number: number; size: number }[]; missing_parts: number[] };
    expect(state.state).toBe("open");
    expect(state.parts.map((p) => [p.part_number, p.size])).toEqual([
      [1, PART],
      [2, PART],
    ]);
    expect(state.missing_parts).toEqual([3, 4, 5]);
    for (const n of state.missing_parts) {
      const answer = await slowPut(`${registry.url}${uploadPath}/parts/${n}`, token, partOf(n)).done;
      expect(answer, JSON.stringify(answer)).toMatchObject({ status: 200 });
    }
    const complete = await api("POST", `${registry.url}${uploadPath}/complete`, token);
    expect(complete.status, complete.body).toBe(201);
    const down = await fetch(fileUrl(registry, "chunked", "big.bin"), { headers: { "PRIVATE-TOKEN": token } });
    expect(down.status).toBe(200);
    const bytes = Buffer.from(await down.arrayBuffer());
    expect(bytes.length).toBe(data.length);
    expect(sha256(bytes)).toBe(sha256(data));

    // 2. A single large PUT (24 MiB with its Content-Length) killed after 10 MiB of its body.
    const large = randomBytes(24 * MiB);
    const put = slowPut(fileUrl(registry, "single", "large.bin"), token, large, 10 * MiB);
    await put.sent;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await killRuntime(registry);
    const lost = await put.done;
    expect("error" in lost || lost.status >= 500, `the cut PUT got ${JSON.stringify(lost)}`).toBe(true);

    registry = await startRegistry({}, { stateDir, adminToken });
    expect((await fetch(fileUrl(registry, "single", "large.bin"), { headers: { "PRIVATE-TOKEN": token } })).status).toBe(404);
    const packages = JSON.parse((await api("GET", `${registry.url}/api/v4/projects/${project.id}/packages?per_page=100`, token)).body) as { name: string; version: string }[];
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual(["chunked@1.0.0"]);
    // Every stored file comes back whole from R2 with its recorded digest (read through the API).
    const files = JSON.parse((await api("GET", `${registry.url}/api/v4/projects/${project.id}/packages/${(packages[0] as unknown as { id: number }).id}/package_files`, token)).body) as { file_name: string; file_sha256: string; size: number }[];
    expect(files.map((f) => [f.file_name, f.size, f.file_sha256])).toEqual([["big.bin", data.length, sha256(data)]]);
    // The same upload again works after the restarts (the server is healthy, not merely up).
    const again = await slowPut(fileUrl(registry, "single", "large.bin"), token, large).done;
    expect(again, JSON.stringify(again)).toMatchObject({ status: 201 });
    const back = Buffer.from(await (await fetch(fileUrl(registry, "single", "large.bin"), { headers: { "PRIVATE-TOKEN": token } })).arrayBuffer());
    expect(sha256(back)).toBe(sha256(large));
    await registry.stop({ keepState: true });
    registry = undefined;

    // The invariants on the persisted D1.
    expect(d1("SELECT f.id FROM package_files f LEFT JOIN blobs b ON b.id = f.blob_id WHERE b.id IS NULL OR b.sha256 <> f.sha256 OR b.size <> f.size")).toEqual([]);
    expect(d1("SELECT p.id FROM packages p WHERE NOT EXISTS (SELECT 1 FROM package_files f WHERE f.package_id = p.id)")).toEqual([]);
    const stored = d1("SELECT p.name, f.file_name, f.size, f.sha256 FROM package_files f JOIN packages p ON p.id = f.package_id ORDER BY p.name");
    expect(stored).toEqual([
      { name: "chunked", file_name: "big.bin", size: data.length, sha256: sha256(data) },
      { name: "single", file_name: "large.bin", size: large.length, sha256: sha256(large) },
    ]);
    const sessions = d1("SELECT state FROM upload_sessions");
    expect(sessions).toEqual([{ state: "completed" }]);
    // What the kills left: blob rows no file references, for the scheduled cleanup after the grace period.
    const leftovers = d1("SELECT count(*) AS n FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM package_files f WHERE f.blob_id = b.id)");
    console.log(`kill-upload: runtime killed twice (pids ${killed.join(", ")} first); chunked upload resumed from parts 1-2; ${leftovers[0]!.n} unreferenced blob row(s) left for the cleanup`);
    expect(Number(leftovers[0]!.n)).toBeLessThanOrEqual(1);
  });
});
