// Builds sample gems offline with Debian's `gem build`, and runs Debian's gem, bundle and ruby with a
// private HOME so nothing outside the test (no ~/.gem, no rubygems.org) is read.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface SampleGem {
  name: string;
  version: string;
  platform: string;
  file: string;
}

/** A gem `name` whose module says hello; `dependencies` are [name, requirement] pairs. */
export function buildGem(name: string, version: string, options: { dependencies?: [string, string][]; platform?: string } = {}): SampleGem {
  const root = mkdtempSync(path.join(tmpdir(), `gem-sample-${name}-`));
  const module = name.split("_").map((p) => p[0]!.toUpperCase() + p.slice(1)).join("");
  const platform = options.platform ?? "ruby";
  mkdirSync(path.join(root, "lib"));
  writeFileSync(path.join(root, "lib", `${name}.rb`), `module ${module}\n  def self.hello = "hello from ${name} ${version} (${platform})"\nend\n`);
  const deps = (options.dependencies ?? []).map(([dep, req]) => `  s.add_dependency ${JSON.stringify(dep)}, ${JSON.stringify(req)}\n`).join("");
  writeFileSync(
    path.join(root, `${name}.gemspec`),
    `Gem::Specification.new do |s|
  s.name = ${JSON.stringify(name)}
  s.version = ${JSON.stringify(version)}
  s.platform = ${JSON.stringify(platform)}
  s.summary = "Sample ${name} for the Packyard e2e test"
  s.description = "A sample gem: it says hello.\\nSecond line."
  s.authors = ["Packyard Tests"]
  s.email = "tests@example.com"
  s.homepage = "https://example.com/${name}"
  s.license = "MIT"
  s.files = ["lib/${name}.rb"]
  s.required_ruby_version = ">= 2.7"
  s.metadata = { "source_code_uri" => "https://example.com/${name}/src" }
${deps}end
`,
  );
  execFileSync("gem", ["build", `${name}.gemspec`], { cwd: root, stdio: "pipe", env: rubyEnv(root) });
  const file = path.join(root, `${name}-${version}${platform === "ruby" ? "" : `-${platform}`}.gem`);
  return { name, version, platform, file };
}

/** The environment every Ruby tool runs with: a private HOME and gem dirs, no proxies or mirrors. */
export function rubyEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(GEM_|BUNDLE_|RUBY|http_proxy|https_proxy)/i.test(k)));
  return { ...env, HOME: home, GEM_HOME: path.join(home, "gems"), GEM_PATH: path.join(home, "gems"), GEM_SPEC_CACHE: path.join(home, "specs"), ...extra };
}

export function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  const result = spawnSync(command, args, { ...options, encoding: "utf8", timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

export const newHome = (label: string) => mkdtempSync(path.join(tmpdir(), `gem-home-${label}-`));
