// RubyGems end to end with Debian's Ruby: `gem build`, `gem push --host`, `gem install --source` of a gem and
// of one that depends on it (compact index), a platform gem, `bundle install` and `bundle update` from a
// Gemfile source, `gem list --remote` (Marshal specs indexes) checked against `gem generate_index`, `gem yank`.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Seeder, startRegistry, type Registry } from "./support/registry";
import { buildGem, newHome, rubyEnv, run, type SampleGem } from "./rubygems/build";

let registry: Registry;
let alice: { id: number; token: string };
let project: { id: number };
let pushHome: string;
const gems: Record<string, SampleGem> = {};

const pushUrl = () => `${registry.url}/api/v4/projects/${project.id}/packages/rubygems`;
const sourceUrl = (token = alice.token) => `http://__token__:${token}@${registry.host}/api/v4/projects/${project.id}/packages/rubygems/`;

beforeAll(async () => {
  registry = await startRegistry();
  const seed = new Seeder(registry);
  alice = await seed.user("alice");
  const group = await seed.group("acme", "private");
  await seed.member("groups", group.id, alice.id, 40);
  project = await seed.project(group.id, "gems", "private");
  gems.hello = buildGem("acme_hello", "1.0.0");
  gems.hello11 = buildGem("acme_hello", "1.1.0");
  gems.app = buildGem("acme_app", "2.0.0", { dependencies: [["acme_hello", "~> 1.0"]] });
  gems.native = buildGem("acme_native", "1.0.0");
  gems.nativeLinux = buildGem("acme_native", "1.0.0", { platform: "x86_64-linux" });
  gems.pre = buildGem("acme_hello", "2.0.0.beta1");
  pushHome = newHome("push");
  mkdirSync(path.join(pushHome, ".gem"));
  writeFileSync(path.join(pushHome, ".gem", "credentials"), `---\n${pushUrl()}: ${alice.token}\n`, { mode: 0o600 });
});
afterAll(async () => registry?.stop());

const gem = (args: string[], home = pushHome, cwd = home) => run("gem", args, { cwd, env: rubyEnv(home) });
const push = (sample: SampleGem) => gem(["push", sample.file, "--host", pushUrl()]);
const installArgs = (name: string, extra: string[] = []) => ["install", "--remote", name, "--clear-sources", "--source", sourceUrl(), "--no-document", ...extra];
const ruby = (home: string, code: string) => run("ruby", ["-e", code], { cwd: home, env: rubyEnv(home) });

describe("RubyGems with gem and bundler", () => {
  it("pushes gems with gem push (raw body, Authorization: <token>)", () => {
    for (const sample of [gems.hello!, gems.app!, gems.native!, gems.nativeLinux!, gems.pre!]) {
      const result = push(sample);
      expect(result.status, result.output).toBe(0);
      expect(result.output).toMatch(/201 Created/);
    }
    const anonymous = run("gem", ["push", gems.hello!.file, "--host", pushUrl()], { cwd: pushHome, env: rubyEnv(newHome("anonymous"), { GEM_HOST_API_KEY: "not-a-token" }) });
    expect(anonymous.output).toMatch(/401 Unauthorized/);
  });

  it("installs a gem and its dependency with gem install --source, through the compact index", () => {
    const home = newHome("install");
    const result = gem(installArgs("acme_app", ["--verbose"]), home);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toMatch(/Successfully installed acme_hello-1\.0\.0/);
    expect(result.output).toMatch(/Successfully installed acme_app-2\.0\.0/);
    expect(result.output).toMatch(/GET http:\/\/__token__:REDACTED@[^ ]+\/info\/acme_app/);
    const hello = ruby(home, 'require "acme_app"; require "acme_hello"; puts AcmeApp.hello, AcmeHello.hello');
    expect(hello.output.trim()).toBe("hello from acme_app 2.0.0 (ruby)\nhello from acme_hello 1.0.0 (ruby)");
  });

  it("installs the platform gem on this platform, beside the ruby one", () => {
    const home = newHome("native");
    const result = gem(installArgs("acme_native"), home);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toMatch(/Successfully installed acme_native-1\.0\.0-x86_64-linux/);
    const ruby = gem(installArgs("acme_native", ["--platform", "ruby", "--force"]), home);
    expect(ruby.status, ruby.output).toBe(0);
    expect(ruby.output).toMatch(/Successfully installed acme_native-1\.0\.0\n/);
  });

  it("bundle install from a Gemfile source, then bundle update picks up a new version (ranged compact index reads)", () => {
    const home = newHome("bundle");
    const app = mkdtempSync(path.join(tmpdir(), "bundle-app-"));
    writeFileSync(path.join(app, "Gemfile"), `source "${sourceUrl()}"\n\ngem "acme_app"\n`);
    const env = rubyEnv(home, { BUNDLE_PATH: path.join(app, "vendor"), BUNDLE_USER_HOME: path.join(home, ".bundle"), BUNDLE_APP_CONFIG: path.join(app, ".bundle") });
    const bundle = (args: string[]) => run("bundle", args, { cwd: app, env });
    const install = bundle(["install", "--verbose"]);
    expect(install.status, install.output).toBe(0);
    expect(install.output).toMatch(/HTTP 200 OK http:\/\/[^ ]*\/versions/);
    expect(install.output).toMatch(/Installing acme_hello 1\.0\.0/);
    expect(readFileSync(path.join(app, "Gemfile.lock"), "utf8")).toMatch(/acme_app \(2\.0\.0\)\n\s+acme_hello \(~> 1\.0\)\n\s+acme_hello \(1\.0\.0\)/);
    const exec = bundle(["exec", "ruby", "-e", 'require "acme_app"; require "acme_hello"; puts AcmeHello.hello']);
    expect(exec.output.trim()).toBe("hello from acme_hello 1.0.0 (ruby)");

    expect(push(gems.hello11!).status).toBe(0);
    const update = bundle(["update", "acme_hello", "--verbose"]);
    expect(update.status, update.output).toBe(0);
    expect(update.output).toMatch(/HTTP 206 Partial Content http:\/\/[^ ]*\/versions/);
    expect(readFileSync(path.join(app, "Gemfile.lock"), "utf8")).toMatch(/acme_hello \(1\.1\.0\)/);

    // Bundler's full index (RubyGems' specs.4.8.gz and prerelease_specs.4.8.gz, then quick gemspecs).
    const legacy = mkdtempSync(path.join(tmpdir(), "bundle-full-index-"));
    writeFileSync(path.join(legacy, "Gemfile"), `source "${sourceUrl()}"\n\ngem "acme_app"\n`);
    const full = run("bundle", ["install", "--full-index", "--verbose"], { cwd: legacy, env: { ...env, BUNDLE_PATH: path.join(legacy, "vendor"), BUNDLE_APP_CONFIG: path.join(legacy, ".bundle") } });
    expect(full.status, full.output).toBe(0);
    expect(full.output).toMatch(/Fetching source index from/);
    expect(full.output).toMatch(/HTTP 200 OK http:\/\/[^ ]*\/quick\/Marshal\.4\.8\/acme_app-2\.0\.0\.gemspec\.rz/);
    expect(readFileSync(path.join(legacy, "Gemfile.lock"), "utf8")).toMatch(/acme_hello \(1\.1\.0\)/);
  });

  it("lists gems with gem list --remote (Marshal specs indexes), the same as gem generate_index writes them", () => {
    const home = newHome("list");
    const list = gem(["list", "--remote", "--all", "--clear-sources", "--source", sourceUrl()], home);
    expect(list.status, list.output).toBe(0);
    expect(list.output).toMatch(/acme_app \(2\.0\.0\)\nacme_hello \(1\.1\.0, 1\.0\.0\)\nacme_native \(1\.0\.0 ruby x86_64-linux\)/);
    const pre = gem(["list", "--remote", "--prerelease", "--clear-sources", "--source", sourceUrl()], home);
    expect(pre.output).toMatch(/acme_hello \(2\.0\.0\.beta1\)/);

    const dir = mkdtempSync(path.join(tmpdir(), "generate-index-"));
    mkdirSync(path.join(dir, "gems"));
    for (const sample of Object.values(gems)) copyFileSync(sample.file, path.join(dir, "gems", path.basename(sample.file)));
    const generated = gem(["generate_index", "--directory", dir], home);
    expect(generated.status, generated.output).toBe(0);
    const compare = run("ruby", [path.join(import.meta.dirname, "rubygems", "compare-indexes.rb"), dir, sourceUrl()], { cwd: home, env: rubyEnv(home) });
    expect(compare.output.trim()).toBe("indexes match");
  });

  it("yanks a version with gem yank: it is no longer installable", () => {
    const yank = gem(["yank", "acme_hello", "-v", "1.1.0", "--host", pushUrl()]);
    expect(yank.status, yank.output).toBe(0);
    expect(yank.output).toMatch(/Successfully deleted gem: acme_hello \(1\.1\.0\)/);
    const home = newHome("after-yank");
    const gone = gem(installArgs("acme_hello", ["-v", "1.1.0"]), home);
    expect(gone.status).not.toBe(0);
    const still = gem(installArgs("acme_hello", ["-v", "1.0.0"]), home);
    expect(still.status, still.output).toBe(0);
  });
});
