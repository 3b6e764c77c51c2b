// Chart.yaml → the chart's index entry (pure): helm's Metadata fields with their types, the checks of
// helm's Metadata.Validate (strings sanitised as helm does before it writes an index), GitLab's name and
// version rules, and requirements.yaml dependencies for apiVersion v1 charts. The entry holds exactly the
// keys `helm repo index` writes for the chart (empty values left out, as Go's omitempty does).
// Spec: helm pkg/chart/v2/metadata.go, dependency.go; GitLab Gitlab::Regex.helm_package_regex / helm_version_regex.
import { ChartError } from "./archive";
import { isSemver } from "./semver";
import type { JsonValue } from "./yaml-emit";
import { parseYaml, YamlError, type YamlValue } from "./yaml-parse";

export interface Chart {
  name: string;
  version: string;
  /** The fields of the chart's index entry (without created, digest and urls). */
  entry: { [key: string]: JsonValue };
}

/** GitLab's helm_package_regex: letters and digits, single `.`, `-` or `_` between them. */
const NAME = /^([a-zA-Z0-9]([.\-_])?){1,255}(?<![.\-_])$/;
/** helm's aliasNameFormat. */
const ALIAS = /^[a-zA-Z0-9_-]+$/;

type YamlMap = { [key: string]: YamlValue };

export function parseChart(chartYaml: string, requirementsYaml: string | null = null): Chart {
  const doc = readYaml("Chart.yaml", chartYaml);
  if (doc === null) throw new ChartError("chart.metadata.name is required");
  if (!isMap(doc)) throw new ChartError("Chart.yaml must be a mapping");
  const apiVersion = text(doc, "apiVersion") || "v1";
  if (apiVersion !== "v1" && apiVersion !== "v2") throw new ChartError(`chart.metadata.apiVersion "${apiVersion}" is not supported (v1 or v2)`);
  const name = sanitize(text(doc, "name"));
  const version = text(doc, "version");
  if (name === "") throw new ChartError("chart.metadata.name is required");
  if (!NAME.test(name)) throw new ChartError(`chart.metadata.name "${name}" is invalid: use letters, digits and single ".", "-" or "_" between them`);
  if (version === "") throw new ChartError("chart.metadata.version is required");
  if (!isSemver(version)) throw new ChartError(`chart.metadata.version "${version}" is invalid: it must be a SemVer 2 version (an optional leading v is allowed)`);
  const type = text(doc, "type");
  if (type !== "" && type !== "application" && type !== "library") throw new ChartError("chart.metadata.type must be application or library");

  let dependencySource: YamlValue | undefined = doc.dependencies;
  if (requirementsYaml !== null) {
    const requirements = readYaml("requirements.yaml", requirementsYaml);
    if (isMap(requirements) && "dependencies" in requirements) dependencySource = requirements.dependencies;
  }

  const entry: { [key: string]: JsonValue } = {};
  const put = (key: string, value: JsonValue | undefined) => {
    if (value === undefined || value === "" || value === false) return;
    if (Array.isArray(value) && value.length === 0) return;
    if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0) return;
    entry[key] = value;
  };
  put("name", name);
  put("home", sanitize(text(doc, "home")));
  put("sources", strings(doc, "sources").map(sanitize));
  put("version", version);
  put("description", sanitize(text(doc, "description")));
  put("keywords", strings(doc, "keywords").map(sanitize));
  put("maintainers", maintainers(doc.maintainers));
  put("icon", sanitize(text(doc, "icon")));
  put("apiVersion", apiVersion);
  put("condition", sanitize(text(doc, "condition")));
  put("tags", sanitize(text(doc, "tags")));
  put("appVersion", sanitize(text(doc, "appVersion")));
  put("deprecated", bool(doc, "deprecated"));
  put("annotations", annotations(doc.annotations));
  put("kubeVersion", sanitize(text(doc, "kubeVersion")));
  put("dependencies", dependencies(dependencySource));
  put("type", type);
  return { name, version, entry };
}

function readYaml(file: string, source: string): YamlValue {
  try {
    return parseYaml(source);
  } catch (error) {
    if (error instanceof YamlError) throw new ChartError(`${file}: ${error.message}`);
    throw error;
  }
}

function isMap(value: YamlValue | undefined): value is YamlMap {
  return value !== null && value !== undefined && typeof value === "object" && !Array.isArray(value);
}

/** A string field: a scalar (null and absent are ""). */
function text(map: YamlMap, key: string): string {
  const value = map[key];
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw new ChartError(`chart.metadata.${key} must be a string`);
  return value;
}

function strings(map: YamlMap, key: string): string[] {
  const value = map[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ChartError(`chart.metadata.${key} must be a list of strings`);
  return value.map((item) => {
    if (item !== null && typeof item !== "string") throw new ChartError(`chart.metadata.${key} must be a list of strings`);
    return item ?? "";
  });
}

/** YAML 1.1 booleans, as go-yaml v2 reads them. */
function bool(map: YamlMap, key: string, where = "chart.metadata"): boolean {
  const value = map[key];
  if (value === undefined || value === null) return false;
  if (typeof value === "string") {
    if (/^(y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON)$/.test(value)) return true;
    if (/^(n|N|no|No|NO|false|False|FALSE|off|Off|OFF)$/.test(value)) return false;
  }
  throw new ChartError(`${where}.${key} must be true or false`);
}

function maintainers(value: YamlValue | undefined): JsonValue[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ChartError("chart.metadata.maintainers must be a list");
  return value.map((item) => {
    if (item === null) throw new ChartError("maintainers must not contain empty or null nodes");
    if (!isMap(item)) throw new ChartError("chart.metadata.maintainers must be a list of mappings");
    const out: { [key: string]: JsonValue } = {};
    for (const key of ["name", "email", "url"]) {
      const field = sanitize(text(item, key));
      if (field !== "") out[key] = field;
    }
    return out;
  });
}

function annotations(value: YamlValue | undefined): { [key: string]: JsonValue } {
  if (value === undefined || value === null) return {};
  if (!isMap(value)) throw new ChartError("chart.metadata.annotations must be a mapping of strings");
  const out: { [key: string]: JsonValue } = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== null && typeof item !== "string") throw new ChartError(`chart.metadata.annotations.${key} must be a string`);
    out[key] = item ?? "";
  }
  return out;
}

function dependencies(value: YamlValue | undefined): JsonValue[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ChartError("chart.metadata.dependencies must be a list");
  const seen = new Set<string>();
  return value.map((item) => {
    if (item === null) throw new ChartError("dependencies must not contain empty or null nodes");
    if (!isMap(item)) throw new ChartError("chart.metadata.dependencies must be a list of mappings");
    const name = sanitize(text(item, "name"));
    const alias = text(item, "alias");
    if (alias !== "" && !ALIAS.test(alias)) throw new ChartError(`dependency "${name}" has disallowed characters in the alias`);
    const key = alias || name;
    if (seen.has(key)) throw new ChartError(`more than one dependency with name or alias "${key}"`);
    seen.add(key);
    // name and repository are always written (no omitempty in helm's Dependency).
    const out: { [key: string]: JsonValue } = { name, repository: sanitize(text(item, "repository")) };
    const version = sanitize(text(item, "version"));
    if (version) out.version = version;
    const condition = sanitize(text(item, "condition"));
    if (condition) out.condition = condition;
    const tags = strings(item, "tags").map(sanitize);
    if (tags.length > 0) out.tags = tags;
    if (bool(item, "enabled", "dependencies")) out.enabled = true;
    const imports = item["import-values"];
    if (imports !== undefined && imports !== null) {
      if (!Array.isArray(imports)) throw new ChartError("dependencies.import-values must be a list");
      if (imports.length > 0) out["import-values"] = imports as JsonValue[];
    }
    if (alias) out.alias = alias;
    return out;
  });
}

/** helm's sanitizeString: every Unicode space becomes " ", other unprintable characters are dropped. */
export function sanitize(value: string): string {
  return value.replace(/[\t\n\v\f\r\u0085\p{Z}]/gu, " ").replace(/[^\p{L}\p{M}\p{N}\p{P}\p{S} ]/gu, "");
}
