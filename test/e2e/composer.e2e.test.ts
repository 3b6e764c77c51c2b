// The real `composer` (Debian's 2.5) against a running Packyard: sample libraries are zipped with
// `composer archive`, uploaded with curl (Composer has no publish command), and a consumer project installs
// and updates them from the group and the project repository, with auth.json in both forms
// (`gitlab-token` + `gitlab-domains`, and `http-basic`). Packagist is disabled: nothing leaves the machine.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Seeder, startRegistry, type Registry } from "./support/registry";

const SAMPLES = path.join(import.meta.dirname, "composer");
const hasComposer = spawnSync("composer", ["--version"], { encoding: "utf8" }).status === 0;

let registry: Registry;
let seed: Seeder;
let alice: { id: number; token: string; username: string };
let group: { id: number; full_path: string };
let libs: { id: number };
const work = mkdtempSync(path.join(tmpdir(), "composer-e2e-"));

/** Composer's environment: its own home and cache, never a prompt, root allowed (CI runs as root). */
const composerEnv = (cache = path.join(work, "cache")) => ({
  ...process.env,
  COMPOSER_HOME: path.join(work, "home"),
  COMPOSER_CACHE_DIR: cache,
  COMPOSER_NO_INTERACTION: "1",
  COMPOSER_ALLOW_SUPERUSER: "1",
  COMPOSER_DISABLE_XDEBUG_WARN: "1",
});

function composer(cwd: string, args: string[], cache?: string) {
  const flags = args[0] === "archive" ? ["--no-interaction", "--no-ansi"] : ["--no-interaction", "--no-progress", "--no-ansi"];
  const result = spawnSync("composer", [...args, ...flags], { cwd, encoding: "utf8", env: composerEnv(cache), timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

function composerOk(cwd: string, args: string[], cache?: string): string {
  const { status, output } = composer(cwd, args, cache);
  if (status !== 0) throw new Error(`composer ${args.join(" ")} failed (${status}):\n${output}\n--- registry log ---\n${registry.logs().slice(-3000)}`);
  return output;
}

/** `composer archive` of a sample (copied, with its version and greeting set): the zip a user uploads. */
function archive(sample: string, version: string, options: { versionInJson?: boolean; label?: string } = {}): string {
  const dir = mkdtempSync(path.join(work, `${sample}-`));
  cpSync(path.join(SAMPLES, sample), dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(dir, "composer.json"), "utf8"));
  if (options.versionInJson === false) delete manifest.version;
  else if (manifest.version !== undefined) manifest.version = version;
  writeFileSync(path.join(dir, "composer.json"), JSON.stringify(manifest, null, 4));
  const hello = path.join(dir, "src", "Hello.php");
  try {
    writeFileSync(hello, readFileSync(hello, "utf8").replace("VERSION = '1.0.0'", `VERSION = '${options.label ?? version}'`));
  } catch {
    /* only the hello sample has a version constant */
  }
  const out = path.join(work, "dist");
  const file = `${sample}-${(options.label ?? version).replace(/[^\w.-]/g, "_")}`;
  composerOk(dir, ["archive", "--format=zip", `--dir=${out}`, `--file=${file}`]);
  return path.join(out, `${file}.zip`);
}

/** POST the zip as the documented curl command does; answers status and body. */
function publish(projectId: number, zip: string, options: { version?: string; token?: string } = {}): { status: number; body: string } {
  const args = ["-sS", "-w", "\n%{http_code}", "-H", `PRIVATE-TOKEN: ${options.token ?? alice.token}`, "--form", `package=@${zip}`];
  if (options.version) args.push("--form", `version=${options.version}`);
  const out = execFileSync("curl", [...args, `${registry.url}/api/v4/projects/${projectId}/packages/composer`], { encoding: "utf8" });
  const lines = out.split("\n");
  const status = Number(lines.pop());
  return { status, body: lines.join("\n") };
}

/** A consumer project requiring `require` from `repository`, with this auth.json. */
function consumer(require: Record<string, string>, repository: string, auth: Record<string, unknown>, options: { gitlabDomains?: boolean } = {}): string {
  const dir = mkdtempSync(path.join(work, "app-"));
  const manifest = {
    name: "acme/app",
    require,
    repositories: [{ type: "composer", url: repository }, { "packagist.org": false }],
    config: { "secure-http": false, ...(options.gitlabDomains === false ? {} : { "gitlab-domains": [registry.host] }) },
  };
  writeFileSync(path.join(dir, "composer.json"), JSON.stringify(manifest, null, 2));
  writeFileSync(path.join(dir, "auth.json"), JSON.stringify(auth, null, 2));
  return dir;
}

const php = (dir: string, code: string) => execFileSync("php", ["-r", `require 'vendor/autoload.php'; ${code}`], { cwd: dir, encoding: "utf8" }).trim();
const projectRepository = (id: number) => `${registry.url}/api/v4/projects/${id}/packages/composer/`;
const groupRepository = () => `${registry.url}/api/v4/group/${group.id}/-/packages/composer/`;

beforeAll(async () => {
  if (!hasComposer) return;
  mkdirSync(path.join(work, "home"), { recursive: true });
  registry = await startRegistry();
  seed = new Seeder(registry);
  alice = await seed.user("alice");
  group = await seed.group("acme", "private");
  await seed.member("groups", group.id, alice.id, 30);
  libs = await seed.project(group.id, "libs", "private");
});
afterAll(async () => registry?.stop());

describe.skipIf(!hasComposer)("Composer with the real composer 2", () => {
  let hello: string;

  it("uploads a `composer archive` zip with curl and refuses the same archive again", () => {
    hello = archive("hello", "1.0.0");
    const first = publish(libs.id, hello);
    expect(first.status, first.body).toBe(201);
    expect(JSON.parse(first.body)).toEqual({ message: "201 Created" });
    const again = publish(libs.id, hello);
    expect(again.status, again.body).toBe(400);
  });

  it("installs from the group repository with a gitlab-token in auth.json", () => {
    const app = consumer({ "acme/hello-composer": "1.0.0" }, groupRepository(), { "gitlab-token": { [registry.host]: alice.token } });
    const output = composerOk(app, ["install", "-vvv"]);
    expect(output).toMatch(/Installing acme\/hello-composer \(1\.0\.0\)/);
    // auth.json's gitlab-token went as a PRIVATE-TOKEN header (the host is in gitlab-domains); the requests:
    expect(output).toContain("Using GitLab private token authentication");
    const downloads = [...output.matchAll(/^Downloading (http\S+)/gm)].map((m) => new URL(m[1]!).pathname);
    expect(downloads).toEqual([
      `/api/v4/group/${group.id}/-/packages/composer/packages.json`,
      `/api/v4/group/${group.id}/-/packages/composer/p2/acme/hello-composer.json`,
      `/api/v4/projects/${libs.id}/packages/composer/archives/acme/hello-composer.zip`,
    ]);
    expect(php(app, "echo Acme\\Hello\\Hello::greet('alice');")).toBe("hello, alice, from acme/hello-composer 1.0.0");
    const lock = JSON.parse(readFileSync(path.join(app, "composer.lock"), "utf8"));
    expect(lock.packages[0].dist.url).toMatch(new RegExp(`/api/v4/projects/${libs.id}/packages/composer/archives/acme/hello-composer\\.zip\\?sha=[0-9a-f]{64}$`));
  });

  it("fails without credentials on a private group", () => {
    const app = consumer({ "acme/hello-composer": "1.0.0" }, groupRepository(), {});
    const { status, output } = composer(app, ["install"], path.join(work, "cache-anonymous"));
    expect(status).not.toBe(0);
    expect(output).toMatch(/Could not authenticate against/);
  });

  it("installs a package and its dependency from the project repository with http-basic (a deploy token), and `composer update` takes a new version", async () => {
    // The second package has no version in composer.json: the form's `version` gives it.
    const greeter = archive("greeter", "2.0.0", { versionInJson: false });
    const upload = publish(libs.id, greeter, { version: "2.0.0" });
    expect(upload.status, upload.body).toBe(201);
    const deploy = await seed.deployToken("projects", libs.id, ["read_package_registry"]);
    const auth = { "http-basic": { [registry.host]: { username: deploy.username, password: deploy.token } } };
    const app = consumer({ "acme/greeter": "^2.0" }, projectRepository(libs.id), auth, { gitlabDomains: false });
    const installed = composerOk(app, ["install", "-vvv"]);
    expect(installed).toContain(`Using HTTP basic authentication with username "${deploy.username}"`);
    expect(installed).toMatch(/Installing acme\/hello-composer \(1\.0\.0\)/);
    expect(installed).toMatch(/Installing acme\/greeter \(2\.0\.0\)/);
    expect(php(app, "echo Acme\\Greeter\\Greeter::greetTwice('bob');")).toBe("hello, bob, from acme/hello-composer 1.0.0 | greeter 2.0.0");

    const next = publish(libs.id, archive("hello", "1.1.0"));
    expect(next.status, next.body).toBe(201);
    const updated = composerOk(app, ["update"]);
    expect(updated).toMatch(/Upgrading acme\/hello-composer \(1\.0\.0 => 1\.1\.0\)/);
    expect(php(app, "echo Acme\\Greeter\\Greeter::greetTwice('bob');")).toBe("hello, bob, from acme/hello-composer 1.1.0 | greeter 2.0.0");
  });

  it("installs a dev version from p2/<name>~dev.json, and a version replaced by a different archive", () => {
    const dev = publish(libs.id, archive("hello", "dev-main"), { version: "dev-main" });
    expect(dev.status, dev.body).toBe(201);
    // GitLab's rule: a different archive for an existing version replaces it.
    const replaced = publish(libs.id, archive("hello", "1.1.0", { label: "1.1.0 (rebuilt)" }));
    expect(replaced.status, replaced.body).toBe(201);

    const auth = { "gitlab-token": { [registry.host]: alice.token } };
    const devApp = consumer({ "acme/hello-composer": "dev-main" }, groupRepository(), auth);
    const devOutput = composerOk(devApp, ["install", "-vvv"], path.join(work, "cache-dev"));
    expect(devOutput).toMatch(/Downloading \S+\/p2\/acme\/hello-composer~dev\.json/);
    expect(php(devApp, "echo Acme\\Hello\\Hello::greet('carol');")).toBe("hello, carol, from acme/hello-composer dev-main");

    const app = consumer({ "acme/hello-composer": "1.1.0" }, groupRepository(), auth);
    composerOk(app, ["install"], path.join(work, "cache-replaced"));
    expect(php(app, "echo Acme\\Hello\\Hello::greet('carol');")).toBe("hello, carol, from acme/hello-composer 1.1.0 (rebuilt)");
  });
});
