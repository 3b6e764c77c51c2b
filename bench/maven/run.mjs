// Maven resolution benchmark: how long the real `mvn` takes to resolve a 30-artifact dependency tree
// from Packyard (wrangler dev on 127.0.0.1), with a fresh local repository each run, edge cache cold and
// warm, credentialed, and with a warm local repository as the no-registry baseline. Prints a table.
// Run: node_modules/.bin/node bench/maven/run.mjs [--runs N]
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { freePort } from "../lib/free-port.mjs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const WRANGLER = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const SEEDED_M2 = path.join(homedir(), ".m2", "repository");
const RUNS = Number(process.argv[process.argv.indexOf("--runs") + 1]) > 0 ? Number(process.argv[process.argv.indexOf("--runs") + 1]) : 3;
const ARTIFACTS = 30;
const GROUP_ID = "bench.deps";
const ENV = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" };
const PLUGINS = `<build><pluginManagement><plugins>
  <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
  <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
</plugins></pluginManagement></build>`;

async function startRegistry(work) {
  const state = path.join(work, "state");
  const adminToken = `bench-${Math.random().toString(36).slice(2)}`;
  const migrate = spawnSync(process.execPath, [WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", state], { cwd: ROOT, env: ENV, encoding: "utf8" });
  if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stderr}`);
  const port = await freePort();
  const child = spawn(process.execPath, [WRANGLER, "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", state, "--inspector-port", String(await freePort()), "--var", `ADMIN_TOKEN:${adminToken}`], {
    cwd: ROOT,
    env: ENV,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited: ${log}`);
    const ok = await fetch(`${url}/api/v4/user`, { headers: { "PRIVATE-TOKEN": adminToken } }).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`wrangler dev did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      /* gone */
    }
  };
  return { url, adminToken, stop };
}

/** fetch, retried once when wrangler dev closed the idle keep-alive socket undici picked (UND_ERR_SOCKET). */
async function request(url, init) {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (error?.cause?.code !== "UND_ERR_SOCKET") throw error;
    return fetch(url, init);
  }
}

async function api(registry, method, apiPath, body, token = registry.adminToken) {
  const res = await request(`${registry.url}/api/v4${apiPath}`, { method, headers: { "PRIVATE-TOKEN": token, "content-type": "application/json" }, body: body && JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${apiPath}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** lib-i depends on lib-(2i+1) and lib-(2i+2): a binary tree of 30 artifacts under lib-00. */
function pomOf(i) {
  const children = [2 * i + 1, 2 * i + 2].filter((c) => c < ARTIFACTS);
  const deps = children.map((c) => `<dependency><groupId>${GROUP_ID}</groupId><artifactId>${lib(c)}</artifactId><version>1.0.0</version></dependency>`).join("");
  return `<project><modelVersion>4.0.0</modelVersion><groupId>${GROUP_ID}</groupId><artifactId>${lib(i)}</artifactId><version>1.0.0</version><dependencies>${deps}</dependencies></project>`;
}
const lib = (i) => `lib-${String(i).padStart(2, "0")}`;

async function publishTree(base, token) {
  await Promise.all(
    Array.from({ length: ARTIFACTS }, async (_, i) => {
      const dir = `${base}/${GROUP_ID.replace(/\./g, "/")}/${lib(i)}/1.0.0`;
      for (const [name, body] of [[`${lib(i)}-1.0.0.pom`, pomOf(i)], [`${lib(i)}-1.0.0.jar`, `jar ${i} `.repeat(200)]]) {
        const res = await request(`${dir}/${name}`, { method: "PUT", headers: { "PRIVATE-TOKEN": token }, body });
        if (!res.ok) throw new Error(`PUT ${name}: ${res.status}`);
      }
    }),
  );
}

function settingsFile(dir, localRepository, token) {
  const server = token ? `<servers><server><id>packyard</id><configuration><httpHeaders><property><name>Private-Token</name><value>${token}</value></property></httpHeaders></configuration></server></servers>` : "";
  const file = path.join(dir, `settings-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(
    file,
    `<settings><localRepository>${localRepository}</localRepository>${server}
<mirrors><mirror><id>seeded-m2</id><mirrorOf>central</mirrorOf><url>file://${SEEDED_M2}</url></mirror></mirrors></settings>`,
  );
  return file;
}

function consumerProject(dir, registryUrl) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, "pom.xml"),
    `<project><modelVersion>4.0.0</modelVersion><groupId>bench</groupId><artifactId>consumer</artifactId><version>1</version>
<properties><maven.compiler.release>17</maven.compiler.release></properties>
<repositories><repository><id>packyard</id><url>${registryUrl}</url></repository></repositories>
<dependencies><dependency><groupId>${GROUP_ID}</groupId><artifactId>${lib(0)}</artifactId><version>1.0.0</version></dependency></dependencies>
${PLUGINS}</project>`,
  );
}

/** One `mvn compile` (resolves the compile classpath: every pom and jar of the tree); returns seconds. */
function resolveOnce(projectDir, settings) {
  const started = process.hrtime.bigint();
  const result = spawnSync("mvn", ["-B", "-ntp", "-q", "-s", settings, "compile"], { cwd: projectDir, encoding: "utf8", timeout: 300_000 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`mvn failed:\n${result.stdout}${result.stderr}`);
  return seconds;
}

function countTreeFiles(localRepository) {
  const dir = path.join(localRepository, ...GROUP_ID.split("."));
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).filter((name) => existsSync(path.join(dir, name, "1.0.0", `${name}-1.0.0.jar`))).length;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  if (spawnSync("mvn", ["-v"]).status !== 0 || !existsSync(SEEDED_M2)) throw new Error("needs mvn and the pre-seeded ~/.m2");
  const work = mkdtempSync(path.join(tmpdir(), "packyard-bench-maven-"));
  const registry = await startRegistry(work);
  try {
    const user = await api(registry, "POST", "/users", { username: "bench-user", name: "bench-user", password: "password123" });
    const { token } = await api(registry, "POST", `/users/${user.id}/personal_access_tokens`, { name: "bench", scopes: ["api"] });
    const group = await api(registry, "POST", "/groups", { name: "bench", path: "bench", visibility: "public" });
    const project = await api(registry, "POST", "/projects", { name: "deps", path: "deps", namespace_id: group.id, visibility: "public" });
    await api(registry, "POST", `/groups/${group.id}/members`, { user_id: user.id, access_level: 30 });
    const base = `${registry.url}/api/v4/projects/${project.id}/packages/maven`;
    await publishTree(base, token);

    const consumer = path.join(work, "consumer");
    consumerProject(consumer, base);
    // Plugins come from the pre-seeded ~/.m2 through a file:// mirror; copy them once into a template so
    // each fresh local repository starts with plugins but without the tree.
    const template = path.join(work, "template-repo");
    resolveOnce(consumer, settingsFile(work, template, token));
    rmSync(path.join(template, ...GROUP_ID.split(".")), { recursive: true, force: true });
    const freshRepo = () => {
      const repo = mkdtempSync(path.join(work, "repo-"));
      cpSync(template, repo, { recursive: true });
      return repo;
    };
    // Any publish bumps the project's revision, so every edge-cache key changes: the next pull is cold.
    const bumpRevision = async () => {
      const res = await request(`${base}/bench/unrelated/1.0.0/unrelated-1.0.0.jar`, { method: "PUT", headers: { "PRIVATE-TOKEN": token }, body: String(Math.random()) });
      if (!res.ok) throw new Error(`bump: ${res.status}`);
    };

    const scenarios = [
      { name: "fresh local repo, anonymous, edge cache cold (MISS)", before: bumpRevision, token: null, repo: freshRepo },
      { name: "fresh local repo, anonymous, edge cache warm (HIT)", before: async () => {}, token: null, repo: freshRepo },
      { name: "fresh local repo, Private-Token (BYPASS)", before: async () => {}, token, repo: freshRepo },
    ];
    const warmRepo = freshRepo();
    resolveOnce(consumer, settingsFile(work, warmRepo, null));
    scenarios.push({ name: "warm local repo (no artifact downloads)", before: async () => {}, token: null, repo: () => warmRepo });

    const rows = [];
    for (const scenario of scenarios) {
      const times = [];
      let resolved = 0;
      for (let run = 0; run < RUNS; run++) {
        await scenario.before();
        const repo = scenario.repo();
        times.push(resolveOnce(consumer, settingsFile(work, repo, scenario.token)));
        resolved = countTreeFiles(repo);
      }
      rows.push({ scenario: scenario.name, runs: RUNS, median: median(times), min: Math.min(...times), max: Math.max(...times), resolved });
    }
    console.log(`\nmvn ${spawnSync("mvn", ["-v"], { encoding: "utf8" }).stdout.split("\n")[0].replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"), "")}; ${ARTIFACTS}-artifact tree (pom + jar each); ${RUNS} runs per row\n`);
    console.log("| scenario | runs | median s | min s | max s | artifacts resolved |");
    console.log("|---|---|---|---|---|---|");
    for (const r of rows) console.log(`| ${r.scenario} | ${r.runs} | ${r.median.toFixed(2)} | ${r.min.toFixed(2)} | ${r.max.toFixed(2)} | ${r.resolved} |`);
  } finally {
    registry.stop();
    await new Promise((r) => setTimeout(r, 500));
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
