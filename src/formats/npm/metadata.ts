// Pure npm documents: the packument (full and abbreviated install form), dist-tags, search results
// and the changes a client's packument PUT asks for (deprecate, unpublish). No I/O here.
// Spec: ../shared/reference/gitlab-spec.md §1; npm registry docs "package-metadata.md" (abbreviated version object).
import { compareSemver, hexToBase64, isObject } from "./parse";

export const ABBREVIATED_TYPE = "application/vnd.npm.install-v1+json";

/** One installable version as the reads hand it over (the newest package per version already chosen). */
export interface VersionRecord {
  version: string;
  manifest: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
  /** sha1 and sha512 are kept for every npm tarball; null only for a file stored without them. */
  file: { fileName: string; sha1: string | null; sha512: string | null } | null;
}

/** Fields of the abbreviated version object npm, pnpm and yarn resolve and install from. */
const ABBREVIATED_FIELDS = [
  "name",
  "version",
  "deprecated",
  "dependencies",
  "optionalDependencies",
  "devDependencies",
  "bundleDependencies",
  "bundledDependencies",
  "peerDependencies",
  "peerDependenciesMeta",
  "acceptDependencies",
  "bin",
  "directories",
  "engines",
  "os",
  "cpu",
  "libc",
  "funding",
  "license",
  "_hasShrinkwrap",
  "hasInstallScript",
];

export interface PackumentInput {
  name: string;
  versions: VersionRecord[];
  /** tag → version, already limited to the versions above */
  tags: Map<string, string>;
  tarballUrl: (fileName: string) => string;
  rev: string;
}

/** `dist-tags` with GitLab's fallback: `latest` is the highest version when no tag names it. */
export function distTagsOf(versions: string[], tags: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const present = new Set(versions);
  for (const [tag, version] of tags) if (present.has(version)) out[tag] = version;
  if (!out.latest && versions.length > 0) out.latest = [...versions].sort(compareSemver).pop()!;
  return out;
}

function versionObject(record: VersionRecord, input: PackumentInput, abbreviated: boolean): Record<string, unknown> {
  const source = record.manifest;
  const base: Record<string, unknown> = {};
  if (abbreviated) {
    for (const field of ABBREVIATED_FIELDS) if (source[field] !== undefined) base[field] = source[field];
  } else {
    Object.assign(base, source);
  }
  base.name = input.name;
  base.version = record.version;
  if (typeof source.deprecated !== "string" || source.deprecated === "") delete base.deprecated;
  const declared = isObject(source.dist) ? source.dist : {};
  const dist: Record<string, unknown> = abbreviated ? {} : { ...declared };
  if (record.file) {
    if (record.file.sha1) dist.shasum = record.file.sha1;
    if (record.file.sha512) dist.integrity = `sha512-${hexToBase64(record.file.sha512)}`;
    dist.tarball = input.tarballUrl(record.file.fileName);
  }
  base.dist = dist;
  return base;
}

/** The packument npm asks for: full (`application/json`) or the abbreviated install document. */
export function buildPackument(input: PackumentInput, abbreviated: boolean): Record<string, unknown> {
  const sorted = [...input.versions].sort((a, b) => compareSemver(a.version, b.version));
  const versions: Record<string, unknown> = {};
  for (const record of sorted) versions[record.version] = versionObject(record, input, abbreviated);
  const distTags = distTagsOf(sorted.map((r) => r.version), input.tags);
  const modified = new Date(Math.max(0, ...input.versions.map((v) => v.updatedAt.getTime()))).toISOString();
  if (abbreviated) return { name: input.name, modified, "dist-tags": distTags, versions };
  const time: Record<string, string> = {
    created: new Date(Math.min(...input.versions.map((v) => v.createdAt.getTime()))).toISOString(),
    modified,
  };
  for (const record of sorted) time[record.version] = record.createdAt.toISOString();
  const latest = sorted.find((r) => r.version === distTags.latest)?.manifest ?? {};
  const document: Record<string, unknown> = { _id: input.name, _rev: input.rev, name: input.name, "dist-tags": distTags, versions, time };
  for (const field of ["description", "keywords", "license", "homepage", "repository", "bugs", "author", "maintainers"]) {
    if (latest[field] !== undefined) document[field] = latest[field];
  }
  return document;
}

/** Whether the client asked for the abbreviated document (npm/pnpm/yarn installs do; `npm view` does not). */
export function wantsAbbreviated(accept: string | undefined): boolean {
  return (accept ?? "").toLowerCase().includes(ABBREVIATED_TYPE);
}

/**
 * The parts of a client's packument PUT that deprecate and unpublish read: `versions` (each with only its
 * `deprecated` string) and `dist-tags`, in the packument's own shape. Small plain data, so it can be
 * handed to the publish coordinator, whose planners decide against the rows as they are then.
 */
export function packumentClaims(body: unknown): Record<string, unknown> {
  if (!isObject(body)) return {};
  const claims: Record<string, unknown> = {};
  if (isObject(body.versions)) {
    claims.versions = Object.fromEntries(
      Object.entries(body.versions).map(([version, manifest]) => [version, isObject(manifest) && typeof manifest.deprecated === "string" ? { deprecated: manifest.deprecated } : {}]),
    );
  }
  if (isObject(body["dist-tags"])) claims["dist-tags"] = body["dist-tags"];
  return claims;
}

export interface DeprecationChange {
  version: string;
  /** "" un-deprecates */
  message: string;
}

/**
 * Versions whose `deprecated` message the client's packument changes (npm deprecate PUTs the whole
 * packument back with `versions[v].deprecated` set; "" means un-deprecate). Unchanged ones are skipped.
 */
export function deprecationChanges(body: unknown, stored: Map<string, Record<string, unknown>>): DeprecationChange[] {
  if (!isObject(body) || !isObject(body.versions)) return [];
  const changes: DeprecationChange[] = [];
  for (const [version, manifest] of Object.entries(body.versions)) {
    if (!isObject(manifest) || typeof manifest.deprecated !== "string") continue;
    const current = stored.get(version);
    if (!current) continue;
    const before = typeof current.deprecated === "string" ? current.deprecated : "";
    if (before !== manifest.deprecated) changes.push({ version, message: manifest.deprecated });
  }
  return changes;
}

export interface PackumentUpdate {
  removeVersions: string[];
  setTags: { tag: string; version: string }[];
  removeTags: string[];
}

/**
 * What `npm unpublish pkg@ver` asks for with `PUT /<name>/-rev/<rev>`: the packument without the
 * version, its dist-tags moved or dropped. Versions and tags the body no longer lists are removed.
 */
export function packumentUpdate(body: unknown, storedVersions: string[], storedTags: Map<string, string>): PackumentUpdate {
  if (!isObject(body) || !isObject(body.versions)) return { removeVersions: [], setTags: [], removeTags: [] };
  const kept = new Set(Object.keys(body.versions));
  const removeVersions = storedVersions.filter((v) => !kept.has(v));
  const wanted = isObject(body["dist-tags"]) ? body["dist-tags"] : {};
  const setTags: { tag: string; version: string }[] = [];
  for (const [tag, version] of Object.entries(wanted)) {
    if (typeof version === "string" && kept.has(version) && storedVersions.includes(version) && storedTags.get(tag) !== version) setTags.push({ tag, version });
  }
  const removeTags = [...storedTags.keys()].filter((tag) => !(tag in wanted));
  return { removeVersions, setTags, removeTags };
}

export interface SearchHit {
  name: string;
  latest: VersionRecord;
  tarballPrefix?: string;
}

/** The `/-/v1/search` answer npm search prints (objects[].package with name, version, description…). */
export function buildSearchResult(hits: SearchHit[], total: number): Record<string, unknown> {
  return {
    objects: hits.map(({ name, latest }) => {
      const m = latest.manifest;
      return {
        package: {
          name,
          version: latest.version,
          description: typeof m.description === "string" ? m.description : "",
          keywords: Array.isArray(m.keywords) ? m.keywords : [],
          date: latest.createdAt.toISOString(),
          links: {},
          publisher: isObject(m._npmUser) ? m._npmUser : undefined,
          maintainers: Array.isArray(m.maintainers) ? m.maintainers : [],
        },
        score: { final: 1, detail: { quality: 1, popularity: 1, maintenance: 1 } },
        searchScore: 1,
      };
    }),
    total,
    time: new Date().toUTCString(),
  };
}

/** Whether a package name matches npm search text (every word must appear in the name, description or keywords). */
export function matchesSearch(text: string, name: string, manifest: Record<string, unknown>): boolean {
  const haystack = [name, typeof manifest.description === "string" ? manifest.description : "", ...(Array.isArray(manifest.keywords) ? manifest.keywords : [])]
    .join(" ")
    .toLowerCase();
  return text
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word.replace(/^keywords:/, "")));
}
