// Request forwarding with the real pip and mvn: a second Packyard's project endpoints stand in for pypi.org
// and Maven Central (PYPI_UPSTREAM_URL, MAVEN_UPSTREAM_URL). Installs through a group URL resolve a tree
// mixing local and upstream packages; a name the group has locally is served from local only; with the
// upstream stopped the same installs still succeed from what Packyard kept.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSample, SYSTEM_PYTHON } from "./pypi/build";
import { Seeder, startRegistry, type Registry } from "./support/registry";

const SEEDED_M2 = path.join(homedir(), ".m2", "repository");
const hasMaven = spawnSync("mvn", ["-v"], { encoding: "utf8" }).status === 0 && existsSync(SEEDED_M2);

let upstream: Registry;
let main: Registry;
let work: string;
let groupId: number;
let appsId: number;

const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PIP_")));

function twine(registry: Registry, projectId: number, files: string[]) {
  const pypirc = path.join(work, `pypirc-${registry.port}-${projectId}`);
  writeFileSync(pypirc, `[distutils]\nindex-servers = gitlab\n[gitlab]\nrepository = ${registry.url}/api/v4/projects/${projectId}/packages/pypi\nusername = __token__\npassword = ${registry.adminToken}\n`);
  const result = spawnSync("twine", ["upload", "--non-interactive", "--disable-progress-bar", "--config-file", pypirc, "--repository", "gitlab", ...files], { encoding: "utf8", env: { ...process.env, KEYRING_BACKEND: "keyring.backends.null.Keyring" } });
  if (result.status !== 0) throw new Error(`twine failed: ${result.stdout}${result.stderr}`);
}

function pipInstall(args: string[]) {
  const venv = mkdtempSync(path.join(work, "venv-"));
  execFileSync(SYSTEM_PYTHON, ["-m", "venv", venv]);
  const index = `${main.url}/api/v4/groups/${groupId}/-/packages/pypi/simple`;
  const result = spawnSync(path.join(venv, "bin", "python"), ["-m", "pip", "install", "--no-cache-dir", "--disable-pip-version-check", "--index-url", index, ...args], {
    encoding: "utf8",
    env: { ...cleanEnv(), PIP_CONFIG_FILE: "/dev/null", HOME: work },
    timeout: 120_000,
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}`, venv };
}

async function put(registry: Registry, url: string, body: string | Buffer) {
  const res = await fetch(url, { method: "PUT", headers: { "PRIVATE-TOKEN": registry.adminToken }, body: typeof body === "string" ? body : new Blob([new Uint8Array(body)]) });
  if (!res.ok) throw new Error(`PUT ${url}: ${res.status} ${await res.text()}`);
}

const sha1 = (bytes: string | Buffer) => execFileSync("sha1sum", { input: bytes }).toString().split(" ")[0]!;

/** A release (jar with one resource, pom, their .sha1) as mvn deploy uploads it. */
async function deployMaven(registry: Registry, projectId: number, groupPath: string, artifactId: string, version: string, dependencies = "") {
  const dir = mkdtempSync(path.join(work, "jar-"));
  writeFileSync(path.join(dir, `${artifactId}.txt`), `${artifactId} ${version}\n`);
  const jarFile = path.join(work, `${artifactId}-${version}.jar`);
  execFileSync("jar", ["cf", jarFile, "-C", dir, "."]);
  const jar = readFileSync(jarFile);
  const pom = `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion><groupId>${groupPath.replace(/\//g, ".")}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version><dependencies>${dependencies}</dependencies></project>`;
  const base = `${registry.url}/api/v4/projects/${projectId}/packages/maven/${groupPath}/${artifactId}/${version}/${artifactId}-${version}`;
  for (const [suffix, bytes] of [[".pom", pom], [".jar", jar]] as const) {
    await put(registry, `${base}${suffix}`, bytes);
    await put(registry, `${base}${suffix}.sha1`, sha1(bytes));
  }
}

function writeSettings(localRepository: string): string {
  const file = path.join(work, `settings-${Math.random().toString(36).slice(2)}.xml`);
  const seeded = "<releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>";
  writeFileSync(
    file,
    `<settings>
  <localRepository>${localRepository}</localRepository>
  <mirrors><mirror><id>seeded-m2</id><mirrorOf>central</mirrorOf><url>file://${SEEDED_M2}</url></mirror></mirrors>
  <profiles><profile><id>seeded</id>
    <repositories><repository><id>central</id><url>https://repo.maven.apache.org/maven2</url>${seeded}</repository></repositories>
    <pluginRepositories><pluginRepository><id>central</id><url>https://repo.maven.apache.org/maven2</url>${seeded}</pluginRepository></pluginRepositories>
  </profile></profiles>
  <activeProfiles><activeProfile>seeded</activeProfile></activeProfiles>
</settings>
`,
  );
  return file;
}

/** `mvn compile` of the consumer with a fresh local repository; answers that repository. */
function mvnCompile(): string {
  const project = mkdtempSync(path.join(work, "consumer-"));
  cpSync(path.join(import.meta.dirname, "forwarding", "maven-consumer.xml"), path.join(project, "pom.xml"));
  mkdirSync(path.join(project, "src", "main", "java", "example"), { recursive: true });
  writeFileSync(path.join(project, "src", "main", "java", "example", "App.java"), "package example;\npublic class App {}\n");
  const repository = mkdtempSync(path.join(work, "m2-"));
  const settings = writeSettings(repository);
  const result = spawnSync("mvn", ["-B", "-ntp", "-s", settings, `-Dregistry.url=${main.url}/api/v4/groups/${groupId}/-/packages/maven`, "compile"], {
    cwd: project,
    encoding: "utf8",
    timeout: 240_000,
  });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`mvn failed (${result.status}):\n${output.slice(-5000)}\n--- packyard ---\n${main.logs().slice(-3000)}`);
  return repository;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "packyard-forwarding-e2e-"));
  upstream = await startRegistry();
  const up = new Seeder(upstream);
  const central = await up.group("central", "public");
  const pypiOrg = await up.project(central.id, "pypi-org", "public");
  const mavenCentral = await up.project(central.id, "maven-central", "public");
  main = await startRegistry({
    PYPI_UPSTREAM_URL: `${upstream.url}/api/v4/projects/${pypiOrg.id}/packages/pypi`,
    MAVEN_UPSTREAM_URL: `${upstream.url}/api/v4/projects/${mavenCentral.id}/packages/maven`,
    FORWARDING_METADATA_TTL_SECONDS: "1",
  });
  const seeder = new Seeder(main);
  await seeder.api("PUT", "/application/settings", { pypi_package_requests_forwarding: true, maven_package_requests_forwarding: true });
  const acme = await seeder.group("acme", "public");
  groupId = acme.id;
  const apps = await seeder.project(acme.id, "apps", "public");
  appsId = apps.id;

  // PyPI: the upstream has upstream-dep and a `shadowed` 9.0; the group has acme-app (needing both) and its own shadowed 1.0.
  const upstreamDep = buildSample("upstream-dep", "1.0.0");
  const shadowedUpstream = buildSample("shadowed", "9.0.0");
  twine(upstream, pypiOrg.id, [upstreamDep.wheel, upstreamDep.sdist, shadowedUpstream.wheel]);
  const app = buildSample("acme-app", "1.0.0", ["upstream-dep", "shadowed"]);
  const shadowedLocal = buildSample("shadowed", "1.0.0");
  twine(main, apps.id, [app.wheel, shadowedLocal.wheel]);

  // Maven: the upstream has org.central:upstream-lib; the group has acme:local-lib, which depends on it.
  if (hasMaven) {
    await deployMaven(upstream, mavenCentral.id, "org/central", "upstream-lib", "2.0");
    await deployMaven(main, apps.id, "acme", "local-lib", "1.0.0", "<dependency><groupId>org.central</groupId><artifactId>upstream-lib</artifactId><version>2.0</version></dependency>");
  }
}, 300_000);

afterAll(async () => {
  await main?.stop();
  await upstream?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("request forwarding with pip and mvn", () => {
  it("pip installs a local package and its upstream dependency through the group, the local name from local only", () => {
    const result = pipInstall(["acme-app"]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toMatch(/Successfully installed acme-app-1\.0\.0 shadowed-1\.0\.0 upstream-dep-1\.0\.0/);
    const forced = pipInstall(["shadowed==9.0.0"]);
    expect(forced.status).not.toBe(0);
  });

  it.skipIf(!hasMaven)("mvn resolves a local artifact and its upstream dependency through the group", () => {
    const repository = mvnCompile();
    expect(readFileSync(path.join(repository, "org/central/upstream-lib/2.0/upstream-lib-2.0.jar")).byteLength).toBeGreaterThan(0);
    expect(existsSync(path.join(repository, "acme/local-lib/1.0.0/local-lib-1.0.0.jar"))).toBe(true);
  });

  it("installs the same trees from what Packyard kept once the upstream is stopped", async () => {
    await upstream.stop();
    await new Promise((r) => setTimeout(r, 1500)); // past the metadata lifetime: the kept pages are served as STALE
    const result = pipInstall(["acme-app"]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toMatch(/Successfully installed acme-app-1\.0\.0 shadowed-1\.0\.0 upstream-dep-1\.0\.0/);
    const stale = await fetch(`${main.url}/api/v4/groups/${groupId}/-/packages/pypi/simple/upstream-dep/`);
    expect(stale.status).toBe(200);
    expect(stale.headers.get("x-packyard-forwarded")).toBe("STALE");
    if (hasMaven) expect(existsSync(path.join(mvnCompile(), "org/central/upstream-lib/2.0/upstream-lib-2.0.jar"))).toBe(true);
  });

  it("takes GitLab's duplicate-settings GraphQL mutation sent with curl as GitLab's docs show it", async () => {
    const query = `mutation {updateNamespacePackageSettings(input: {namespacePath: "acme", mavenDuplicatesAllowed: false, mavenDuplicateExceptionRegex: ".*-SNAPSHOT"}) { packageSettings { mavenDuplicatesAllowed mavenDuplicateExceptionRegex } errors } }`;
    const out = execFileSync("curl", ["-sS", `${main.url}/api/graphql`, "--header", `Authorization: Bearer ${main.adminToken}`, "--header", "Content-Type: application/json", "--request", "POST", "--data", JSON.stringify({ query })], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ data: { updateNamespacePackageSettings: { packageSettings: { mavenDuplicatesAllowed: false, mavenDuplicateExceptionRegex: ".*-SNAPSHOT" }, errors: [] } } });
    if (!hasMaven) return; // local-lib is deployed only where mvn runs
    const jar = `${main.url}/api/v4/projects/${appsId}/packages/maven/acme/local-lib/1.0.0/local-lib-1.0.0.jar`;
    const again = await fetch(jar, { method: "PUT", headers: { "PRIVATE-TOKEN": main.adminToken }, body: "a second jar" });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ message: "Duplicate package is not allowed" });
  });
});
