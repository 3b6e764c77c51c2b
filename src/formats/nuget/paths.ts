// Which NuGet endpoint a path below `…/packages/nuget` addresses (pure). One parser for the v3 resources
// (service index, registration, flat container, search, publish, symbols) and the v2 OData feed, because
// v2 paths such as `Packages(Id='A',Version='1.0')` do not fit a router's parameter syntax.
// Spec: ../shared/reference/gitlab-spec.md §4; https://learn.microsoft.com/nuget/api/overview

export type NugetEndpoint =
  | { kind: "root" }
  | { kind: "service_index" }
  | { kind: "search" }
  | { kind: "registration_index"; id: string }
  | { kind: "registration_page"; id: string; lower: string; upper: string }
  | { kind: "registration_leaf"; id: string; version: string }
  | { kind: "flat_versions"; id: string }
  | { kind: "flat_file"; id: string; version: string; fileName: string }
  | { kind: "symbol_package" }
  | { kind: "symbol_file"; fileName: string; signature: string; fileName2: string }
  | { kind: "package"; id: string; version: string }
  | { kind: "v2_root" }
  | { kind: "v2_metadata" }
  | { kind: "v2_collection"; collection: "Packages" | "FindPackagesById" | "Search"; count: boolean }
  | { kind: "v2_entry"; id: string; version: string }
  | { kind: "v2_download"; id: string; version: string }
  | { kind: "v2_package"; id: string; version: string };

const stripJson = (segment: string) => (segment.endsWith(".json") ? segment.slice(0, -5) : segment);
const isIndex = (segment: string) => segment === "index" || segment === "index.json";

/** `rest` is the raw (still percent-encoded) path after `/packages/nuget`, e.g. `/metadata/Acme.Hello/index.json`. */
export function parseNugetPath(rest: string): NugetEndpoint | null {
  const raw = rest.replace(/^\/+/, "");
  if (raw === "") return { kind: "root" };
  let segments: string[];
  try {
    segments = raw.split("/").map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
  if (segments[segments.length - 1] === "" && segments.length > 1) segments.pop(); // a trailing slash (nuget 2.x: `v2/`)
  const [head = "", ...tail] = segments;
  if (head === "v2") return parseV2(tail);
  switch (head) {
    case "index":
    case "index.json":
      return tail.length === 0 ? { kind: "service_index" } : null;
    case "query":
      return tail.length === 0 ? { kind: "search" } : null;
    case "symbolpackage":
      return tail.length === 0 ? { kind: "symbol_package" } : null;
    case "metadata":
      return parseMetadata(tail);
    case "download":
      if (tail.length === 2 && isIndex(tail[1]!)) return { kind: "flat_versions", id: tail[0]! };
      if (tail.length === 3) return { kind: "flat_file", id: tail[0]!, version: tail[1]!, fileName: tail[2]! };
      return null;
    case "symbolfiles":
      return tail.length === 3 ? { kind: "symbol_file", fileName: tail[0]!, signature: tail[1]!, fileName2: tail[2]! } : null;
    default:
      return tail.length === 1 ? { kind: "package", id: head, version: tail[0]! } : null;
  }
}

function parseMetadata(tail: string[]): NugetEndpoint | null {
  const [id, second, ...more] = tail;
  if (!id || second === undefined) return null;
  if (more.length === 0) return isIndex(second) ? { kind: "registration_index", id } : { kind: "registration_leaf", id, version: stripJson(second) };
  if (second === "page" && more.length === 2) return { kind: "registration_page", id, lower: more[0]!, upper: stripJson(more[1]!) };
  return null;
}

const ENTRY = /^Packages\(\s*Id\s*=\s*'([^']*)'\s*,\s*Version\s*=\s*'([^']*)'\s*\)$/;
const COLLECTIONS = ["Packages", "FindPackagesById", "Search"] as const;

function parseV2(tail: string[]): NugetEndpoint | null {
  if (tail.length === 0) return { kind: "v2_root" };
  const [first = "", ...rest] = tail;
  if (first === "$metadata" && rest.length === 0) return { kind: "v2_metadata" };
  const entry = ENTRY.exec(first);
  if (entry && rest.length === 0) return { kind: "v2_entry", id: entry[1]!, version: entry[2]! };
  const collection = COLLECTIONS.find((name) => first === name || first === `${name}()`);
  if (collection) {
    if (rest.length === 0) return { kind: "v2_collection", collection, count: false };
    if (rest.length === 1 && rest[0] === "$count") return { kind: "v2_collection", collection, count: true };
    return null;
  }
  if (first === "download" && rest.length === 2) return { kind: "v2_download", id: rest[0]!, version: rest[1]! };
  if (first === "download" && rest.length === 3) return { kind: "v2_download", id: rest[0]!, version: rest[1]! };
  if (rest.length === 1) return { kind: "v2_package", id: first, version: rest[0]! };
  return null;
}
