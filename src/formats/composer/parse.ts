// Pure parsing for Composer: a package's composer.json (name and version as Composer validates them) and
// the read paths under `…/packages/composer/`. Spec: ../shared/reference/gitlab-spec.md §7;
// https://getcomposer.org/doc/04-schema.md#name, https://getcomposer.org/doc/05-repositories.md#composer

export const PACKAGE_TYPE = "composer";
/** Largest composer.json read from an archive. */
export const MAX_COMPOSER_JSON_BYTES = 512 * 1024;

/** Composer's package name rule (ValidatingArrayLoader::hasPackageNamingError), lowercase only. */
const NAME = /^[a-z0-9](?:[_.-]?[a-z0-9]+)*\/[a-z0-9](?:(?:[_.]|-{1,2})?[a-z0-9]+)*$/;
const RESERVED = new Set(["nul", "con", "prn", "aux", ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`com${n}`, `lpt${n}`])]);
/** Keys of composer.json the registry sets itself in the metadata it serves. */
const SERVED_KEYS = ["name", "version", "version_normalized", "dist", "source", "uid", "time", "notification-url"];

export interface ComposerManifest {
  name: string;
  /** `version` of composer.json, when it has one. */
  version: string | null;
  /** composer.json without the keys the registry sets (dist, source, version, …). */
  json: Record<string, unknown>;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** Why a name is not a Composer package name, or null when it is one. */
export function nameProblem(name: string): string | null {
  if (!NAME.test(name)) {
    if (NAME.test(name.toLowerCase())) return `name ${JSON.stringify(name)} must be lowercase (${JSON.stringify(name.toLowerCase())})`;
    return `name ${JSON.stringify(name)} is invalid: it should be a vendor name, a forward slash and a package name (lowercase words separated by -, . or _)`;
  }
  const [vendor = "", pkg = ""] = name.split("/");
  if (RESERVED.has(vendor) || RESERVED.has(pkg)) return `name ${JSON.stringify(name)} is reserved`;
  if (name.endsWith(".json")) return `name ${JSON.stringify(name)} may not end in .json`;
  return null;
}

/** composer.json bytes → its name, version and the JSON served to clients. */
export function parseComposerJson(bytes: Uint8Array): Parsed<ComposerManifest> {
  let text = new TextDecoder().decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: "composer.json is not valid JSON" };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return { ok: false, message: "composer.json is not a JSON object" };
  const record = json as Record<string, unknown>;
  if (typeof record.name !== "string") return { ok: false, message: "composer.json has no name" };
  const problem = nameProblem(record.name);
  if (problem) return { ok: false, message: `composer.json: ${problem}` };
  if (record.version !== undefined && typeof record.version !== "string") return { ok: false, message: "composer.json: version must be a string" };
  const served = Object.fromEntries(Object.entries(record).filter(([key]) => !SERVED_KEYS.includes(key)));
  return { ok: true, value: { name: record.name, version: record.version ?? null, json: served } };
}

/** What a GET under `…/packages/composer/` asks for. */
export type ComposerRead =
  /** `packages.json`: the repository root */
  | { kind: "root" }
  /** `p/<sha256>.json`: Composer 1's provider list */
  | { kind: "providers"; sha: string }
  /** `p2/<vendor>/<name>.json` (tagged versions) and `p2/<vendor>/<name>~dev.json` (dev versions): Composer 2 */
  | { kind: "p2"; name: string; dev: boolean }
  /** `<vendor>/<name>$<sha256>.json`: Composer 1's package metadata */
  | { kind: "v1"; name: string; sha: string }
  /** `archives/<vendor>/<name>.zip?sha=…`: a dist archive (project level) */
  | { kind: "archive"; name: string };

const SHA = "[0-9a-f]{64}";
const PACKAGE = "[a-z0-9][a-z0-9_.-]*\\/[a-z0-9][a-z0-9_.-]*";

/** The path after `…/packages/composer/` (`$` may come as `%24`); null for anything else. */
export function parseReadPath(rest: string): ComposerRead | null {
  const path = rest.replace(/%24/gi, "$");
  if (path === "packages.json" || path === "packages") return { kind: "root" };
  let m = new RegExp(`^p/(${SHA})\\.json$`, "i").exec(path);
  if (m) return { kind: "providers", sha: m[1]!.toLowerCase() };
  m = new RegExp(`^(${PACKAGE})\\$(${SHA})\\.json$`, "i").exec(path);
  if (m) return { kind: "v1", name: m[1]!.toLowerCase(), sha: m[2]!.toLowerCase() };
  m = new RegExp(`^p2/(${PACKAGE}?)(~dev)?\\.json$`, "i").exec(path);
  if (m) return { kind: "p2", name: m[1]!.toLowerCase(), dev: m[2] !== undefined };
  m = new RegExp(`^archives/(${PACKAGE})\\.zip$`, "i").exec(path);
  if (m) return { kind: "archive", name: m[1]!.toLowerCase() };
  return null;
}

/** The stored file name of a version's archive: `<vendor>-<name>-<version>.zip`, path-safe. */
export function archiveFileName(name: string, version: string): string {
  return `${name.replace("/", "-")}-${version.replace(/[^A-Za-z0-9._+-]/g, "_")}.zip`;
}
