// Builds .gem files in the test (a ustar archive with metadata.gz, data.tar.gz and checksums.yaml.gz, as
// Gem::Package writes them) from a gemspec YAML in Psych's shape, and pushes them as `gem push` does.
import { call } from "../../support/api";

export interface GemOptions {
  name: string;
  version: string;
  platform?: string;
  /** [name, [[op, version], …], type] */
  dependencies?: [string, [string, string][], "runtime" | "development"][];
  requiredRuby?: [string, string][];
  summary?: string;
  /** Replaces the generated YAML (to send broken gemspecs). */
  yaml?: string;
  /** Extra bytes in data.tar.gz, so two pushes of one version differ. */
  payload?: string;
  /** Entry times in the tar (default now); fixed, the same options give the same bytes. */
  mtime?: number;
}

const requirementYaml = (pairs: [string, string][], indent: string) =>
  `${indent}requirements:\n${pairs.map(([op, v]) => `${indent}- - "${op}"\n${indent}  - !ruby/object:Gem::Version\n${indent}    version: '${v}'\n`).join("")}`;

export function gemspecYaml(o: GemOptions): string {
  const deps = (o.dependencies ?? [])
    .map(
      ([name, reqs, type]) =>
        `- !ruby/object:Gem::Dependency\n  name: ${name}\n  requirement: !ruby/object:Gem::Requirement\n${requirementYaml(reqs, "    ")}  type: :${type}\n  prerelease: false\n  version_requirements: !ruby/object:Gem::Requirement\n${requirementYaml(reqs, "    ")}`,
    )
    .join("");
  return `--- !ruby/object:Gem::Specification
name: ${o.name}
version: !ruby/object:Gem::Version
  version: ${o.version}
platform: ${o.platform ?? "ruby"}
authors:
- Tester
autorequire:
bindir: bin
cert_chain: []
date: 2026-11-28 00:00:00.000000000 Z
dependencies:${deps ? `\n${deps}` : " []\n"}description:
email: tester@example.com
executables: []
extensions: []
extra_rdoc_files: []
files:
- lib/x.rb
homepage:
licenses:
- MIT
metadata: {}
post_install_message:
rdoc_options: []
require_paths:
- lib
required_ruby_version: !ruby/object:Gem::Requirement
${requirementYaml(o.requiredRuby ?? [[">=", "0"]], "  ")}required_rubygems_version: !ruby/object:Gem::Requirement
${requirementYaml([[">=", "0"]], "  ")}requirements: []
rubygems_version: 3.3.15
signing_key:
specification_version: 4
summary: ${o.summary ?? "A test gem"}
test_files: []
`;
}

export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer());
}

export async function gunzip(bytes: Uint8Array, format: "gzip" | "deflate" = "gzip"): Promise<Uint8Array> {
  return new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream(format))).arrayBuffer());
}

function tarHeader(name: string, size: number, mtime: number): Uint8Array {
  const h = new Uint8Array(512);
  const put = (text: string, at: number) => h.set(new TextEncoder().encode(text), at);
  put(name, 0);
  put("0000444\0", 100);
  put("0000000\0", 108);
  put("0000000\0", 116);
  put(`${size.toString(8).padStart(11, "0")}\0`, 124);
  put(`${mtime.toString(8).padStart(11, "0")}\0`, 136);
  put("        ", 148);
  put("0", 156);
  put("ustar\0", 257);
  put("00", 263);
  const sum = h.reduce((a, b) => a + b, 0);
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return h;
}

export function tar(entries: [string, Uint8Array][], mtime = Math.floor(Date.now() / 1000)): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const [name, data] of entries) {
    blocks.push(tarHeader(name, data.byteLength, mtime), data, new Uint8Array((512 - (data.byteLength % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}

export async function buildGem(o: GemOptions): Promise<Uint8Array> {
  const enc = new TextEncoder();
  const data = await gzip(tar([["lib/x.rb", enc.encode(`# ${o.name} ${o.version} ${o.payload ?? ""}\n`)]], o.mtime));
  return tar(
    [
    ["metadata.gz", await gzip(enc.encode(o.yaml ?? gemspecYaml(o)))],
    ["data.tar.gz", data],
      ["checksums.yaml.gz", await gzip(enc.encode("---\n"))],
    ],
    o.mtime,
  );
}


/** `gem push` as RubyGems 3.3 sends it: the raw .gem, `Authorization: <token>` with no scheme. */
export function push(projectId: number, gem: Uint8Array, token: string | null) {
  const headers: Record<string, string> = { "content-type": "application/octet-stream" };
  if (token) headers.authorization = token;
  return call(`/api/v4/projects/${projectId}/packages/rubygems/api/v1/gems`, { method: "POST", body: gem, headers });
}

export function yank(projectId: number, form: Record<string, string>, token: string) {
  return call(`/api/v4/projects/${projectId}/packages/rubygems/api/v1/gems/yank`, {
    method: "DELETE",
    body: new URLSearchParams(form).toString(),
    headers: { authorization: token, "content-type": "application/x-www-form-urlencoded" },
  });
}

export const sha256Hex = async (bytes: Uint8Array) => [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
export const md5Hex = async (bytes: Uint8Array) => [...new Uint8Array(await crypto.subtle.digest("MD5", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
