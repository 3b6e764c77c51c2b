// NuGet end to end with the real client: Debian's nuget 2.8.7 on mono packs nuspecs offline, pushes them with an
// API key to the v2 feed, installs a pinned version, the latest version and a package with a dependency, lists
// and searches, and deletes. Credentials come from nuget.config (Basic after the server's 401 challenge).
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

/** nuget with its own HOME (config and machine cache), never prompting. */
function nuget(args: string[], cwd = work) {
  const result = spawnSync("nuget", [...args, "-NonInteractive"], { cwd, encoding: "utf8", env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, ".config") }, timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
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

beforeAll(async () => {
  if (!hasNuget) return;
  registry = await startRegistry();
  seed = new Seeder(registry);
  alice = await seed.user("alice");
  const group = await seed.group("acme", "private");
  await seed.member("groups", group.id, alice.id, 40);
  project = await seed.project(group.id, "dotnet", "private");
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
