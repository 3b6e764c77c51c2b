// Maven resolution benchmark, one command: `npm run bench -- maven [--runs N]` (needs mvn and the pre-seeded ~/.m2).
// How long the real `mvn` takes to resolve a 30-artifact dependency tree from Packyard (as `npm start` runs it, on
// 127.0.0.1), side by side with the simplest peer Maven users run: the same files (poms, jars and their .sha1) in
// a repository directory served over HTTP (bench/lib/static_server.py). Fresh local repository each run; Packyard
// with its edge cache cold and warm and credentialed; a warm local repository as the no-registry baseline. The
// peer runs alone first; during the comparison it must stay within 2x of that, or the machine's load changed.
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { bundleOnce, startPackyard } from "../lib/packyard.mjs";
import { startStaticServer } from "../lib/static-server.mjs";

const SEEDED_M2 = path.join(homedir(), ".m2", "repository");
const RUNS = Number(process.argv[process.argv.indexOf("--runs") + 1]) > 0 ? Number(process.argv[process.argv.indexOf("--runs") + 1]) : 3;
const ARTIFACTS = 30;
const GROUP_ID = "bench.deps";
const PLUGINS = `<build><pluginManagement><plugins>
  <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
  <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
</plugins></pluginManagement></build>`;
const log = (m) => process.stderr.write(`${m}\n`);

/** fetch, retried once when the server had closed the idle keep-alive socket undici picked (UND_ERR_SOCKET), as clients retry. */
async function request(url, init) {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (error?.cause?.code !== "UND_ERR_SOCKET") throw error;
    return fetch(url, init);
  }
}

async function api(registry, method, apiPath, body, token = registry.admin) {
  const res = await request(`${registry.base}/api/v4${apiPath}`, { method, headers: { "PRIVATE-TOKEN": token, "content-type": "application/json" }, body: body && JSON.stringify(body) });
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

const treeFiles = (i) => [
  [`${lib(i)}-1.0.0.pom`, pomOf(i)],
  [`${lib(i)}-1.0.0.jar`, `jar ${i} `.repeat(200)],
];
const artifactDir = (i) => `${GROUP_ID.replace(/\./g, "/")}/${lib(i)}/1.0.0`;

async function publishTree(base, token) {
  await Promise.all(
    Array.from({ length: ARTIFACTS }, async (_, i) => {
      for (const [name, body] of treeFiles(i)) {
        const res = await request(`${base}/${artifactDir(i)}/${name}`, { method: "PUT", headers: { "PRIVATE-TOKEN": token }, body });
        if (!res.ok) throw new Error(`PUT ${name}: ${res.status}`);
      }
    }),
  );
}

/** The same files as a repository directory, each with the .sha1 Maven checks (what `mvn deploy` to a file: URL writes). */
function writeTree(root) {
  for (let i = 0; i < ARTIFACTS; i++) {
    const dir = path.join(root, artifactDir(i));
    mkdirSync(dir, { recursive: true });
    for (const [name, body] of treeFiles(i)) {
      writeFileSync(path.join(dir, name), body);
      writeFileSync(path.join(dir, `${name}.sha1`), createHash("sha1").update(body).digest("hex"));
    }
  }
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
  let peer = null;
  let registry = null;
  try {
    const peerRoot = path.join(work, "static-repo");
    writeTree(peerRoot);
    peer = await startStaticServer(peerRoot, { probePath: `/${artifactDir(0)}/${lib(0)}-1.0.0.pom` });
    const peerConsumer = path.join(work, "consumer-static");
    consumerProject(peerConsumer, peer.url);
    // Plugins come from the pre-seeded ~/.m2 through a file:// mirror; copy them once into a template so
    // each fresh local repository starts with plugins but without the tree.
    const template = path.join(work, "template-repo");
    resolveOnce(peerConsumer, settingsFile(work, template, null));
    rmSync(path.join(template, ...GROUP_ID.split(".")), { recursive: true, force: true });
    const freshRepo = () => {
      const repo = mkdtempSync(path.join(work, "repo-"));
      cpSync(template, repo, { recursive: true });
      return repo;
    };
    /** One resolution into a fresh local repository; every artifact of the tree must have arrived. */
    const resolveFresh = (project, token) => {
      const repo = freshRepo();
      const seconds = resolveOnce(project, settingsFile(work, repo, token));
      const resolved = countTreeFiles(repo);
      if (resolved !== ARTIFACTS) throw new Error(`mvn resolved ${resolved} of ${ARTIFACTS} artifacts`);
      rmSync(repo, { recursive: true, force: true });
      return seconds;
    };
    const peerRun = () => resolveFresh(peerConsumer, null);
    const solo = Math.min(peerRun(), peerRun());
    log(`static repository alone: mvn compile with a fresh local repository ${solo.toFixed(2)} s`);

    registry = await startPackyard({ bundleDir: await bundleOnce(), log });
    const user = await api(registry, "POST", "/users", { username: "bench-user", name: "bench-user", password: "password123" });
    const { token } = await api(registry, "POST", `/users/${user.id}/personal_access_tokens`, { name: "bench", scopes: ["api"] });
    const group = await api(registry, "POST", "/groups", { name: "bench", path: "bench", visibility: "public" });
    const project = await api(registry, "POST", "/projects", { name: "deps", path: "deps", namespace_id: group.id, visibility: "public" });
    await api(registry, "POST", `/groups/${group.id}/members`, { user_id: user.id, access_level: 30 });
    const base = `${registry.base}/api/v4/projects/${project.id}/packages/maven`;
    await publishTree(base, token);
    const consumer = path.join(work, "consumer");
    consumerProject(consumer, base);
    // Any publish bumps the project's revision, so every edge-cache key changes: the next pull is cold.
    const bumpRevision = async () => {
      const res = await request(`${base}/bench/unrelated/1.0.0/unrelated-1.0.0.jar`, { method: "PUT", headers: { "PRIVATE-TOKEN": token }, body: String(Math.random()) });
      if (!res.ok) throw new Error(`bump: ${res.status}`);
    };
    const warmRepo = freshRepo();
    resolveOnce(consumer, settingsFile(work, warmRepo, null));
    const scenarios = [
      { name: "Packyard: fresh local repo, anonymous, edge cache cold (MISS)", before: bumpRevision, run: () => resolveFresh(consumer, null) },
      { name: "Packyard: fresh local repo, anonymous, edge cache warm (HIT)", run: () => resolveFresh(consumer, null) },
      { name: "Packyard: fresh local repo, Private-Token (BYPASS)", run: () => resolveFresh(consumer, token) },
      { name: "static repository (files over HTTP): fresh local repo", run: peerRun },
      { name: "warm local repo (no artifact downloads)", run: () => resolveOnce(consumer, settingsFile(work, warmRepo, null)) },
    ];
    // Alternating: run r of every scenario before run r + 1 of any, so a change of load hits all alike.
    const times = scenarios.map(() => []);
    for (let run = 0; run < RUNS; run++) {
      for (const [i, scenario] of scenarios.entries()) {
        await scenario.before?.();
        times[i].push(scenario.run());
      }
    }
    const peerMedian = median(times[3]);
    if (peerMedian > 2 * solo) throw new Error(`the static repository took ${peerMedian.toFixed(2)} s during the comparison, over twice its solo ${solo.toFixed(2)} s: the machine's load changed; run again`);
    console.log(`\nmvn ${spawnSync("mvn", ["-v"], { encoding: "utf8" }).stdout.split("\n")[0].replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"), "")}; ${ARTIFACTS}-artifact tree (pom + jar each); ${RUNS} runs per row, alternating; ${new Date().toISOString()}, load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
    console.log(`Static repository alone before the comparison: ${solo.toFixed(2)} s.\n`);
    console.log("| scenario | runs | median s | min s | max s | / static repository |");
    console.log("|---|---|---|---|---|---|");
    for (const [i, scenario] of scenarios.entries()) {
      const t = times[i];
      console.log(`| ${scenario.name} | ${t.length} | ${median(t).toFixed(2)} | ${Math.min(...t).toFixed(2)} | ${Math.max(...t).toFixed(2)} | ${(median(t) / peerMedian).toFixed(2)} |`);
    }
  } finally {
    peer?.stop();
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
