// The real `go` (Debian's go 1.19) against a Packyard served over HTTPS: module zips made by
// golang.org/x/mod/zip are uploaded with curl, then a consumer `go get`s them through GOPROXY with Basic
// credentials from a .netrc (go sends them over HTTPS only) and `go build`s: a v1 module at two versions,
// its /v2 module, a module path with upper-case letters (!-escaped in URLs) and a +incompatible version
// of a module without go.mod. `go list -m -versions` reads @v/list. Every run has its own GOPATH,
// GOMODCACHE, GOCACHE and HOME, and nothing leaves the machine (GONOSUMDB, no fallback proxy).
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Seeder, startRegistry, type Registry } from "./support/registry";

const FIXTURES = path.join(import.meta.dirname, "go");
const hasGo = spawnSync("go", ["version"], { encoding: "utf8" }).status === 0 && spawnSync("test", ["-d", "/usr/share/gocode/src/golang.org/x/mod/zip"]).status === 0;

let registry: Registry;
let work: string;
let gomodzip: string;
let seed: { user: { token: string; username: string }; project: { id: number }; reader: { token: string; username: string } };

/** go with a private GOPATH, module and build caches, HOME and .netrc, and only our proxy. */
function goEnv(netrc: string | null): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: path.join(work, "home"),
    GOPATH: path.join(work, "gopath"),
    GOMODCACHE: path.join(work, `modcache-${Math.random().toString(36).slice(2)}`),
    GOCACHE: path.join(work, "gocache"),
    GOPROXY: `${registry.url}/api/v4/projects/${seed.project.id}/packages/go`,
    GONOSUMDB: "example.test",
    GOFLAGS: "-modcacherw -mod=mod",
    GO111MODULE: "on",
    CGO_ENABLED: "0",
    NETRC: netrc ?? path.join(work, "no-netrc"),
    SSL_CERT_FILE: registry.caFile,
  };
}

function go(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): { status: number | null; output: string } {
  const result = spawnSync("go", args, { cwd, env, encoding: "utf8", timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function goOk(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): string {
  const { status, output } = go(cwd, env, ...args);
  if (status !== 0) throw new Error(`go ${args.join(" ")} failed (${status}):\n${output}\n--- registry log ---\n${registry.logs().slice(-3000)}`);
  return output;
}

function netrc(login: { username: string; token: string }): string {
  const file = path.join(work, `netrc-${login.username}`);
  writeFileSync(file, `machine 127.0.0.1 login ${login.username} password ${login.token}\n`, { mode: 0o600 });
  return file;
}

/** Zip a fixture directory as module@version with gomodzip, and upload it with curl as docs/formats/go.md shows. */
function publish(modulePath: string, version: string, dir: string): string {
  const zip = path.join(work, `${modulePath.replace(/\//g, "_")}@${version}.zip`);
  execFileSync(gomodzip, [modulePath, version, dir, zip]);
  const escaped = `${modulePath}/@v/${version}.zip`.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
  const url = `${registry.url}/api/v4/projects/${seed.project.id}/packages/go/${escaped}`;
  return execFileSync("curl", ["-sS", "--fail-with-body", "--cacert", registry.caFile!, "--user", `${seed.user.username}:${seed.user.token}`, "--upload-file", zip, url], { encoding: "utf8" });
}

/** A copy of the hello-go fixture whose Greeting names `version`. */
function helloAt(version: string): string {
  const dir = path.join(work, `hello-go-${version}`);
  cpSync(path.join(FIXTURES, "hello-go"), dir, { recursive: true });
  const file = path.join(dir, "hello.go");
  writeFileSync(file, readFileSync(file, "utf8").replace("GREETING_VERSION", version));
  return dir;
}

beforeAll(async () => {
  if (!hasGo) return;
  registry = await startRegistry({}, { tls: true });
  const seeder = new Seeder(registry);
  const user = await seeder.user("go-dev");
  const reader = await seeder.user("go-reader");
  const group = await seeder.group("acme", "private");
  const project = await seeder.project(group.id, "go-modules", "private");
  await seeder.member("projects", project.id, user.id, 30);
  await seeder.member("projects", project.id, reader.id, 20);
  seed = { user, project, reader };
  work = mkdtempSync(path.join(tmpdir(), "packyard-go-e2e-"));
  mkdirSync(path.join(work, "home"));
  gomodzip = path.join(work, "gomodzip");
  execFileSync("go", ["build", "-o", gomodzip, "."], {
    cwd: path.join(FIXTURES, "gomodzip"),
    env: { PATH: process.env.PATH, HOME: path.join(work, "home"), GO111MODULE: "off", GOPATH: "/usr/share/gocode", GOCACHE: path.join(work, "gocache"), GOPROXY: "off", CGO_ENABLED: "0" },
  });
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!hasGo)("go with the real go command over HTTPS", () => {
  it("uploads module zips made by golang.org/x/mod/zip", () => {
    expect(JSON.parse(publish("example.test/acme/hello-go", "v1.0.0", helloAt("v1.0.0")))).toEqual({ message: "201 Created" });
    publish("example.test/acme/hello-go", "v1.1.0", helloAt("v1.1.0"));
    publish("example.test/acme/hello-go/v2", "v2.0.0", path.join(FIXTURES, "hello-go-v2"));
    publish("example.test/Acme/Shout", "v0.1.0", path.join(FIXTURES, "shout"));
    publish("example.test/acme/legacy", "v2.0.0+incompatible", path.join(FIXTURES, "legacy"));
  });

  it("go get and go build a consumer of a v1 module, its /v2 module, an upper-case path and a +incompatible version", () => {
    const consumer = path.join(work, "consumer");
    cpSync(path.join(FIXTURES, "consumer"), consumer, { recursive: true });
    const env = goEnv(netrc(seed.reader));
    goOk(consumer, env, "get", "example.test/acme/hello-go@v1.0.0", "example.test/acme/hello-go/v2@v2.0.0", "example.test/Acme/Shout@v0.1.0", "example.test/acme/legacy@v2.0.0+incompatible");
    goOk(consumer, env, "build", "-o", "app", ".");
    expect(execFileSync(path.join(consumer, "app"), { encoding: "utf8" })).toBe("hello-go v1.0.0\nhello-go/v2 v2.0.0\nSHOUT!\nlegacy v2.0.0+incompatible\n");
    const goMod = readFileSync(path.join(consumer, "go.mod"), "utf8");
    expect(goMod).toContain("example.test/acme/legacy v2.0.0+incompatible");
    expect(readFileSync(path.join(consumer, "go.sum"), "utf8")).toMatch(/example\.test\/Acme\/Shout v0\.1\.0 h1:/);

    // Upgrading to the latest version reads @v/list and picks v1.1.0.
    goOk(consumer, env, "get", "example.test/acme/hello-go@latest");
    goOk(consumer, env, "build", "-o", "app", ".");
    expect(execFileSync(path.join(consumer, "app"), { encoding: "utf8" }).split("\n")[0]).toBe("hello-go v1.1.0");
  });

  it("go list -m -versions lists every version of each module", () => {
    const env = goEnv(netrc(seed.reader));
    const consumer = path.join(work, "consumer");
    expect(goOk(consumer, env, "list", "-m", "-versions", "example.test/acme/hello-go").trim()).toBe("example.test/acme/hello-go v1.0.0 v1.1.0");
    expect(goOk(consumer, env, "list", "-m", "-versions", "example.test/acme/hello-go/v2").trim()).toBe("example.test/acme/hello-go/v2 v2.0.0");
    expect(goOk(consumer, env, "list", "-m", "-versions", "example.test/Acme/Shout").trim()).toBe("example.test/Acme/Shout v0.1.0");
  });

  it("fails without credentials: a private project's proxy answers 401 and go stops", () => {
    const consumer = path.join(work, "anonymous-consumer");
    cpSync(path.join(FIXTURES, "consumer"), consumer, { recursive: true });
    const { status, output } = go(consumer, goEnv(null), "mod", "download", "example.test/acme/hello-go@v1.0.0");
    expect(status).not.toBe(0);
    expect(output).toMatch(/401/);
  });
});
