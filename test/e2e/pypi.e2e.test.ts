// PyPI end to end with the real clients: Debian's twine uploads wheels and sdists built offline by
// python3-build, and pip (in fresh virtualenvs) installs them from project and group indexes.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Seeder, startRegistry, type Registry } from "./support/registry";
import { buildSample, SYSTEM_PYTHON, type BuiltPackage } from "./pypi/build";

let registry: Registry;
let seed: Seeder;
let alice: { id: number; token: string; username: string };
let group: { id: number; full_path: string };
let tools: { id: number };
let publicProject: { id: number };
let hello: BuiltPackage;
let app: BuiltPackage;

const work = mkdtempSync(path.join(tmpdir(), "pypi-e2e-"));
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

beforeAll(async () => {
  registry = await startRegistry();
  seed = new Seeder(registry);
  alice = await seed.user("alice");
  group = await seed.group("acme", "private");
  const sub = await seed.group("libs", "private", group.id);
  await seed.member("groups", group.id, alice.id, 40);
  tools = await seed.project(group.id, "tools", "private");
  await seed.project(sub.id, "empty", "private");
  const openGroup = await seed.group("open", "public");
  publicProject = await seed.project(openGroup.id, "pub", "public");
  hello = buildSample("acme-hello", "1.0.0");
  app = buildSample("acme-app", "2.0.0", ["acme-hello>=1.0"]);
});
afterAll(async () => registry?.stop());

function twine(projectId: number, files: string[], token = alice.token) {
  const pypirc = path.join(work, `pypirc-${projectId}`);
  writeFileSync(pypirc, `[distutils]\nindex-servers = gitlab\n[gitlab]\nrepository = ${registry.url}/api/v4/projects/${projectId}/packages/pypi\nusername = __token__\npassword = ${token}\n`);
  return spawnSync("twine", ["upload", "--non-interactive", "--disable-progress-bar", "--config-file", pypirc, "--repository", "gitlab", ...files], { encoding: "utf8", env: { ...process.env, KEYRING_BACKEND: "keyring.backends.null.Keyring" } });
}

/** A fresh virtualenv from Debian's python; pip never looks at pypi.org (only --index-url). */
function venv(options: { systemSitePackages?: boolean } = {}): string {
  const dir = mkdtempSync(path.join(work, "venv-"));
  execFileSync(SYSTEM_PYTHON, ["-m", "venv", ...(options.systemSitePackages ? ["--system-site-packages"] : []), dir]);
  return dir;
}

/** The machine's PIP_* settings (find-links to local wheels, …) are dropped: only our index may answer. */
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PIP_")));

function pip(env: string, args: string[], extraEnv: Record<string, string> = {}) {
  const result = spawnSync(path.join(env, "bin", "python"), ["-m", "pip", ...args, "--no-cache-dir", "--disable-pip-version-check"], {
    encoding: "utf8",
    env: { ...cleanEnv(), PIP_CONFIG_FILE: "/dev/null", HOME: work, ...extraEnv },
    timeout: 120_000,
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

function python(env: string, code: string): string {
  return execFileSync(path.join(env, "bin", "python"), ["-c", code], { encoding: "utf8" }).trim();
}

const host = () => registry.host;
const projectIndex = (id: number, token?: string) => `http://${token ? `__token__:${token}@` : ""}${host()}/api/v4/projects/${id}/packages/pypi/simple`;

describe("PyPI with twine and pip", () => {
  it("uploads a wheel and an sdist with twine, and refuses the same file again", () => {
    const first = twine(tools.id, [hello.wheel, hello.sdist]);
    expect(first.status, first.stdout + first.stderr).toBe(0);
    const deps = twine(tools.id, [app.wheel, app.sdist]);
    expect(deps.status, deps.stdout + deps.stderr).toBe(0);
    const again = twine(tools.id, [hello.wheel]);
    expect(again.status).not.toBe(0);
    expect(again.stdout + again.stderr).toMatch(/400 Bad Request/);
  });

  it("installs from the project index with the token in the URL", () => {
    const env = venv();
    const log = path.join(work, "pip-project.log");
    const result = pip(env, ["install", "--log", log, "--index-url", projectIndex(tools.id, alice.token), "acme-hello==1.0.0"]);
    expect(result.status, result.output).toBe(0);
    // pip asked for PEP 691 JSON first and got it.
    expect(readFileSync(log, "utf8")).toMatch(/Fetched page \S+\/simple\/acme-hello\/ as application\/vnd\.pypi\.simple\.v1\+json/);
    expect(python(env, "import acme_hello; print(acme_hello.hello())")).toBe("hello from acme-hello 1.0.0");
  });

  it("installs a package and its dependency from the group index with a .netrc", () => {
    const netrc = path.join(work, "netrc");
    writeFileSync(netrc, `machine ${registry.host.split(":")[0]} login __token__ password ${alice.token}\n`);
    const env = venv();
    const index = `http://${host()}/api/v4/groups/${encodeURIComponent(group.full_path)}/-/packages/pypi/simple`;
    const result = pip(env, ["install", "--index-url", index, "acme-app"], { NETRC: netrc });
    expect(result.status, result.output).toBe(0);
    expect(result.output).toMatch(/Successfully installed acme-app-2.0.0 acme-hello-1.0.0/);
    expect(python(env, "import acme_app, acme_hello; print(acme_app.hello(), '|', acme_hello.hello())")).toBe("hello from acme-app 2.0.0 | hello from acme-hello 1.0.0");
    const anonymous = pip(venv(), ["install", "--index-url", index, "acme-app"]);
    expect(anonymous.status).not.toBe(0);
  });

  it("downloads the sdist with pip download", () => {
    // pip reads an sdist's metadata by building it: Debian's setuptools and wheel do that offline.
    const env = venv({ systemSitePackages: true });
    const dest = mkdtempSync(path.join(work, "download-"));
    const result = pip(env, ["download", "--no-deps", "--no-binary", ":all:", "--no-build-isolation", "--dest", dest, "--index-url", projectIndex(tools.id, alice.token), "acme-hello==1.0.0"]);
    expect(result.status, result.output).toBe(0);
    const [file] = readdirSync(dest);
    expect(file).toBe(path.basename(hello.sdist));
    expect(sha256(path.join(dest, file))).toBe(sha256(hello.sdist));
  });

  it("installs anonymously from a public project", () => {
    const upload = twine(publicProject.id, [hello.wheel], registry.adminToken);
    expect(upload.status, upload.stdout + upload.stderr).toBe(0);
    const env = venv();
    const result = pip(env, ["install", "--index-url", projectIndex(publicProject.id), "acme-hello"]);
    expect(result.status, result.output).toBe(0);
    expect(existsSync(path.join(env, "lib"))).toBe(true);
    expect(python(env, "import acme_hello; print(acme_hello.hello())")).toBe("hello from acme-hello 1.0.0");
  });
});
