// `npm run import` end to end (scripts/import/cli.mjs): two Packyards, the source standing in for GitLab (its
// Packages API and per-format downloads), filled by the real npm, twine and mvn and the Generic API; the import
// into the second one, then installs from it with the real npm, pip and mvn; a second run imports nothing.
// Then a Verdaccio (bench/npm/servers.mjs's) with 50 packages, imported from its registry API; and a directory
// whose checksum file disagrees with its file, which fails that file and stores nothing.
import { execFile, execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectOk, installedVersion, makeConsumer, makePackage, npm, npmrc, removeTempDirs, requireIn } from "./npm/clients";
import { buildSample, SYSTEM_PYTHON } from "./pypi/build";
import { freePort, NODE, Seeder, startRegistry, type Registry } from "./support/registry";

const ROOT = path.resolve(import.meta.dirname, "../..");
const CLI = path.join(ROOT, "scripts", "import", "cli.mjs");
const SEEDED_M2 = path.join(homedir(), ".m2", "repository");
const hasMaven = spawnSync("mvn", ["-v"], { encoding: "utf8" }).status === 0 && existsSync(SEEDED_M2);
const work = mkdtempSync(path.join(tmpdir(), "packyard-import-e2e-"));

let source: Registry;
let target: Registry;
let sourceProject: { id: number };
let targetProject: { id: number; path_with_namespace: string };
let moved: { id: number };
let hello: { wheel: string; sdist: string };
const genericBytes = randomBytes(200_000);

interface Report {
  counts: { imported: number; skipped: number; failed: number; planned: number };
  results: { format: string; name: string; version: string; fileName?: string; outcome: string; reason?: string }[];
}

/** Runs the importer as `npm run import` does (node scripts/import/cli.mjs) and reads its JSON report. */
function runImport(args: string[]): Promise<{ code: number; output: string; report: Report }> {
  const reportFile = path.join(work, `report-${Math.random().toString(36).slice(2)}.json`);
  return new Promise((resolve) => {
    execFile(NODE, [CLI, ...args, "--report", reportFile], { cwd: ROOT, timeout: 280_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, "utf8")) as Report) : { counts: { imported: 0, skipped: 0, failed: 0, planned: 0 }, results: [] };
      resolve({ code, output: `${stdout}${stderr}`, report });
    });
  });
}

/** GET with curl, a fresh connection each time (the server closes idle keep-alive sockets under undici after a long mvn step). */
function download(registry: Registry, apiPath: string): Buffer {
  return execFileSync("curl", ["-sSf", "-H", `PRIVATE-TOKEN: ${registry.adminToken}`, `${registry.url}/api/v4${apiPath}`], { maxBuffer: 16 * 1024 * 1024 });
}

const failures = (report: Report) => report.results.filter((r) => r.outcome === "failed");

function twine(registry: Registry, projectId: number, files: string[]) {
  const pypirc = path.join(work, `pypirc-${projectId}`);
  writeFileSync(pypirc, `[distutils]\nindex-servers = src\n[src]\nrepository = ${registry.url}/api/v4/projects/${projectId}/packages/pypi\nusername = __token__\npassword = ${registry.adminToken}\n`);
  const result = spawnSync("twine", ["upload", "--non-interactive", "--disable-progress-bar", "--config-file", pypirc, "--repository", "src", ...files], { encoding: "utf8", env: { ...process.env, KEYRING_BACKEND: "keyring.backends.null.Keyring" } });
  if (result.status !== 0) throw new Error(`twine upload failed: ${result.stdout}${result.stderr}`);
}

/** settings.xml as test/e2e/maven.e2e.test.ts writes it: Central mirrored to the pre-seeded ~/.m2, a header credential. */
function mavenSettings(token: string): string {
  const file = path.join(work, `settings-${Math.random().toString(36).slice(2)}.xml`);
  const seeded = "<releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>";
  writeFileSync(
    file,
    `<settings><localRepository>${path.join(work, `m2-${Math.random().toString(36).slice(2)}`)}</localRepository>
  <servers><server><id>gitlab-maven</id><configuration><httpHeaders><property><name>Private-Token</name><value>${token}</value></property></httpHeaders></configuration></server></servers>
  <mirrors><mirror><id>seeded-m2</id><mirrorOf>central</mirrorOf><url>file://${SEEDED_M2}</url></mirror></mirrors>
  <profiles><profile><id>seeded</id>
    <repositories><repository><id>central</id><url>https://repo.maven.apache.org/maven2</url>${seeded}</repository></repositories>
    <pluginRepositories><pluginRepository><id>central</id><url>https://repo.maven.apache.org/maven2</url>${seeded}</pluginRepository></pluginRepositories>
  </profile></profiles><activeProfiles><activeProfile>seeded</activeProfile></activeProfiles></settings>\n`,
  );
  return file;
}

function mvn(cwd: string, settings: string, registryUrl: string, goal: string): string {
  const result = spawnSync("mvn", ["-B", "-ntp", "-s", settings, `-Dregistry.url=${registryUrl}`, goal], { cwd, encoding: "utf8", timeout: 240_000 });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`mvn ${goal} in ${path.basename(cwd)} failed (${result.status}):\n${output.slice(-4000)}`);
  return output;
}

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  const src = new Seeder(source);
  // The Maven samples deploy as acme:tools and acme.tools:greeter: the source project is acme/tools.
  const acme = await src.group("acme", "private");
  sourceProject = await src.project(acme.id, "tools", "private");
  const dst = new Seeder(target);
  moved = await dst.group("moved", "private");
  targetProject = await dst.project(moved.id, "tools", "private");

  // npm: three versions over two packages, one depending on the other, and a second dist-tag.
  const srcNpm = `${source.url}/api/v4/projects/${sourceProject.id}/packages/npm/`;
  const rc = npmrc([{ registry: srcNpm, token: source.adminToken }]);
  expectOk(await npm(["publish"], makePackage({ name: "@acme/lib", version: "1.0.0" }, rc)), "npm publish @acme/lib@1.0.0");
  expectOk(await npm(["publish"], makePackage({ name: "@acme/lib", version: "1.1.0" }, rc)), "npm publish @acme/lib@1.1.0");
  expectOk(await npm(["publish"], makePackage({ name: "@acme/app", version: "2.0.0", dependencies: { "@acme/lib": "^1.0.0" } }, rc)), "npm publish @acme/app");
  expectOk(await npm(["dist-tag", "add", "@acme/lib@1.0.0", "stable"], makePackage({ name: "x", version: "0.0.0" }, rc)), "npm dist-tag add");
  expectOk(await npm(["deprecate", "@acme/lib@1.0.0", "use 1.1"], makePackage({ name: "x", version: "0.0.0" }, rc)), "npm deprecate");

  // PyPI: a wheel and an sdist through twine.
  hello = buildSample("acme-hello", "1.0.0");
  twine(source, sourceProject.id, [hello.wheel, hello.sdist]);

  // Generic: two files of one version, one of them under a directory.
  const generic = `${source.url}/api/v4/projects/${sourceProject.id}/packages/generic/tool/1.0.0`;
  for (const [file, body] of [["tool.bin", genericBytes], ["docs/readme.txt", Buffer.from("read me\n")]] as const) {
    const res = await fetch(`${generic}/${file}`, { method: "PUT", headers: { "PRIVATE-TOKEN": source.adminToken }, body });
    expect(res.status, `PUT generic ${file}`).toBe(201);
  }

  // Maven: a release and a SNAPSHOT deployed by the real mvn (the samples of test/e2e/maven).
  if (hasMaven) {
    cpSync(path.join(import.meta.dirname, "maven"), path.join(work, "maven"), { recursive: true });
    const settings = mavenSettings(source.adminToken);
    const url = `${source.url}/api/v4/projects/${sourceProject.id}/packages/maven`;
    mvn(path.join(work, "maven", "release-lib"), settings, url, "deploy");
    const snapshotDir = path.join(work, "maven", "snapshot-lib");
    mvn(snapshotDir, settings, url, "deploy");
    // A second SNAPSHOT build (the consumer compiles only against it): the import must keep the builds' order.
    const greeter = path.join(snapshotDir, "src/main/java/acme/tools/greeter/Greeter.java");
    writeFileSync(greeter, readFileSync(greeter, "utf8").replace("// SECOND-BUILD-MARKER", 'public static String secondBuild() { return "build 2"; }'));
    await new Promise((r) => setTimeout(r, 1100));
    mvn(snapshotDir, settings, url, "deploy");
  }
}, 600_000);

afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  removeTempDirs();
  rmSync(work, { recursive: true, force: true });
});

const fromSource = () => ["--from", `${source.url}/api/v4/projects/${sourceProject.id}`, "--from-token", source.adminToken, "--to-url", target.url, "--to-token", target.adminToken];

describe("import from a GitLab-API source (a second Packyard)", () => {
  let firstImported = 0;

  it("a dry run lists what it would import and writes nothing", async () => {
    const { code, output, report } = await runImport([...fromSource(), "--to", "moved/tools", "--dry-run"]);
    expect(code, output).toBe(0);
    expect(report.counts.planned).toBe(3 + 2 + 2 + (hasMaven ? 6 : 0));
    expect(report.counts.imported).toBe(0);
    const listed = await fetch(`${target.url}/api/v4/projects/${targetProject.id}/packages`, { headers: { "PRIVATE-TOKEN": target.adminToken } });
    expect(await listed.json()).toEqual([]);
  });

  it("imports npm, PyPI, Maven and Generic packages with their checksums", async () => {
    const { code, output, report } = await runImport([...fromSource(), "--to", "moved/tools", "--concurrency", "3"]);
    expect(failures(report), output).toEqual([]);
    expect(code, output).toBe(0);
    const byFormat = (f: string) => report.results.filter((r) => r.format === f && r.outcome === "imported").length;
    expect(byFormat("npm")).toBe(3);
    expect(byFormat("pypi")).toBe(2);
    expect(byFormat("generic")).toBe(2);
    // release: jar + pom; SNAPSHOT: jar + pom of each of its two builds (the metadata is the target's own).
    if (hasMaven) expect(byFormat("maven")).toBe(6);
    firstImported = report.counts.imported;

    // Every file has the digests it had on the source.
    const files = async (registry: Registry, projectId: number) => {
      const out = new Map<string, string>();
      const pkgs = (await (await fetch(`${registry.url}/api/v4/projects/${projectId}/packages?per_page=100`, { headers: { "PRIVATE-TOKEN": registry.adminToken } })).json()) as { id: number; name: string; version: string; package_type: string }[];
      for (const p of pkgs) {
        const list = (await (await fetch(`${registry.url}/api/v4/projects/${projectId}/packages/${p.id}/package_files`, { headers: { "PRIVATE-TOKEN": registry.adminToken } })).json()) as { file_name: string; file_sha256: string }[];
        for (const f of list) if (f.file_name !== "maven-metadata.xml") out.set(`${p.package_type} ${p.name} ${p.version} ${f.file_name}`, f.file_sha256);
      }
      return out;
    };
    const [before, after] = await Promise.all([files(source, sourceProject.id), files(target, targetProject.id)]);
    expect(Object.fromEntries(after)).toEqual(Object.fromEntries(before));
  });

  it("npm installs the imported packages from the target, with the source's dist-tags and deprecations", async () => {
    const registry = `${target.url}/api/v4/projects/${targetProject.id}/packages/npm/`;
    const rc = npmrc([{ registry, token: target.adminToken }]);
    const consumer = makeConsumer({ "@acme/app": "2.0.0" }, rc);
    expectOk(await npm(["install"], consumer), "npm install from the target");
    expect(installedVersion(consumer, "@acme/lib")).toBe("1.1.0");
    expect(await requireIn(consumer, "@acme/app")).toBe("@acme/app@2.0.0");
    const tags = JSON.parse(expectOk(await npm(["view", "@acme/lib", "dist-tags", "--json"], consumer), "npm view dist-tags").stdout);
    expect(tags).toEqual({ latest: "1.1.0", stable: "1.0.0" });
    const deprecated = JSON.parse(expectOk(await npm(["view", "@acme/lib@1.0.0", "deprecated", "--json"], consumer), "npm view deprecated").stdout);
    expect(deprecated).toBe("use 1.1");
  });

  it("pip installs the imported distribution from the target", () => {
    const venv = path.join(work, "venv");
    execFileSync(SYSTEM_PYTHON, ["-m", "venv", venv]);
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PIP_")));
    const index = `http://__token__:${target.adminToken}@${target.host}/api/v4/projects/${targetProject.id}/packages/pypi/simple`;
    const pip = spawnSync(path.join(venv, "bin", "python"), ["-m", "pip", "install", "--no-cache-dir", "--disable-pip-version-check", "--index-url", index, "acme-hello==1.0.0"], {
      encoding: "utf8",
      env: { ...env, PIP_CONFIG_FILE: "/dev/null", HOME: work },
      timeout: 120_000,
    });
    expect(pip.status, `${pip.stdout}${pip.stderr}`).toBe(0);
    expect(execFileSync(path.join(venv, "bin", "python"), ["-c", "import acme_hello; print(acme_hello.hello())"], { encoding: "utf8" }).trim()).toBe("hello from acme-hello 1.0.0");
  });

  it.skipIf(!hasMaven)("mvn resolves the imported release and SNAPSHOT from the target", () => {
    const output = mvn(path.join(work, "maven", "consumer"), mavenSettings(target.adminToken), `${target.url}/api/v4/projects/${targetProject.id}/packages/maven`, "package");
    expect(output).toContain("BUILD SUCCESS");
  });

  it("Generic files download from the target byte for byte", () => {
    expect(download(target, `/projects/${targetProject.id}/packages/generic/tool/1.0.0/tool.bin`).equals(genericBytes)).toBe(true);
    expect(download(target, `/projects/${targetProject.id}/packages/generic/tool/1.0.0/docs/readme.txt`).toString()).toBe("read me\n");
  });

  it("a second run imports nothing and skips every file", async () => {
    const { code, output, report } = await runImport([...fromSource(), "--to", "moved/tools"]);
    expect(code, output).toBe(0);
    expect(report.counts.imported).toBe(0);
    expect(report.counts.failed).toBe(0);
    expect(report.counts.skipped).toBe(firstImported);
  });

  it("imports a source group into a target group, project by project", async () => {
    const dst = new Seeder(target);
    await dst.group("mirror", "private");
    const { code, output, report } = await runImport(["--from", `${source.url}/api/v4/groups/acme`, "--from-token", source.adminToken, "--to-url", target.url, "--to-token", target.adminToken, "--to", "mirror", "--formats", "generic,pypi"]);
    expect(failures(report), output).toEqual([]);
    expect(code, output).toBe(0);
    expect(report.counts.imported).toBe(4);
    const project = await dst.api("GET", `/projects/${encodeURIComponent("mirror/tools")}`);
    expect(download(target, `/projects/${project.id}/packages/generic/tool/1.0.0/tool.bin`).equals(genericBytes)).toBe(true);
  });
});

/** The sha256 of every file of a target project, by "type name version file". */
async function filesOf(registry: Registry, projectId: number): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const pkgs = (await (await fetch(`${registry.url}/api/v4/projects/${projectId}/packages?per_page=100`, { headers: { "PRIVATE-TOKEN": registry.adminToken } })).json()) as { id: number; name: string; version: string; package_type: string }[];
  for (const p of pkgs) {
    const list = (await (await fetch(`${registry.url}/api/v4/projects/${projectId}/packages/${p.id}/package_files`, { headers: { "PRIVATE-TOKEN": registry.adminToken } })).json()) as { file_name: string; file_sha256: string }[];
    for (const f of list) out[`${p.package_type} ${p.name} ${p.version} ${f.file_name}`] = f.file_sha256;
  }
  return out;
}

describe("import from a PyPI simple index and a Maven repository (the source Packyard's own endpoints)", () => {
  it("reads the project pages (PEP 691 JSON: the source offers it), verifies the sha256 digests, and a re-run imports nothing", async () => {
    const project = await new Seeder(target).project(moved.id, "pysimple", "private");
    const index = `http://__token__:${source.adminToken}@${source.host}/api/v4/projects/${sourceProject.id}/packages/pypi/simple`;
    const args = ["--from", `pypi:${index}`, "--to-url", target.url, "--to-token", target.adminToken, "--to", "moved/pysimple"];
    const first = await runImport(args);
    expect(failures(first.report), first.output).toEqual([]);
    expect(first.report.counts.imported).toBe(2);
    const pypiOnly = Object.fromEntries(Object.entries(await filesOf(source, sourceProject.id)).filter(([k]) => k.startsWith("pypi ")));
    expect(await filesOf(target, project.id)).toEqual(pypiOnly);
    const second = await runImport(args);
    expect(second.report.counts).toMatchObject({ imported: 0, skipped: 2, failed: 0 });
  });

  it.skipIf(!hasMaven)("reads a repository without listings by --artifacts (metadata, SNAPSHOT builds, .sha256), and mvn resolves from the target", async () => {
    const project = await new Seeder(target).project(moved.id, "mvnrepo", "private");
    const args = ["--from", `maven:${source.url}/api/v4/projects/${sourceProject.id}/packages/maven`, "--from-token", source.adminToken, "--artifacts", "acme:tools,acme.tools:greeter", "--to-url", target.url, "--to-token", target.adminToken, "--to", "moved/mvnrepo"];
    const first = await runImport(args);
    expect(failures(first.report), first.output).toEqual([]);
    // The release's jar and pom, and the newest SNAPSHOT build's jar and pom (the one its metadata names).
    expect(first.report.results.map((r) => r.fileName).sort()).toEqual(expect.arrayContaining(["tools-1.0.0.jar", "tools-1.0.0.pom"]));
    expect(first.report.counts.imported).toBe(4);
    const output = mvn(path.join(work, "maven", "consumer"), mavenSettings(target.adminToken), `${target.url}/api/v4/projects/${project.id}/packages/maven`, "package");
    expect(output).toContain("BUILD SUCCESS");
    const second = await runImport(args);
    expect(second.report.counts).toMatchObject({ imported: 0, skipped: 4, failed: 0 });
  });

  it.skipIf(!hasMaven)("crawls a repository's directory listings (python's http.server) to each maven-metadata.xml", async () => {
    const repo = path.join(work, "dir-all", "maven");
    const files = ["acme/tools/maven-metadata.xml", "acme/tools/1.0.0/tools-1.0.0.jar", "acme/tools/1.0.0/tools-1.0.0.jar.sha1", "acme/tools/1.0.0/tools-1.0.0.pom", "acme/tools/1.0.0/tools-1.0.0.pom.sha1"];
    for (const file of files) {
      mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
      writeFileSync(path.join(repo, file), download(source, `/projects/${sourceProject.id}/packages/maven/${file}`));
    }
    const port = await freePort();
    const server = spawn(SYSTEM_PYTHON, ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", repo], { stdio: "ignore" });
    try {
      for (let i = 0; i < 100; i++) {
        if (await fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const project = await new Seeder(target).project(moved.id, "mvncrawl", "private");
      const { code, output, report } = await runImport(["--from", `maven:http://127.0.0.1:${port}/`, "--to-url", target.url, "--to-token", target.adminToken, "--to", "moved/mvncrawl"]);
      expect(code, output).toBe(0);
      expect(report.results.map((r) => [r.name, r.version, r.fileName, r.outcome]).sort()).toEqual([
        ["acme/tools", "1.0.0", "tools-1.0.0.jar", "imported"],
        ["acme/tools", "1.0.0", "tools-1.0.0.pom", "imported"],
      ]);
      const release = Object.fromEntries(Object.entries(await filesOf(source, sourceProject.id)).filter(([k]) => k.startsWith("maven acme/tools 1.0.0 tools-")));
      expect(await filesOf(target, project.id)).toEqual(release);
    } finally {
      server.kill("SIGTERM");
    }
  });
});

describe("retries and the rate limit toward the source", () => {
  it("retries a 503 and a 429 (after its Retry-After) and spaces requests at --rate, from a PEP 503 HTML index", async () => {
    const wheel = readFileSync(hello.wheel);
    const wheelName = path.basename(hello.wheel);
    const digest = createHash("sha256").update(wheel).digest("hex");
    const seen: { at: number; url: string; status: number }[] = [];
    const server = createServer((req, res) => {
      const url = req.url ?? "";
      const first = !seen.some((s) => s.url === url);
      let status = 200;
      if (url === "/simple/") res.end(`<a href="acme-hello/">acme-hello</a>`);
      else if (url === "/simple/acme-hello/" && first) status = 503;
      else if (url === "/simple/acme-hello/") res.end(`<a href="/files/${wheelName}#sha256=${digest}" data-requires-python="&gt;=3.8">${wheelName}</a>`);
      else if (url === `/files/${wheelName}` && first) {
        status = 429;
        res.setHeader("retry-after", "1");
      } else if (url === `/files/${wheelName}`) res.end(wheel);
      else status = 404;
      seen.push({ at: Date.now(), url, status });
      if (status !== 200) {
        res.statusCode = status;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as { port: number }).port;
      await new Seeder(target).project(moved.id, "flaky", "private");
      const { code, output, report } = await runImport(["--from", `pypi:http://127.0.0.1:${port}/simple/`, "--rate", "4", "--to-url", target.url, "--to-token", target.adminToken, "--to", "moved/flaky"]);
      expect(code, output).toBe(0);
      expect(report.results).toEqual([{ format: "pypi", name: "acme-hello", version: "1.0.0", fileName: wheelName, outcome: "imported" }]);
      expect(seen.map((s) => `${s.status} ${s.url}`)).toEqual(["200 /simple/", "503 /simple/acme-hello/", "200 /simple/acme-hello/", `429 /files/${wheelName}`, `200 /files/${wheelName}`]);
      const gaps = seen.slice(1).map((s, i) => s.at - seen[i]!.at);
      // 4 per second: the client starts requests 250 ms apart. Seen at the server, arrival jitter on a busy
      // machine blurs gaps by some tens of ms (unlimited, these two gaps are a few ms each). The retries back
      // off on top (the 429 for its Retry-After).
      expect(gaps[0]! + gaps[2]!).toBeGreaterThanOrEqual(400);
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(150);
      expect(gaps[3]).toBeGreaterThanOrEqual(950);
    } finally {
      server.close();
    }
  });
});

describe("import from a directory", () => {
  it("imports npm tarballs, PyPI files and a Maven layout; a re-run imports nothing", async () => {
    const dir = path.join(work, "dir-all");
    mkdirSync(path.join(dir, "npm"), { recursive: true });
    mkdirSync(path.join(dir, "pypi", "acme-hello"), { recursive: true });
    writeFileSync(path.join(dir, "npm", "lib-1.0.0.tgz"), download(source, `/projects/${sourceProject.id}/packages/npm/@acme/lib/-/@acme/lib-1.0.0.tgz`));
    cpSync(hello.wheel, path.join(dir, "pypi", "acme-hello", path.basename(hello.wheel)));
    // A group of its own: an npm version is unique within a top-level namespace, and moved/tools has @acme/lib.
    const group = await new Seeder(target).group("fromdir", "private");
    const project = await new Seeder(target).project(group.id, "all", "private");
    const args = ["--from", `dir:${dir}`, "--to-url", target.url, "--to-token", target.adminToken, "--to", "fromdir/all"];
    const first = await runImport(args);
    expect(failures(first.report), first.output).toEqual([]);
    expect(first.report.counts.imported).toBe(hasMaven ? 4 : 2);
    const rc = npmrc([{ registry: `${target.url}/api/v4/projects/${project.id}/packages/npm/`, token: target.adminToken }]);
    const consumer = makeConsumer({ "@acme/lib": "1.0.0" }, rc);
    expectOk(await npm(["install"], consumer), "npm install of the tarball imported from a directory");
    expect(await requireIn(consumer, "@acme/lib")).toBe("@acme/lib@1.0.0");
    const second = await runImport(args);
    expect(second.report.counts).toMatchObject({ imported: 0, failed: 0, skipped: first.report.counts.imported });
    // On a terminal (script(1) gives it one) a progress line is redrawn on stderr as files are decided.
    const command = [NODE, CLI, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
    const tty = spawnSync("script", ["-qec", command, "/dev/null"], { encoding: "utf8", timeout: 120_000 });
    expect(tty.status, tty.stdout).toBe(0);
    expect(tty.stdout).toContain("\r\u001b[2K[");
    expect(tty.stdout).toMatch(new RegExp(`imported 0 {2}skipped ${first.report.counts.imported} {2}failed 0`));
  });

  it("verifies each file against its checksum file: a mismatch fails that file and stores nothing", async () => {
    const dir = path.join(work, "dir-source");
    mkdirSync(path.join(dir, "generic", "blob", "2.0.0"), { recursive: true });
    const good = randomBytes(5000);
    writeFileSync(path.join(dir, "generic", "blob", "2.0.0", "good.bin"), good);
    writeFileSync(path.join(dir, "generic", "blob", "2.0.0", "good.bin.sha256"), `${createHash("sha256").update(good).digest("hex")}  good.bin\n`);
    writeFileSync(path.join(dir, "generic", "blob", "2.0.0", "bad.bin"), randomBytes(5000));
    writeFileSync(path.join(dir, "generic", "blob", "2.0.0", "bad.bin.sha256"), `${"0".repeat(64)}\n`);
    const args = ["--from", `dir:${dir}`, "--to-url", target.url, "--to-token", target.adminToken, "--to", "moved/tools"];
    const { code, report } = await runImport(args);
    expect(code).toBe(1);
    expect(report.results.map((r) => [r.fileName, r.outcome])).toEqual(expect.arrayContaining([["good.bin", "imported"], ["bad.bin", "failed"]]));
    expect(failures(report)[0]?.reason).toMatch(/checksum mismatch/);
    const bad = await fetch(`${target.url}/api/v4/projects/${targetProject.id}/packages/generic/blob/2.0.0/bad.bin`, { headers: { "PRIVATE-TOKEN": target.adminToken } });
    expect(bad.status).toBe(404);
    // Fixed at the source, a re-run imports only what failed.
    const fixed = randomBytes(5000);
    writeFileSync(path.join(dir, "generic", "blob", "2.0.0", "bad.bin"), fixed);
    writeFileSync(path.join(dir, "generic", "blob", "2.0.0", "bad.bin.sha256"), createHash("sha256").update(fixed).digest("hex"));
    const again = await runImport(args);
    expect(again.code).toBe(0);
    expect(again.report.results.map((r) => [r.fileName, r.outcome]).sort()).toEqual([["bad.bin", "imported"], ["good.bin", "skipped"]]);
  });
});

describe("import from Verdaccio", () => {
  let verdaccio: { registry: string; token: string; storage: string; stop: () => Promise<void> };
  const names = Array.from({ length: 50 }, (_, i) => (i < 10 ? `@vd/pkg-${i}` : `vd-pkg-${i}`));
  const tags: Record<string, Record<string, string>> = {};

  /** What npm publish sends: one version, its tarball inline, shasum and integrity. */
  async function publish(name: string, version: string, tag: string, dependencies: Record<string, string> = {}) {
    const dir = mkdtempSync(path.join(work, "tgz-"));
    mkdirSync(path.join(dir, "package"));
    const manifest = { name, version, main: "index.js", license: "MIT", dependencies };
    writeFileSync(path.join(dir, "package", "package.json"), JSON.stringify(manifest));
    writeFileSync(path.join(dir, "package", "index.js"), `module.exports = ${JSON.stringify(`${name}@${version}`)};\n`);
    execFileSync("tar", ["-czf", path.join(dir, "p.tgz"), "-C", dir, "package"]);
    const tgz = readFileSync(path.join(dir, "p.tgz"));
    const file = `${name}-${version}.tgz`;
    const body = {
      _id: name,
      name,
      "dist-tags": { [tag]: version },
      versions: { [version]: { ...manifest, _id: `${name}@${version}`, dist: { shasum: createHash("sha1").update(tgz).digest("hex"), integrity: `sha512-${createHash("sha512").update(tgz).digest("base64")}`, tarball: `${verdaccio.registry}${name}/-/${file}` } } },
      _attachments: { [file]: { content_type: "application/octet-stream", data: tgz.toString("base64"), length: tgz.length } },
    };
    const res = await fetch(`${verdaccio.registry}${name.replace("/", "%2f")}`, { method: "PUT", headers: { authorization: `Bearer ${verdaccio.token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(res.ok, `publish ${name}@${version} to Verdaccio: ${res.status}`).toBe(true);
    tags[name] = { ...tags[name], [tag]: version };
  }

  beforeAll(async () => {
    const { startVerdaccio, VERDACCIO_VERSION } = await import(path.join(ROOT, "bench", "npm", "servers.mjs"));
    verdaccio = await startVerdaccio(() => {}, { installDir: path.join(homedir(), ".cache", "packyard-e2e", `verdaccio-${VERDACCIO_VERSION}`) });
    for (const [i, name] of names.entries()) {
      await publish(name, "1.0.0", "latest", i === 11 ? { "vd-pkg-10": "^1.0.0" } : {});
      if (i % 5 === 0) {
        await publish(name, "1.1.0", "latest");
        await publish(name, "2.0.0-beta.1", "next");
      }
    }
    await new Seeder(target).group("verdaccio", "private").then((g) => new Seeder(target).project(g.id, "npm", "private"));
  }, 600_000);

  afterAll(async () => verdaccio?.stop());

  const args = () => ["--from", `npm:${verdaccio.registry}`, "--to-url", target.url, "--to-token", target.adminToken, "--to", "verdaccio/npm", "--concurrency", "4"];

  it("imports every version of the 50 packages with their dist-tags; npm installs them; a re-run imports nothing", async () => {
    const first = await runImport(args());
    expect(failures(first.report), first.output).toEqual([]);
    expect(first.code, first.output).toBe(0);
    expect(first.report.counts.imported).toBe(50 + 10 * 2);
    expect(new Set(first.report.results.map((r) => r.name))).toEqual(new Set(names));

    const project = await new Seeder(target).api("GET", `/projects/${encodeURIComponent("verdaccio/npm")}`);
    const registry = `${target.url}/api/v4/projects/${project.id}/packages/npm/`;
    const rc = npmrc([{ registry, token: target.adminToken }]);
    const consumer = makeConsumer({ "vd-pkg-11": "1.0.0", "@vd/pkg-5": "next", "vd-pkg-45": "^1.0.0" }, rc);
    expectOk(await npm(["install"], consumer), "npm install from the imported Verdaccio packages");
    expect(installedVersion(consumer, "vd-pkg-10")).toBe("1.1.0");
    expect(installedVersion(consumer, "@vd/pkg-5")).toBe("2.0.0-beta.1");
    expect(installedVersion(consumer, "vd-pkg-45")).toBe("1.1.0");
    for (const name of ["@vd/pkg-0", "vd-pkg-10", "vd-pkg-12"]) {
      const res = await fetch(`${registry}-/package/${name.replace("/", "%2f")}/dist-tags`, { headers: { authorization: `Bearer ${target.adminToken}` } });
      expect(await res.json()).toEqual(tags[name]);
    }

    const second = await runImport(args());
    expect(second.code, second.output).toBe(0);
    expect(second.report.counts).toMatchObject({ imported: 0, failed: 0, skipped: 70 });
  });

  it("imports the same packages from Verdaccio's storage directory, without Verdaccio's API", async () => {
    const g = await new Seeder(target).group("storage", "private");
    const project = await new Seeder(target).project(g.id, "npm", "private");
    const storageArgs = ["--from", `verdaccio:${verdaccio.storage}`, "--to-url", target.url, "--to-token", target.adminToken, "--to", "storage/npm"];
    const first = await runImport(storageArgs);
    expect(failures(first.report), first.output).toEqual([]);
    expect(first.report.counts.imported).toBe(70);
    const registry = `${target.url}/api/v4/projects/${project.id}/packages/npm/`;
    const res = await fetch(`${registry}-/package/%40vd%2fpkg-5/dist-tags`, { headers: { authorization: `Bearer ${target.adminToken}` } });
    expect(await res.json()).toEqual(tags["@vd/pkg-5"]);
    const second = await runImport(storageArgs);
    expect(second.report.counts).toMatchObject({ imported: 0, failed: 0, skipped: 70 });
  });
});
