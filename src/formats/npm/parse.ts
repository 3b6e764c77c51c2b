// Pure npm protocol parsing: which endpoint a path names, package-name and semver rules, the version
// manifest GitLab keeps, and SRI integrity strings. No Hono, drizzle or cloudflare:workers here.
// Spec: ../shared/reference/gitlab-spec.md §1; names: validate-npm-package-name; versions: semver.org 2.0.0.
import { comparePrecedence, compareText, parseSemver } from "../semver";

export type NpmEndpoint =
  | { kind: "packument"; name: string }
  | { kind: "package_rev"; name: string; rev: string }
  | { kind: "tarball"; name: string; fileName: string }
  | { kind: "tarball_rev"; name: string; fileName: string; rev: string }
  | { kind: "dist_tags"; name: string }
  | { kind: "dist_tag"; name: string; tag: string }
  | { kind: "search" }
  | { kind: "audit"; quick: boolean };

/**
 * The endpoint named by the raw (still percent-encoded) path after `/packages/npm/`. Scoped names
 * arrive as `@scope%2fname` (npm) or `@scope/name` (tarball URLs); both parse to `@scope/name`.
 * Returns null for paths no npm endpoint owns.
 */
export function parseNpmPath(rawRest: string): NpmEndpoint | null {
  const segments = rawRest.replace(/\/+$/, "").split("/").map(decodeSegment);
  if (segments.length === 0 || segments[0] === "") return null;
  if (segments[0] === "-") return parseDashPath(segments.slice(1));
  const taken = takeName(segments);
  if (!taken) return null;
  const { name, rest } = taken;
  if (rest.length === 0) return { kind: "packument", name };
  const [head, second] = rest;
  if (head === "-rev" && rest.length === 2 && second !== undefined) return { kind: "package_rev", name, rev: second };
  if (head === "-" && rest.length >= 2) {
    const file = rest.slice(1);
    const [revMarker, rev] = file.slice(-2);
    if (file.length >= 3 && revMarker === "-rev" && rev !== undefined) {
      return { kind: "tarball_rev", name, fileName: file.slice(0, -2).join("/"), rev };
    }
    if (file.length > 2) return null;
    return { kind: "tarball", name, fileName: file.join("/") };
  }
  return null;
}

function parseDashPath(rest: string[]): NpmEndpoint | null {
  const joined = rest.join("/");
  if (joined === "v1/search") return { kind: "search" };
  if (joined === "npm/v1/security/advisories/bulk") return { kind: "audit", quick: false };
  if (joined === "npm/v1/security/audits/quick") return { kind: "audit", quick: true };
  if (rest[0] !== "package") return null;
  const taken = takeName(rest.slice(1));
  if (taken?.rest[0] !== "dist-tags") return null;
  if (taken.rest.length === 1) return { kind: "dist_tags", name: taken.name };
  const tag = taken.rest[1];
  if (taken.rest.length === 2 && tag) return { kind: "dist_tag", name: taken.name, tag };
  return null;
}

/** `@scope/name` takes two segments unless the slash was encoded; anything else one. */
function takeName(segments: string[]): { name: string; rest: string[] } | null {
  const first = segments[0];
  if (!first) return null;
  if (first.startsWith("@") && !first.includes("/")) {
    if (!segments[1] || segments[1] === "-" || segments[1] === "-rev") return null;
    return { name: `${first}/${segments[1]}`, rest: segments.slice(2) };
  }
  return { name: first, rest: segments.slice(1) };
}

export class NpmParseError extends Error {}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new NpmParseError("malformed percent-encoding in the path");
  }
}

const SPECIAL_CHARACTERS = /[~'!()*]/;
const BLOCKED_NAMES = new Set(["node_modules", "favicon.ico"]);
// Node core modules: validate-npm-package-name refuses them for new packages.
const CORE_MODULES = new Set(
  ("assert buffer child_process cluster console constants crypto dgram dns domain events fs http http2 https " +
    "inspector module net os path perf_hooks process punycode querystring readline repl stream string_decoder " +
    "sys timers tls trace_events tty url util v8 vm wasi worker_threads zlib").split(" "),
);

/** Why a name may not be published, or null when it may (validate-npm-package-name, "valid for new packages"). */
export function packageNameProblem(name: string): string | null {
  if (name.length === 0) return "name length must be greater than zero";
  if (name.trim() !== name) return "name cannot contain leading or trailing spaces";
  if (name.length > 214) return "name can no longer contain more than 214 characters";
  if (name.startsWith(".")) return "name cannot start with a period";
  if (name.startsWith("_")) return "name cannot start with an underscore";
  if (BLOCKED_NAMES.has(name.toLowerCase())) return `${name} is not a valid package name`;
  if (CORE_MODULES.has(name.toLowerCase())) return `${name} is a core module name`;
  if (name.toLowerCase() !== name) return "name can no longer contain capital letters";
  if (SPECIAL_CHARACTERS.test(name.slice(name.lastIndexOf("/") + 1))) return 'name can no longer contain special characters ("~\'!()*")';
  const scoped = /^@([^/]+)\/([^/]+)$/.exec(name);
  if (name.startsWith("@") && !scoped) return "scoped names must look like @scope/name";
  const [, scope = "", bare = ""] = scoped ?? []; // both groups are set whenever scoped matched
  const parts = scoped ? [scope, bare] : [name];
  if (parts.some((p) => encodeURIComponent(p) !== p)) return "name can only contain URL-friendly characters";
  if (scoped && (bare.startsWith(".") || bare.startsWith("_"))) return "name cannot start with a period or an underscore";
  return null;
}

/** The scope of `@scope/name` (without `@`), or null for unscoped names. */
export function scopeOf(name: string): string | null {
  return /^@([^/]+)\//.exec(name)?.[1] ?? null;
}

/** semver.org 2.0.0 (what `semver.valid` accepts in strict mode). */
export function isValidSemver(version: string): boolean {
  return version.length <= 256 && parseSemver(version) !== null;
}

/** Semver precedence; build metadata is ignored, prereleases sort before their release; invalid versions by text. */
export function compareSemver(a: string, b: string): number {
  const x = parseSemver(a);
  const y = parseSemver(b);
  return x && y ? comparePrecedence(x, y) : compareText(a, b);
}

/** Fields GitLab drops from the stored manifest (CreatePackageService::PACKAGE_JSON_NOT_ALLOWED_FIELDS). */
const DROPPED_MANIFEST_FIELDS = ["readme", "readmeFilename", "licenseText", "contributors", "exports", "_attachments"];
/** GitLab's limit on the stored package.json ("Package json structure is too large"). */
export const MAX_MANIFEST_CHARS = 20_000;
const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall"];

export interface PublishRequest {
  name: string;
  version: string;
  /** The version manifest to store: dropped fields removed, dist without the client's tarball URL. */
  manifest: Record<string, unknown>;
  tag: string;
  declaredSha1: string | null;
  /** sha512 hex from dist.integrity, when it carries one. */
  declaredSha512: string | null;
}

/** Validate a publish document (the attachment data already taken out) against the URL's package name. */
export function parsePublishDocument(document: unknown, urlName: string): PublishRequest {
  if (!isObject(document)) throw new NpmParseError("the body must be a JSON object");
  const name = document.name ?? urlName;
  if (typeof name !== "string" || name !== urlName) throw new NpmParseError(`package name in the body (${String(name)}) does not match the URL (${urlName})`);
  const problem = packageNameProblem(name);
  if (problem) throw new NpmParseError(`Invalid package name: ${problem}`);
  if (!isObject(document.versions)) throw new NpmParseError("versions is missing");
  const versions = Object.keys(document.versions);
  const [version] = versions;
  if (version === undefined || versions.length !== 1) throw new NpmParseError("Only one version may be published at a time");
  if (!isValidSemver(version)) throw new NpmParseError(`Version ${JSON.stringify(version)} is not valid semver`);
  const raw = document.versions[version];
  if (!isObject(raw)) throw new NpmParseError("the version manifest must be an object");
  if (raw.name !== undefined && raw.name !== name) throw new NpmParseError("versions[].name does not match the package name");
  if (raw.version !== undefined && raw.version !== version) throw new NpmParseError("versions[].version does not match its key");
  const manifest = storedManifest(raw, name, version);
  if (JSON.stringify(manifest).length > MAX_MANIFEST_CHARS) throw new NpmParseError("Package json structure is too large");
  const dist = isObject(raw.dist) ? raw.dist : {};
  const tags = isObject(document["dist-tags"]) ? Object.keys(document["dist-tags"]) : [];
  const tag = tags[0] ?? "latest";
  if (isValidSemver(tag) || !/^[A-Za-z0-9._~-]+$/.test(tag)) throw new NpmParseError(`Invalid dist-tag ${JSON.stringify(tag)}`);
  return {
    name,
    version,
    manifest,
    tag,
    declaredSha1: typeof dist.shasum === "string" ? dist.shasum.toLowerCase() : null,
    declaredSha512: typeof dist.integrity === "string" ? sha512FromIntegrity(dist.integrity) : null,
  };
}

function storedManifest(raw: Record<string, unknown>, name: string, version: string): Record<string, unknown> {
  const manifest: Record<string, unknown> = { ...raw, name, version };
  for (const field of DROPPED_MANIFEST_FIELDS) delete manifest[field];
  const dist = isObject(raw.dist) ? { ...raw.dist } : {};
  delete dist.tarball; // rebuilt per request from the prefix the client used
  manifest.dist = dist;
  const scripts = isObject(raw.scripts) ? raw.scripts : {};
  if (INSTALL_SCRIPTS.some((s) => typeof scripts[s] === "string")) manifest.hasInstallScript = true;
  delete manifest.deprecated; // a publish is never deprecated; npm deprecate sets it later
  return manifest;
}

/** The sha512 digest (hex) of an SRI string such as `sha512-<base64>` (several entries allowed). */
export function sha512FromIntegrity(integrity: string): string | null {
  for (const entry of integrity.trim().split(/\s+/)) {
    const digest = /^sha512-([A-Za-z0-9+/=]+)(\?.*)?$/.exec(entry)?.[1];
    if (digest === undefined) continue;
    try {
      return base64ToHex(digest);
    } catch {
      throw new NpmParseError("dist.integrity is not valid base64");
    }
  }
  return null;
}

function base64ToHex(value: string): string {
  const binary = atob(value);
  let hex = "";
  for (let i = 0; i < binary.length; i++) hex += binary.charCodeAt(i).toString(16).padStart(2, "0");
  return hex;
}

export function hexToBase64(hex: string): string {
  let binary = "";
  for (let i = 0; i < hex.length; i += 2) binary += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return btoa(binary);
}

/** The dist-tag PUT body: a JSON string naming a version (npm sends `"1.0.0"`). */
export function parseDistTagBody(text: string): string {
  let value: unknown = text.trim();
  try {
    value = JSON.parse(text);
  } catch {
    /* npm always sends JSON; a bare version is accepted too */
  }
  if (typeof value !== "string" || !isValidSemver(value)) throw new NpmParseError("the body must be a JSON string naming a valid version");
  return value;
}

export function isValidTag(tag: string): boolean {
  return tag.length > 0 && tag.length <= 128 && !isValidSemver(tag) && /^[A-Za-z0-9._~-]+$/.test(tag);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
