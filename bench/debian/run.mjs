// Debian benchmark, one command: `npm run bench -- debian [--packages N] [--runs N]` (needs `apt-get install -y aptly`;
// dpkg-deb, gpg and apt-get are on every Debian). How long the real apt-get takes, with a private state and cache
// (`-o Dir::…`, the machine's apt is untouched), to `update` and to `install --download-only` an N-package dependency
// tree (default 30: bench-00 depends on bench-01 and bench-02, …) built offline with `dpkg-deb --build`, from
// Packyard (as `npm start` runs it, on 127.0.0.1, the repository signed with its distribution key) side by side with
// the self-hosted peer Debian packages: aptly 1.5 (a local repo, published signed with a gpg key made in a temporary
// GNUPGHOME, served by `aptly serve` on 127.0.0.1). apt verifies both with `signed-by=` the downloaded key, never
// `trusted=yes`. The peer runs alone first; during the comparison its runs must stay within 2x of that, or the
// machine's load changed. Runs alternate between the targets; every run starts from an empty apt state and cache and
// must fetch all N packages with the bytes that were built.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { bundleOnce, seedPublicProject, startPackyard } from "../lib/packyard.mjs";
import { runBench } from "../lib/run-bench.mjs";
import { startServerProcess, startStaticServer } from "../lib/static-server.mjs";

const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : NaN;
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const PACKAGES = arg("--packages", 30);
const RUNS = arg("--runs", 3);
const CODENAME = "bookworm";
const STEP_TIMEOUT_MS = 180_000;
const work = mkdtempSync(path.join(tmpdir(), "packyard-bench-debian-"));
const log = (m) => process.stderr.write(`${m}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sha256 = (file) => createHash("sha256").update(readFileSync(file)).digest("hex");
const name = (i) => `bench-${String(i).padStart(2, "0")}`;
let packyard = null;
let peer = null;
let bundleDir = null;

/** bench-i depends on bench-(2i+1) and bench-(2i+2): a binary tree of N packages under bench-00, each ~16 KiB of payload. */
function buildDebs(dir) {
  mkdirSync(dir, { recursive: true });
  const files = [];
  for (let i = 0; i < PACKAGES; i++) {
    const root = path.join(work, "build", name(i));
    mkdirSync(path.join(root, "DEBIAN"), { recursive: true });
    mkdirSync(path.join(root, "usr", "share", name(i)), { recursive: true });
    // Incompressible-ish payload, different per package.
    let payload = "";
    for (let k = 0; payload.length < 16_384; k++) payload += createHash("sha256").update(`${i}:${k}`).digest("hex");
    writeFileSync(path.join(root, "usr", "share", name(i), "data.txt"), payload);
    const deps = [2 * i + 1, 2 * i + 2].filter((c) => c < PACKAGES).map((c) => `${name(c)} (>= 1.0.0)`);
    writeFileSync(
      path.join(root, "DEBIAN", "control"),
      `Package: ${name(i)}\nVersion: 1.0.0-1\nArchitecture: amd64\nMaintainer: Packyard Bench <bench@example.invalid>\nSection: misc\nPriority: optional\n${deps.length ? `Depends: ${deps.join(", ")}\n` : ""}Description: Packyard bench package ${i}\n Part of a ${PACKAGES}-package dependency tree.\n`,
    );
    const out = path.join(dir, `${name(i)}_1.0.0-1_amd64.deb`);
    execFileSync("dpkg-deb", ["--root-owner-group", "-Zgzip", "--build", root, out], { stdio: "pipe", timeout: 60_000 });
    files.push(out);
  }
  rmSync(path.join(work, "build"), { recursive: true, force: true });
  return files;
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { encoding: "utf8", timeout: STEP_TIMEOUT_MS, ...options });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** aptly with its own root directory and a gpg key in a temporary GNUPGHOME; returns { url, keyFile, stop }. */
async function startAptly(debDir) {
  const gnupg = mkdtempSync(path.join(work, "gnupg-"));
  const env = { ...process.env, GNUPGHOME: gnupg };
  run("gpg", ["--batch", "--passphrase", "", "--quick-gen-key", "Packyard Bench Peer <peer@example.invalid>", "rsa3072", "sign", "never"], { env });
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(run("gpg", ["--batch", "--with-colons", "--list-secret-keys"], { env }))[1];
  const keyFile = path.join(work, "aptly-key.asc");
  writeFileSync(keyFile, run("gpg", ["--batch", "--armor", "--export", fingerprint], { env }));
  const config = path.join(work, "aptly.conf");
  writeFileSync(config, JSON.stringify({ rootDir: path.join(work, "aptly"), gpgProvider: "gpg", architectures: [], downloadConcurrency: 4 }));
  const aptly = (...args) => run("aptly", [`-config=${config}`, ...args], { env });
  aptly("repo", "create", `-distribution=${CODENAME}`, "-component=main", "bench");
  aptly("repo", "add", "bench", debDir);
  aptly("publish", "repo", "-batch", `-gpg-key=${fingerprint}`, "-architectures=amd64", "bench");
  const { url, stop } = await startServerProcess("aptly serve", "aptly", (port) => [`-config=${config}`, "serve", `-listen=127.0.0.1:${port}`], { env, probePath: `/dists/${CODENAME}/InRelease` });
  const version = run("aptly", ["version"]).trim();
  return { url, keyFile, stop, version, publicDir: path.join(work, "aptly", "public") };
}

/**
 * apt-get with every directory private to `root` (fresh for each run: no lists, no archives), as
 * test/e2e/debian.e2e.test.ts runs it; `auth` adds an auth.conf.d entry (machine, login, password).
 */
function aptRunner(root, sourcesLine, auth) {
  for (const dir of ["etc/auth.conf.d", "etc/preferences.d", "etc/sources.list.d", "etc/apt.conf.d", "etc/trusted.gpg.d", "state/lists/partial", "cache/archives/partial"]) mkdirSync(path.join(root, dir), { recursive: true });
  writeFileSync(path.join(root, "status"), "");
  writeFileSync(path.join(root, "apt.conf"), "");
  writeFileSync(path.join(root, "etc", "sources.list"), `${sourcesLine}\n`);
  if (auth) writeFileSync(path.join(root, "etc", "auth.conf.d", "bench.conf"), `machine ${auth.machine}\nlogin ${auth.login}\npassword ${auth.password}\n`);
  const options = [
    ["Dir::Etc", "etc"], ["Dir::Etc::sourcelist", "etc/sources.list"], ["Dir::Etc::sourceparts", "etc/sources.list.d"],
    ["Dir::Etc::parts", "etc/apt.conf.d"], ["Dir::Etc::preferencesparts", "etc/preferences.d"], ["Dir::Etc::trusted", "etc/trusted.gpg"],
    ["Dir::Etc::trustedparts", "etc/trusted.gpg.d"], ["Dir::State", "state"], ["Dir::State::status", "status"], ["Dir::Cache", "cache"],
  ].flatMap(([k, v]) => ["-o", `${k}=${path.join(root, v)}`]);
  options.push("-o", "Debug::NoLocking=1", "-o", "APT::Architecture=amd64", "-o", `APT::Sandbox::User=${process.getuid?.() === 0 ? "root" : ""}`);
  return (args, { debug = false } = {}) => {
    const started = performance.now();
    const result = spawnSync("apt-get", [...options, ...(debug ? ["-o", "Debug::Acquire::http=true"] : []), ...args], { cwd: root, encoding: "utf8", timeout: STEP_TIMEOUT_MS, env: { ...process.env, APT_CONFIG: path.join(root, "apt.conf") } });
    const ms = performance.now() - started;
    if (result.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
    if (/^(W|E):/m.test(result.stderr) || /NO_PUBKEY|not signed/.test(result.stdout)) throw new Error(`apt-get ${args.join(" ")} warned:\n${result.stdout}${result.stderr}`);
    if (debug) {
      // Debug::Acquire::http prints every answer's headers: count the X-Packyard-Cache statuses apt itself got.
      const seen = {};
      for (const m of `${result.stdout}${result.stderr}`.matchAll(/^X-Packyard-Cache: (\w+)/gim)) seen[m[1]] = (seen[m[1]] ?? 0) + 1;
      return seen;
    }
    return ms;
  };
}

/**
 * One run: apt-get update, then install --download-only of bench-00 (the whole tree), fresh state and cache; checks
 * every byte. With `debug`, an untimed run that returns the X-Packyard-Cache statuses of apt's own requests.
 */
function aptRun(target, built, { debug = false } = {}) {
  const root = mkdtempSync(path.join(work, "apt-"));
  try {
    const apt = aptRunner(root, `deb [signed-by=${target.keyFile}] ${target.repo} ${CODENAME} main`, target.auth);
    const update = apt(["update"], { debug });
    const install = apt(["install", "-y", "--download-only", "--no-install-recommends", name(0)], { debug });
    const archives = path.join(root, "cache", "archives");
    const got = readdirSync(archives).filter((f) => f.endsWith(".deb"));
    if (got.length !== PACKAGES) throw new Error(`${target.label}: apt fetched ${got.length} of ${PACKAGES} packages`);
    for (const f of got) if (sha256(path.join(archives, f)) !== built.get(f)) throw new Error(`${target.label}: ${f} differs from the built file`);
    if (debug) return Object.fromEntries([...new Set([...Object.keys(update), ...Object.keys(install)])].map((k) => [k, (update[k] ?? 0) + (install[k] ?? 0)]));
    return { update, install, total: update + install };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function stop() {
  peer?.stop();
  await packyard?.stop();
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
}

async function main() {
  for (const tool of ["aptly", "dpkg-deb", "gpg", "apt-get"]) if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) throw new Error(`needs ${tool} (apt-get install -y aptly)`);
  const debDir = path.join(work, "debs");
  const debs = buildDebs(debDir);
  const built = new Map(debs.map((f) => [path.basename(f), sha256(f)]));

  // The peer alone: what aptly does on this machine right now.
  peer = await startAptly(debDir);
  const peerTarget = { label: "aptly", repo: peer.url, keyFile: peer.keyFile };
  aptRun(peerTarget, built); // warm-up: the OS file cache, apt's own start-up
  const fastest = (runs) => runs.reduce((a, b) => (a.total <= b.total ? a : b));
  const solo = fastest([aptRun(peerTarget, built), aptRun(peerTarget, built), aptRun(peerTarget, built)]);
  log(`aptly alone: update ${(solo.update / 1000).toFixed(2)} s, install --download-only ${(solo.install / 1000).toFixed(2)} s`);
  // Plausibility: `aptly serve` is a file server over aptly's published directory, so apt should take about as
  // long as with the same directory behind the benches' static server (bench/lib/static_server.py).
  const files = await startStaticServer(peer.publicDir, { probePath: `/dists/${CODENAME}/InRelease` });
  let plain;
  try {
    const filesTarget = { label: "static", repo: files.url, keyFile: peer.keyFile };
    aptRun(filesTarget, built);
    plain = fastest([aptRun(filesTarget, built), aptRun(filesTarget, built), aptRun(filesTarget, built)]);
  } finally {
    files.stop();
  }
  log(`aptly's published directory behind static_server.py: update ${(plain.update / 1000).toFixed(2)} s, install --download-only ${(plain.install / 1000).toFixed(2)} s`);
  if (solo.total > 2 * plain.total) throw new Error(`aptly serve took ${(solo.total / 1000).toFixed(2)} s, over twice the ${(plain.total / 1000).toFixed(2)} s of its own files behind a plain static server: the peer is not serving as it should`);

  bundleDir = await bundleOnce();
  packyard = await startPackyard({ bundleDir, log });
  const { token, projectId } = await seedPublicProject(packyard, "debs");
  const basic = `Basic ${Buffer.from(`bencher:${token}`).toString("base64")}`;
  const repo = `${packyard.base}/api/v4/projects/${projectId}/packages/debian`;
  const created = await fetch(`${packyard.base}/api/v4/projects/${projectId}/debian_distributions`, {
    method: "POST",
    headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" },
    body: `codename=${CODENAME}&architectures[]=amd64`,
  });
  if (created.status !== 201) throw new Error(`distribution: ${created.status} ${await created.text()}`);
  const uploadStarted = performance.now();
  for (const deb of debs) {
    const res = await fetch(`${repo}/${path.basename(deb)}?distribution=${CODENAME}&component=main`, { method: "PUT", headers: { authorization: basic }, body: readFileSync(deb) });
    if (res.status !== 201) throw new Error(`PUT ${path.basename(deb)}: ${res.status} ${await res.text()}`);
  }
  const uploadMs = performance.now() - uploadStarted;
  const keyFile = path.join(work, "packyard-key.asc");
  const key = await fetch(`${packyard.base}/api/v4/projects/${projectId}/debian_distributions/${CODENAME}/key.asc`);
  if (!key.ok) throw new Error(`key.asc: ${key.status}`);
  writeFileSync(keyFile, await key.text());

  const anonymous = { label: "Packyard anonymous", repo, keyFile };
  const credentialed = { label: "Packyard token", repo, keyFile, auth: { machine: repo, login: "bencher", password: token } };
  aptRun(anonymous, built); // fills the edge cache with InRelease, Packages.gz and every .deb
  const statuses = { anonymous: JSON.stringify(aptRun(anonymous, built, { debug: true })), token: JSON.stringify(aptRun(credentialed, built, { debug: true })) };
  log(`X-Packyard-Cache of apt's requests after the warm-up: anonymous ${statuses.anonymous}; token ${statuses.token}`);

  const targets = [anonymous, credentialed, peerTarget];
  const times = new Map(targets.map((t) => [t.label, []]));
  for (let r = 0; r < RUNS; r++) for (const t of targets) times.get(t.label).push(aptRun(t, built));
  const med = (label, key) => median(times.get(label).map((x) => x[key]));
  const peerTotal = med("aptly", "total");
  log(`runs (update + install, s): ${[...times].map(([k, v]) => `${k} ${v.map((x) => `${(x.update / 1000).toFixed(2)}+${(x.install / 1000).toFixed(2)}`).join(", ")}`).join("; ")}`);
  if (peerTotal > 2 * solo.total) throw new Error(`aptly took ${(peerTotal / 1000).toFixed(2)} s during the comparison, over twice its solo ${(solo.total / 1000).toFixed(2)} s: the machine's load changed; run again`);

  const fmt = (ms) => (ms / 1000).toFixed(2);
  const apt = run("apt-get", ["--version"]).split("\n")[0];
  console.log(`\nDebian: Packyard as npm start runs it, and ${peer.version.split("\n")[0]} (aptly serve), 127.0.0.1; ${apt}; ${PACKAGES}-package tree; ${RUNS} runs per row, alternating; ${new Date().toISOString()}, load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
  console.log(`aptly alone before the comparison: update ${fmt(solo.update)} s, install --download-only ${fmt(solo.install)} s; its published directory behind bench/lib/static_server.py: ${fmt(plain.update)} s, ${fmt(plain.install)} s.`);
  console.log(`Upload of the ${PACKAGES} .debs to Packyard (PUT ?distribution=&component=, one after another): ${(uploadMs / 1000).toFixed(1)} s; X-Packyard-Cache of apt's requests (one untimed run each, Debug::Acquire::http): anonymous ${statuses.anonymous}, token ${statuses.token}.\n`);
  console.log("| target | apt-get update, median s (/ aptly) | install --download-only, median s (/ aptly) | total, median s (/ aptly) |");
  console.log("|---|---|---|---|");
  const rows = [
    ["Packyard anonymous", "Packyard, anonymous (edge cache warm)"],
    ["Packyard token", "Packyard, token in auth.conf.d (no edge cache)"],
    ["aptly", "aptly serve (signed local repo)"],
  ];
  const cell = (label, key) => `${fmt(med(label, key))} (${(med(label, key) / med("aptly", key)).toFixed(2)})`;
  for (const [label, title] of rows) console.log(`| ${title} | ${cell(label, "update")} | ${cell(label, "install")} | ${cell(label, "total")} |`);
}

runBench(main, {
  minutes: 20,
  cleanup: async () => {
    await stop();
    rmSync(work, { recursive: true, force: true });
  },
});
