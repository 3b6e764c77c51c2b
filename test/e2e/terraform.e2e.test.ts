// terraform 1.11 against `wrangler dev` over HTTPS: modules published with curl (there is no terraform publish),
// then `terraform init` resolves a version constraint through the module registry protocol and fetches the
// archive through the tokened X-Terraform-Get URL (go-getter sends no credentials), and `terraform apply` uses it.
// terraform is part of the machine image only (not a Debian package): without it these tests are skipped.
// No test reaches the internet: the configuration needs no provider, providers may only come from an empty
// mirror, and a dead HTTPS proxy catches anything else (Go never proxies loopback).
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Seeder, startRegistry, type Registry } from "./support/registry";

const HAS_TERRAFORM = spawnSync("terraform", ["version"], { encoding: "utf8" }).status === 0;
const FIXTURES = path.join(import.meta.dirname, "terraform");
const temps: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), `packyard-tf-${prefix}-`));
  temps.push(dir);
  return dir;
};

if (!HAS_TERRAFORM) console.warn("terraform.e2e: `terraform` is not on PATH (it comes with the machine image only, not from apt): skipping the terraform tests");

let registry: Registry;
/** The host terraform's module source names: the registry itself. */
let moduleHost: string;
let token: string;
let readerToken: string;
let projectId: number;

/** curl --upload-file, as GitLab's docs publish a module. */
function curlUpload(url: string, file: string, privateToken: string): { status: number; body: string } {
  const out = spawnSync("curl", ["-sS", "--cacert", registry.caFile!, "-H", `PRIVATE-TOKEN: ${privateToken}`, "--upload-file", file, "-w", "\n%{http_code}", url], { encoding: "utf8" });
  const lines = out.stdout.trimEnd().split("\n");
  return { status: Number(lines.pop()), body: lines.join("\n") };
}

function packModule(version: string): string {
  const dir = temp("module");
  writeFileSync(path.join(dir, "main.tf"), readFileSync(path.join(FIXTURES, "hello", "main.tf"), "utf8").replaceAll("MODULE_VERSION", version));
  const archive = path.join(temp("archive"), `hello-local-${version}.tgz`);
  const tar = spawnSync("tar", ["-czf", archive, "-C", dir, "."], { encoding: "utf8" });
  if (tar.status !== 0) throw new Error(tar.stderr);
  return archive;
}

/** The configuration terraform inits and applies: one module with a version constraint (registry sources only). */
function rootConfig(source: string, version: string | null): string {
  const constraint = version ? `\n  version = "${version}"` : "";
  return `module "hello" {\n  source  = "${source}"${constraint}\n  name    = "Packyard"\n}\n\noutput "greeting" {\n  value = module.hello.greeting\n}\n`;
}

/** A fresh configuration, CLI config, data dir and plugin cache: nothing carries over between runs. */
function workspace(config: string, credential: string | null, netrc?: string) {
  const dir = temp("config");
  writeFileSync(path.join(dir, "main.tf"), config);
  const home = temp("home");
  if (netrc) writeFileSync(path.join(home, ".netrc"), netrc);
  const mirror = path.join(home, "empty-mirror");
  const pluginCache = path.join(home, "plugin-cache");
  mkdirSync(mirror);
  mkdirSync(pluginCache);
  const cliConfig = path.join(home, "terraform.rc");
  const credentials = credential ? `credentials "${moduleHost}" {\n  token = "${credential}"\n}\n` : "";
  writeFileSync(
    cliConfig,
    `${credentials}plugin_cache_dir = "${pluginCache}"\ndisable_checkpoint = true\nprovider_installation {\n  filesystem_mirror {\n    path    = "${mirror}"\n    include = ["*/*/*"]\n  }\n}\n`,
  );
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: home,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_DATA_DIR: path.join(dir, ".terraform"),
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
    SSL_CERT_FILE: registry.caFile!,
    HTTPS_PROXY: "http://127.0.0.1:9",
    HTTP_PROXY: "http://127.0.0.1:9",
  };
  return { dir, env };
}

function terraform(args: string[], ws: { dir: string; env: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("terraform", args, { cwd: ws.dir, env: ws.env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** terraform finds the module registry through the site root's discovery document. */
async function discoveryHost(): Promise<string> {
  const res = await fetch(`${registry.url}/.well-known/terraform.json`);
  expect(res.status).toBe(200);
  expect(((await res.json()) as Record<string, unknown>)["modules.v1"]).toBe("/api/v4/packages/terraform/modules/v1/");
  return registry.host;
}

describe.skipIf(!HAS_TERRAFORM)("terraform init and apply of a module from Packyard", () => {
  beforeAll(async () => {
    registry = await startRegistry({}, { tls: true });
    const seed = new Seeder(registry);
    const alice = await seed.user("alice");
    const bob = await seed.user("bob");
    const acme = await seed.group("acme", "private");
    const infra = await seed.project(acme.id, "infra", "private");
    await seed.member("projects", infra.id, alice.id, 30);
    await seed.member("groups", acme.id, bob.id, 20);
    const open = await seed.group("open", "public");
    const site = await seed.project(open.id, "site", "public");
    await seed.member("groups", open.id, alice.id, 30);
    token = alice.token;
    readerToken = bob.token;
    projectId = infra.id;
    for (const [project, version] of [[infra.id, "1.0.0"], [infra.id, "1.1.0"], [infra.id, "2.0.0"], [site.id, "1.0.3"]] as const) {
      const url = `${registry.url}/api/v4/projects/${project}/packages/terraform/modules/hello/local/${version}/file`;
      const uploaded = curlUpload(url, packModule(version), token);
      expect(uploaded, `upload ${version}`).toEqual({ status: 201, body: '{"message":"201 Created"}' });
    }
    moduleHost = await discoveryHost();
  }, 120_000);

  afterAll(async () => {
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
    await registry?.stop();
  });

  it("resolves ~> 1.0 to 1.1.0 in a private namespace, fetches the archive through its tokened URL, and applies it", async () => {
    const ws = workspace(rootConfig(`${moduleHost}/acme/hello/local`, "~> 1.0"), readerToken);
    const init = await terraform(["init", "-no-color", "-input=false"], ws);
    expect(init.code, `${init.stdout}${init.stderr}`).toBe(0);
    expect(init.stdout).toMatch(/Downloading .*acme\/hello\/local 1\.1\.0/);
    const apply = await terraform(["apply", "-no-color", "-input=false", "-auto-approve"], ws);
    expect(apply.code, `${apply.stdout}${apply.stderr}`).toBe(0);
    expect((await terraform(["output", "-raw", "greeting"], ws)).stdout).toBe("Hello, Packyard, from hello 1.1.0");
    // go-getter sent no credentials for the archive: only the token in the URL let this private file through.
    expect(registry.logs()).toMatch(/GET \/api\/v4\/packages\/terraform\/modules\/v1\/acme\/hello\/local\/1\.1\.0\/file 200/);
  });

  it("installs from a public namespace without credentials", async () => {
    const ws = workspace(rootConfig(`${moduleHost}/open/hello/local`, "1.0.3"), null);
    const init = await terraform(["init", "-no-color", "-input=false"], ws);
    expect(init.code, `${init.stdout}${init.stderr}`).toBe(0);
    expect((await terraform(["apply", "-no-color", "-input=false", "-auto-approve"], ws)).code).toBe(0);
    expect((await terraform(["output", "-raw", "greeting"], ws)).stdout).toBe("Hello, Packyard, from hello 1.0.3");
  });

  it("installs from the project-level URL as an HTTP source, with .netrc credentials", async () => {
    const source = `${registry.url}/api/v4/projects/${projectId}/packages/terraform/modules/hello/local/1.0.0?terraform-get=1`;
    const ws = workspace(rootConfig(source, null), null, `machine ${registry.host}\nlogin bob\npassword ${readerToken}\n`);
    const init = await terraform(["init", "-no-color", "-input=false"], ws);
    expect(init.code, `${init.stdout}${init.stderr}${registry.logs().slice(-1500)}`).toBe(0);
    expect((await terraform(["apply", "-no-color", "-input=false", "-auto-approve"], ws)).code).toBe(0);
    expect((await terraform(["output", "-raw", "greeting"], ws)).stdout).toBe("Hello, Packyard, from hello 1.0.0");
  });

  it("refuses terraform init without credentials for a private namespace (401)", async () => {
    const init = await terraform(["init", "-no-color", "-input=false"], workspace(rootConfig(`${moduleHost}/acme/hello/local`, "~> 1.0"), null));
    expect(init.code).not.toBe(0);
    expect(`${init.stdout}${init.stderr}`).toMatch(/error looking up module versions: 401 Unauthorized/);
  });
});
