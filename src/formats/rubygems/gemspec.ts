// The gemspec of a pushed .gem, read from the YAML in its metadata.gz into plain data, validated as RubyGems
// validates names, versions, platforms and requirements. Nothing in the YAML is instantiated: tags such as
// `!ruby/object:Gem::Version` are read as the maps they annotate (yaml.ts).
// Spec: https://guides.rubygems.org/specification-reference/, rubygems/specification.rb and version.rb.
import { isMap, parseYaml, YamlError, type YamlMap, type YamlValue } from "./yaml";

export type Requirement = [op: string, version: string][];

export interface GemDependency {
  name: string;
  requirement: Requirement;
  type: "runtime" | "development";
}

export interface Gemspec {
  name: string;
  version: string;
  /** "ruby", or a platform such as x86_64-linux. */
  platform: string;
  summary: string;
  description: string | null;
  authors: string[];
  email: string | string[] | null;
  homepage: string | null;
  licenses: string[];
  metadata: Record<string, string>;
  /** yyyy-mm-dd (RubyGems keeps a day's resolution). */
  date: string;
  rubygemsVersion: string;
  specificationVersion: number;
  requiredRubyVersion: Requirement;
  requiredRubygemsVersion: Requirement;
  dependencies: GemDependency[];
}

export type GemspecResult = { ok: true; spec: Gemspec } | { ok: false; message: string };

/** Gem::Specification's name rule: letters, digits, `.`, `-`, `_`, with at least one letter. */
export const isValidGemName = (name: string) => name.length <= 128 && /^[A-Za-z0-9._-]+$/.test(name) && /[A-Za-z]/.test(name);
/** Gem::Version::ANCHORED_VERSION_PATTERN (after RubyGems' `-` → `.pre.`). */
const VERSION = /^[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
export const isValidVersion = (version: string) => version.length <= 128 && VERSION.test(version);
/** Gem::Platform strings (cpu-os[-version]) as they appear in file names. */
export const isValidPlatform = (platform: string) => platform.length <= 64 && /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/.test(platform);
const OPERATORS = new Set(["=", "!=", ">", "<", ">=", "<=", "~>"]);

/** Gem::Version.new: surrounding space dropped, `-` read as `.pre.`. */
export const canonicalVersion = (version: string) => version.trim().replace(/-/g, ".pre.");
/** Gem::Version#prerelease?: any letter. */
export const isPrerelease = (version: string) => /[a-zA-Z]/.test(version);

const LIMITS = { summary: 4096, description: 65536, text: 1024, list: 100, metadataKey: 128, metadataEntries: 128, dependencies: 1000 };

export function parseGemspec(yaml: string): GemspecResult {
  let root: YamlValue;
  try {
    root = parseYaml(yaml);
  } catch (error) {
    if (error instanceof YamlError) return { ok: false, message: `the gemspec is not valid YAML (${error.message})` };
    throw error;
  }
  if (!isMap(root)) return { ok: false, message: "the gemspec is not a Gem::Specification" };
  try {
    return { ok: true, spec: specOf(root) };
  } catch (error) {
    if (error instanceof GemspecError) return { ok: false, message: error.message };
    throw error;
  }
}

class GemspecError extends Error {}

function specOf(root: YamlMap): Gemspec {
  const name = text(root.get("name"));
  if (!name || !isValidGemName(name)) throw new GemspecError(`invalid gem name ${JSON.stringify(name ?? "")}`);
  const version = canonicalVersion(versionOf(root.get("version")) ?? "");
  if (!isValidVersion(version)) throw new GemspecError(`invalid version ${JSON.stringify(version)}`);
  const platform = platformOf(root.get("platform"));
  if (!isValidPlatform(platform)) throw new GemspecError(`invalid platform ${JSON.stringify(platform)}`);
  const emailValue = root.get("email");
  return {
    name,
    version,
    platform,
    summary: truncate(text(root.get("summary")) ?? "", LIMITS.summary),
    description: nullableText(root.get("description"), LIMITS.description),
    authors: textList(root.get("authors")),
    email: Array.isArray(emailValue) ? textList(emailValue) : nullableText(emailValue, LIMITS.text),
    homepage: nullableText(root.get("homepage"), LIMITS.text),
    licenses: textList(root.get("licenses")),
    metadata: metadataOf(root.get("metadata")),
    date: dateOf(text(root.get("date"))),
    rubygemsVersion: truncate(text(root.get("rubygems_version")) ?? "", 32),
    specificationVersion: specificationVersionOf(text(root.get("specification_version"))),
    requiredRubyVersion: requirementOf(root.get("required_ruby_version"), "required_ruby_version"),
    requiredRubygemsVersion: requirementOf(root.get("required_rubygems_version"), "required_rubygems_version"),
    dependencies: dependenciesOf(root.get("dependencies")),
  };
}

const text = (v: YamlValue | undefined): string | null => (typeof v === "string" ? v : null);
const truncate = (s: string, max: number) => (s.length > max ? s.slice(0, max) : s);
const nullableText = (v: YamlValue | undefined, max: number) => {
  const s = text(v);
  return s === null || s === "" ? null : truncate(s, max);
};

function textList(v: YamlValue | undefined): string[] {
  if (typeof v === "string") return [truncate(v, LIMITS.text)];
  if (!Array.isArray(v)) return [];
  return v
    .filter((item): item is string => typeof item === "string")
    .slice(0, LIMITS.list)
    .map((s) => truncate(s, LIMITS.text));
}

/** `!ruby/object:Gem::Version {version: "1.0"}` (or a bare string). */
function versionOf(v: YamlValue | undefined): string | null {
  if (typeof v === "string") return v;
  if (isMap(v)) return text(v.get("version"));
  return null;
}

/** A platform string, or an old `Gem::Platform` map of cpu, os and version. */
function platformOf(v: YamlValue | undefined): string {
  if (v === undefined || v === null || v === "") return "ruby";
  if (typeof v === "string") return v;
  if (isMap(v)) {
    const parts = ["cpu", "os", "version"].map((k) => text(v.get(k))).filter((p): p is string => !!p);
    return parts.length > 0 ? parts.join("-") : "ruby";
  }
  throw new GemspecError("invalid platform");
}

function metadataOf(v: YamlValue | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (!isMap(v)) return out;
  let count = 0;
  for (const [key, value] of v) {
    if (typeof value !== "string" || key.length > LIMITS.metadataKey) continue;
    if (++count > LIMITS.metadataEntries) break;
    out[key] = truncate(value, LIMITS.text);
  }
  return { ...out };
}

/** `2026-11-28 00:00:00.000000000 Z` (or a bare date) to a day; an unreadable date is RubyGems' epoch. */
function dateOf(value: string | null): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value ?? "");
  return match ? `${match[1]}-${match[2]}-${match[3]}` : "1980-01-02";
}

function specificationVersionOf(value: string | null): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 && n <= 100 ? n : 4;
}

/** `!ruby/object:Gem::Requirement {requirements: [[op, Gem::Version], …]}`; missing is `>= 0`. */
export function requirementOf(v: YamlValue | undefined, what: string): Requirement {
  const list = isMap(v) ? v.get("requirements") : v;
  if (list === undefined || list === null) return [[">=", "0"]];
  if (!Array.isArray(list)) throw new GemspecError(`invalid ${what}`);
  const pairs: Requirement = [];
  for (const item of list) {
    if (!Array.isArray(item) || item.length !== 2) throw new GemspecError(`invalid ${what}`);
    const op = text(item[0]);
    const version = canonicalVersion(versionOf(item[1]) ?? "");
    if (!op || !OPERATORS.has(op) || !isValidVersion(version)) throw new GemspecError(`invalid ${what}`);
    pairs.push([op, version]);
  }
  return pairs.length > 0 ? pairs : [[">=", "0"]];
}

function dependenciesOf(v: YamlValue | undefined): GemDependency[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > LIMITS.dependencies) throw new GemspecError("invalid dependencies");
  return v.map((item) => {
    if (!isMap(item)) throw new GemspecError("invalid dependency");
    const name = text(item.get("name"));
    if (!name || !isValidGemName(name)) throw new GemspecError(`invalid dependency name ${JSON.stringify(name ?? "")}`);
    const type = text(item.get("type")) ?? ":runtime";
    return {
      name,
      requirement: requirementOf(item.get("requirement") ?? item.get("version_requirements"), `requirement of ${name}`),
      type: type === ":development" || type === "development" ? "development" : "runtime",
    };
  });
}

/** `rake-1.0.0.gem`, `nokogiri-1.16.0-x86_64-linux.gem` (Gem::Specification#full_name + .gem). */
export function fullNameOf(name: string, version: string, platform: string): string {
  return platform === "ruby" ? `${name}-${version}` : `${name}-${version}-${platform}`;
}

/** `>= 1.0, < 2` (Gem::Requirement#to_s). */
export const requirementText = (requirement: Requirement) => requirement.map(([op, v]) => `${op} ${v}`).join(", ");
