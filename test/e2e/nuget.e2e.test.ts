// NuGet end to end with the real clients: Debian's nuget 2.8.7 on mono packs nuspecs offline, pushes them with an
// API key to the v2 feed, installs a pinned version, the latest version and a package with a dependency, lists
// and searches, and deletes. Credentials come from nuget.config (Basic after the server's 401 challenge).
// NuGet.exe 5.8 (the npm package nuget-exe, on the same mono with a few more of Debian's mono libraries) drives
// the v3 feed: push, installs from the project and the group index, delete.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Seeder, startRegistry, type Registry } from "./support/registry";

let registry: Registry;
let seed: Seeder;
let alice: { id: number; token: string; username: string };
let project: { id: number };
const work = mkdtempSync(path.join(tmpdir(), "nuget-e2e-"));
const home = path.join(work, "home");
const hasNuget = spawnSync("sh", ["-c", "command -v nuget"]).status === 0;

/**
 * Mono on a loaded machine now and then aborts (SIGABRT, exit 134 through the nuget wrapper script) while
 * shutting down, after the command itself finished; such a run says nothing about the server, so it is run
 * again once. Any other failure stands.
 */
function withMonoRetry(run: () => ReturnType<typeof spawnSync>): { status: number | null; output: string } {
  for (let attempt = 1; ; attempt++) {
    const result = run();
    const output = `${result.stdout}\n${result.stderr}`;
    const aborted = result.signal === "SIGABRT" || result.status === 134;
    if (!aborted || attempt === 2) return { status: result.status, output };
    console.warn(`mono aborted (attempt ${attempt}); running the command again:\n${output.slice(-400)}`);
  }
}

/** nuget with its own HOME (config and machine cache), never prompting. */
function nuget(args: string[], cwd = work) {
  return withMonoRetry(() => spawnSync("nuget", [...args, "-NonInteractive"], { cwd, encoding: "utf8", env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, ".config") }, timeout: 120_000 }));
}

/**
 * `nuget list` under a pseudo-terminal with a width: NuGet 2.8.7 on mono wraps each line to the console width,
 * which is 0 without a terminal, and then prints empty lines forever.
 */
function nugetList(args: string[]) {
  const command = ["stty cols 200 rows 50;", "nuget", "list", ...args.map((a) => `'${a.replace(/'/g, "'\\''")}'`), "-NonInteractive"].join(" ");
  const result = spawnSync("script", ["-qec", command, "/dev/null"], { cwd: work, encoding: "utf8", env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, ".config") }, timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}`.replace(/\r/g, "") };
}

function writeConfig(name: string, source: string, token: string | null): string {
  const file = path.join(work, name);
  const credentials = token
    ? `<packageSourceCredentials><gitlab><add key="Username" value="__token__"/><add key="ClearTextPassword" value="${token}"/></gitlab></packageSourceCredentials>`
    : "";
  writeFileSync(file, `<?xml version="1.0" encoding="utf-8"?>\n<configuration><packageSources><clear/><add key="gitlab" value="${source}"/></packageSources>${credentials}</configuration>\n`);
  return file;
}

/** `nuget pack` of a nuspec written here (NuGet 2.8.7 on mono cannot read entities such as &amp; in it). */
function pack(id: string, version: string, dependencies = ""): string {
  const dir = path.join(work, `${id}-${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "hello.txt"), `hello from ${id} ${version}\n`);
  writeFileSync(
    path.join(dir, `${id}.nuspec`),
    `<?xml version="1.0"?>
<package xmlns="http://schemas.microsoft.com/packaging/2010/07/nuspec.xsd">
  <metadata>
    <id>${id}</id>
    <version>${version}</version>
    <authors>Acme</authors>
    <description>The ${id} package</description>
    <tags>acme greeting</tags>
    ${dependencies}
  </metadata>
  <files><file src="hello.txt" target="content/hello.txt"/></files>
</package>
`,
  );
  const result = nuget(["pack", `${id}.nuspec`, "-OutputDirectory", dir], dir);
  expect(result.status, result.output).toBe(0);
  const file = readdirSync(dir).find((f) => f.endsWith(".nupkg"));
  return path.join(dir, file!);
}

let source: string;
let config: string;
let group: { id: number; full_path: string };
/** Seeded with the rest: a keep-alive socket to the server may be closed after the v2 tests' idle minute. */
let v3: { id: number };

/** NuGet.exe 5.8 from the npm package nuget-exe: node_modules when the project has it, else fetched with npm pack. */
function nugetExe(): string | null {
  const installed = path.resolve(import.meta.dirname, "../../node_modules/nuget-exe/nuget-5.8.0.exe");
  if (existsSync(installed)) return installed;
  const dir = path.join(tmpdir(), "packyard-nuget-exe");
  const exe = path.join(dir, "package", "nuget-5.8.0.exe");
  if (existsSync(exe)) return exe;
  mkdirSync(dir, { recursive: true });
  const packed = spawnSync("sh", ["-c", "npm pack --silent nuget-exe@5.8.0 && tar xzf nuget-exe-5.8.0.tgz"], { cwd: dir, encoding: "utf8", timeout: 120_000 });
  return packed.status === 0 && existsSync(exe) ? exe : null;
}

/** NuGet.exe 5.8 on mono, or null (and the v3 tests say why they are skipped) without it or mono's System.Net.Http. */
const v3Client = (() => {
  if (!hasNuget) return null;
  const exe = nugetExe();
  if (!exe) return null;
  const probe = spawnSync("mono", [exe, "help"], { encoding: "utf8", env: { ...process.env, HOME: home }, timeout: 60_000 });
  return probe.status === 0 ? exe : null;
})();

/** `homeName` separates HTTP caches (NuGet.exe 5 caches registration documents for 30 minutes). */
function nuget5(args: string[], cwd = work, homeName = "v3") {
  const own = path.join(home, homeName);
  return withMonoRetry(() => spawnSync("mono", [v3Client!, ...args, "-NonInteractive"], { cwd, encoding: "utf8", env: { ...process.env, HOME: own, XDG_CONFIG_HOME: path.join(own, ".config") }, timeout: 120_000 }));
}

beforeAll(async () => {
  if (!hasNuget) return;
  registry = await startRegistry();
  seed = new Seeder(registry);
  alice = await seed.user("alice");
  group = await seed.group("acme", "private");
  await seed.member("groups", group.id, alice.id, 40);
  project = await seed.project(group.id, "dotnet", "private");
  v3 = await seed.project(group.id, "dotnet-v3", "private");
  source = `${registry.url}/api/v4/projects/${project.id}/packages/nuget/v2`;
  config = writeConfig("nuget.config", source, alice.token);
});
afterAll(async () => registry?.stop());

describe.skipIf(!hasNuget)("NuGet 2.8.7 on mono against the v2 feed", () => {
  it("pushes packages with an API key", () => {
    for (const file of [pack("Acme.Hello", "1.0.0"), pack("Acme.Hello", "1.1.0"), pack("Acme.App", "2.0.0", '<dependencies><dependency id="Acme.Hello" version="1.0.0"/></dependencies>')]) {
      // NuGet 2.8.7 on mono resolves an absolute package path against the working directory: pass it relative.
      const result = nuget(["push", path.basename(file), "-Source", "gitlab", "-ApiKey", alice.token, "-ConfigFile", config], path.dirname(file));
      expect(result.status, result.output).toBe(0);
      expect(result.output).toMatch(/Your package was pushed/);
    }
  });

  it("installs a pinned version, byte for byte", () => {
    const out = path.join(work, "pinned");
    const result = nuget(["install", "Acme.Hello", "-Version", "1.0.0", "-Source", "gitlab", "-ConfigFile", config, "-OutputDirectory", out, "-NoCache"]);
    expect(result.status, result.output).toBe(0);
    expect(readFileSync(path.join(out, "Acme.Hello.1.0.0", "content", "hello.txt"), "utf8")).toBe("hello from Acme.Hello 1.0.0\n");
    const pushed = path.join(work, "Acme.Hello-1.0.0", "Acme.Hello.1.0.0.nupkg");
    const installed = path.join(out, "Acme.Hello.1.0.0", "Acme.Hello.1.0.0.nupkg");
    const sha = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");
    expect(sha(installed)).toBe(sha(pushed));
  });

  it("installs the latest version, and a package with its dependency", () => {
    const out = path.join(work, "latest");
    const latest = nuget(["install", "Acme.Hello", "-Source", "gitlab", "-ConfigFile", config, "-OutputDirectory", out, "-NoCache"]);
    expect(latest.status, latest.output).toBe(0);
    expect(existsSync(path.join(out, "Acme.Hello.1.1.0", "content", "hello.txt"))).toBe(true);
    const app = nuget(["install", "Acme.App", "-Source", "gitlab", "-ConfigFile", config, "-OutputDirectory", path.join(work, "app"), "-NoCache"]);
    expect(app.status, app.output).toBe(0);
    expect(readdirSync(path.join(work, "app")).sort()).toEqual(["Acme.App.2.0.0", "Acme.Hello.1.0.0"]);
  });

  it("lists and searches", () => {
    const all = nugetList(["-Source", "gitlab", "-ConfigFile", config]);
    expect(all.status, all.output).toBe(0);
    expect(all.output).toMatch(/Acme\.App 2\.0\.0/);
    expect(all.output).toMatch(/Acme\.Hello 1\.1\.0/);
    const search = nugetList(["hello", "-AllVersions", "-Source", "gitlab", "-ConfigFile", config]);
    expect(search.status, search.output).toBe(0);
    expect(search.output).toMatch(/Acme\.Hello 1\.0\.0/);
    expect(search.output).toMatch(/Acme\.Hello 1\.1\.0/);
    expect(search.output).not.toMatch(/Acme\.App/);
  });

  it("refuses an anonymous install from the private project", () => {
    const anonymous = writeConfig("anonymous.config", source, null);
    const result = nuget(["install", "Acme.Hello", "-Version", "1.0.0", "-Source", "gitlab", "-ConfigFile", anonymous, "-OutputDirectory", path.join(work, "anon"), "-NoCache"]);
    expect(result.status).not.toBe(0);
  });

  it("deletes a version with the API key", () => {
    const result = nuget(["delete", "Acme.Hello", "1.1.0", "-Source", "gitlab", "-ApiKey", alice.token, "-ConfigFile", config]);
    expect(result.status, result.output).toBe(0);
    const out = path.join(work, "after-delete");
    const latest = nuget(["install", "Acme.Hello", "-Source", "gitlab", "-ConfigFile", config, "-OutputDirectory", out, "-NoCache"]);
    expect(latest.status, latest.output).toBe(0);
    expect(readdirSync(out)).toEqual(["Acme.Hello.1.0.0"]);
  });
});

describe.skipIf(!v3Client)("NuGet.exe 5.8 on mono against the v3 feed", () => {
  let projectConfig: string;
  beforeAll(() => {
    projectConfig = writeConfig("v3.config", `${registry.url}/api/v4/projects/${v3.id}/packages/nuget/index.json`, alice.token);
  });

  it("pushes to the publish resource of the service index", () => {
    for (const file of [pack("Acme.Three", "1.0.0"), pack("Acme.Three", "1.1.0-rc1"), pack("Acme.Tool", "1.0.0", '<dependencies><dependency id="Acme.Three" version="1.0.0"/></dependencies>')]) {
      const result = nuget5(["push", path.basename(file), "-Source", "gitlab", "-ApiKey", alice.token, "-ConfigFile", projectConfig], path.dirname(file));
      expect(result.status, result.output).toBe(0);
      expect(result.output).toMatch(/Your package was pushed/);
    }
  });

  it("installs the latest stable and the latest prerelease version through registration and the flat container", () => {
    const stable = nuget5(["install", "Acme.Three", "-Source", "gitlab", "-ConfigFile", projectConfig, "-OutputDirectory", path.join(work, "v3-stable"), "-NoCache"]);
    expect(stable.status, stable.output).toBe(0);
    expect(readdirSync(path.join(work, "v3-stable"))).toEqual(["Acme.Three.1.0.0"]);
    const pre = nuget5(["install", "Acme.Three", "-Prerelease", "-Source", "gitlab", "-ConfigFile", projectConfig, "-OutputDirectory", path.join(work, "v3-pre"), "-NoCache"]);
    expect(pre.status, pre.output).toBe(0);
    expect(readdirSync(path.join(work, "v3-pre"))).toEqual(["Acme.Three.1.1.0-rc1"]);
  });

  it("installs a package and its dependency from the group index (search and metadata only)", () => {
    const groupConfig = writeConfig("v3-group.config", `${registry.url}/api/v4/groups/${encodeURIComponent(group.full_path)}/-/packages/nuget/index.json`, alice.token);
    const result = nuget5(["install", "Acme.Tool", "-Source", "gitlab", "-ConfigFile", groupConfig, "-OutputDirectory", path.join(work, "v3-group"), "-NoCache"]);
    expect(result.status, result.output).toBe(0);
    expect(readdirSync(path.join(work, "v3-group")).sort()).toEqual(["Acme.Three.1.0.0", "Acme.Tool.1.0.0"]);
  });

  it("deletes a version", () => {
    const result = nuget5(["delete", "Acme.Three", "1.1.0-rc1", "-Source", "gitlab", "-ApiKey", alice.token, "-ConfigFile", projectConfig]);
    expect(result.status, result.output).toBe(0);
    const pre = nuget5(["install", "Acme.Three", "-Prerelease", "-Source", "gitlab", "-ConfigFile", projectConfig, "-OutputDirectory", path.join(work, "v3-after"), "-NoCache"], work, "v3-after");
    expect(pre.status, pre.output).toBe(0);
    expect(readdirSync(path.join(work, "v3-after"))).toEqual(["Acme.Three.1.0.0"]);
  });
});
