#!/usr/bin/env node
// Uploads a file of any size as a Generic package file through Packyard's chunked upload API, and
// resumes an interrupted upload where it stopped (state is kept next to the file). Node ≥ 18, no deps.
// Protocol: docs/formats/generic.md "Large files"; server side: src/core/chunked-uploads.ts.
//
//   PACKYARD_TOKEN=glpat-… node scripts/upload-large.mjs --url https://packyard.example \
//     --project 24 --name my_package --version 1.0.0 --file ./dist/big.iso [--file-name dist/big.iso]
//     [--part-size 67108864] [--status hidden] [--parallel 2] [--token-header PRIVATE-TOKEN|JOB-TOKEN|DEPLOY-TOKEN]
//     [--state ./big.iso.packyard-upload.json] [--max-parts N]
//
// Exit codes: 0 published; 1 refused or failed; 75 stopped early (--max-parts), run again to resume.
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    project: { type: "string" },
    name: { type: "string" },
    version: { type: "string" },
    file: { type: "string" },
    "file-name": { type: "string" },
    "part-size": { type: "string" },
    status: { type: "string" },
    parallel: { type: "string", default: "2" },
    token: { type: "string" },
    "token-header": { type: "string", default: "PRIVATE-TOKEN" },
    state: { type: "string" },
    "max-parts": { type: "string" },
    quiet: { type: "boolean", default: false },
  },
});

for (const required of ["url", "project", "name", "version", "file"]) {
  if (!args[required]) fail(`--${required} is required`);
}
const token = args.token ?? process.env.PACKYARD_TOKEN ?? process.env.GITLAB_TOKEN ?? process.env.CI_JOB_TOKEN;
if (!token) fail("give a token with --token or PACKYARD_TOKEN");
const auth = { [args["token-header"]]: token };
const filePath = path.resolve(args.file);
const fileName = args["file-name"] ?? path.basename(filePath);
const stat = statSync(filePath);
const statePath = args.state ?? `${filePath}.packyard-upload.json`;
const encodedFile = fileName.split("/").map(encodeURIComponent).join("/");
const fileUrl = `${args.url.replace(/\/$/, "")}/api/v4/projects/${encodeURIComponent(args.project)}/packages/generic/${encodeURIComponent(args.name)}/${encodeURIComponent(args.version)}/${encodedFile}`;
const log = (...m) => args.quiet || console.error(...m);

function fail(message) {
  console.error(`upload-large: ${message}`);
  process.exit(1);
}

async function sha256OfFile() {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(filePath, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk);
  return hash.digest("hex");
}

async function api(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: { ...auth, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, json, text };
}

/** The saved session, if it is for this very file and still open on the server. */
async function resumeSession() {
  if (!existsSync(statePath)) return null;
  const state = JSON.parse(readFileSync(statePath, "utf8"));
  if (state.fileUrl !== fileUrl || state.size !== stat.size || state.mtimeMs !== stat.mtimeMs) return null;
  const res = await api("GET", state.uploadUrl);
  if (res.status !== 200 || res.json?.state !== "open") {
    log(`saved upload is ${res.json?.state ?? res.status}; starting again`);
    return null;
  }
  log(`resuming upload ${res.json.id}: ${res.json.parts.length}/${res.json.part_count} parts already there`);
  return res.json;
}

async function startSession() {
  log(`hashing ${filePath} (${stat.size} bytes)…`);
  const sha256 = await sha256OfFile();
  const body = { size: stat.size, sha256 };
  if (args["part-size"]) body.part_size = Number(args["part-size"]);
  if (args.status) body.status = args.status;
  const res = await api("POST", `${fileUrl}/uploads`, body);
  if (res.status !== 201) fail(`could not start the upload: ${res.status} ${res.text}`);
  writeFileSync(statePath, JSON.stringify({ fileUrl, uploadUrl: res.json.upload_url, size: stat.size, mtimeMs: stat.mtimeMs, sha256 }, null, 2));
  log(`started upload ${res.json.id}: ${res.json.part_count} parts of ${res.json.part_size} bytes`);
  return res.json;
}

/** PUT one part with its exact Content-Length, streamed from the file. */
function putPart(session, partNumber) {
  const start = (partNumber - 1) * session.part_size;
  const end = Math.min(start + session.part_size, session.size); // exclusive
  const url = new URL(session.part_url_template.replace("{part_number}", String(partNumber)));
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, { method: "PUT", headers: { ...auth, "content-type": "application/octet-stream", "content-length": String(end - start) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode, text }));
    });
    req.on("error", reject);
    createReadStream(filePath, { start, end: end - 1, highWaterMark: 1024 * 1024 }).on("error", reject).pipe(req);
  });
}

/** POST with no response deadline (fetch gives up on headers after 300 s; verification can take longer). */
function postWithoutTimeout(target) {
  const url = new URL(target);
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, { method: "POST", headers: { ...auth, "content-length": "0" } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => {
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode, text, json });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

async function putPartWithRetries(session, partNumber) {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await putPart(session, partNumber);
      if (res.status === 200) return;
      if (res.status < 500 && res.status !== 429) fail(`part ${partNumber} refused: ${res.status} ${res.text}`);
      if (attempt >= 4) fail(`part ${partNumber} failed ${attempt} times: ${res.status} ${res.text}`);
    } catch (error) {
      if (attempt >= 4) fail(`part ${partNumber} failed ${attempt} times: ${error.message}`);
    }
    log(`part ${partNumber}: retrying (attempt ${attempt + 1})`);
    await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
  }
}

const session = (await resumeSession()) ?? (await startSession());
const maxParts = args["max-parts"] ? Number(args["max-parts"]) : Infinity;
const todo = session.missing_parts.slice(0, maxParts);
let sent = 0;
const workers = Array.from({ length: Math.max(1, Number(args.parallel)) }, async () => {
  while (todo.length) {
    const n = todo.shift();
    await putPartWithRetries(session, n);
    sent++;
    log(`part ${n} uploaded (${sent} this run)`);
  }
});
await Promise.all(workers);
if (session.missing_parts.length > maxParts) {
  log(`stopped after ${sent} parts (--max-parts); run again to resume`);
  process.exit(75);
}

// The server verifies the whole file here (minutes for many GiB); an interrupted complete can be sent again.
let done;
for (let attempt = 1; ; attempt++) {
  done = await postWithoutTimeout(session.complete_url).catch((error) => ({ status: 0, text: error.message }));
  if ((done.status !== 0 && done.status < 500) || attempt >= 4) break;
  log(`complete: ${done.status} ${done.text}; retrying (attempt ${attempt + 1})`);
  await new Promise((r) => setTimeout(r, 1000 * 2 ** attempt));
}
if (done.status === 201) {
  rmSync(statePath, { force: true });
  console.log(JSON.stringify(done.json));
  process.exit(0);
}
if (done.status === 400 && /checksum mismatch|size mismatch/.test(done.text)) rmSync(statePath, { force: true });
fail(`completion refused: ${done.status} ${done.text}`);
