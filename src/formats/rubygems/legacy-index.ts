// The indexes older clients (and `gem install` without the compact index) read, as `gem generate_index`
// writes them: `specs.4.8.gz`, `latest_specs.4.8.gz`, `prerelease_specs.4.8.gz` (gzipped Marshal arrays of
// [name, Gem::Version, platform]), `quick/Marshal.4.8/<full name>.gemspec.rz` (a deflated Marshal
// Gem::Specification) and `/api/v1/dependencies` (Marshal array of hashes). Pure builders.
// Spec: rubygems/indexer.rb, rubygems/specification.rb (_dump), https://guides.rubygems.org/rubygems-org-api/.
import { isPrerelease, requirementText, type Gemspec, type Requirement } from "./gemspec";
import { gemRequirement, gemVersion, marshalDump, RubyHash, RubyObject, RubyUserDef, rubyUtcTime, shared, sym, type RubyValue } from "./marshal";
import type { GemRelease } from "./release";
import { compareGemVersions } from "./version-order";

export type SpecsKind = "specs" | "latest_specs" | "prerelease_specs";

/** Sorted as Gem::Indexer sorts tuples: name, then version, then platform. */
function sortTuples(releases: GemRelease[]): GemRelease[] {
  return [...releases].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || compareGemVersions(a.version, b.version) || (a.platform < b.platform ? -1 : a.platform > b.platform ? 1 : 0));
}

/** Which releases each index lists: releases, the newest release per name and platform, or prereleases. */
export function selectSpecs(kind: SpecsKind, releases: GemRelease[]): GemRelease[] {
  if (kind === "prerelease_specs") return sortTuples(releases.filter((r) => isPrerelease(r.version)));
  const stable = releases.filter((r) => !isPrerelease(r.version));
  if (kind === "specs") return sortTuples(stable);
  const latest = new Map<string, GemRelease>();
  for (const r of stable) {
    const key = `${r.name}\u0000${r.platform}`;
    const current = latest.get(key);
    if (!current || compareGemVersions(r.version, current.version) > 0) latest.set(key, r);
  }
  return sortTuples([...latest.values()]);
}

/** The Marshal bytes of a specs index (before gzip). */
export function specsMarshal(releases: GemRelease[]): Uint8Array {
  return marshalDump(releases.map((r): RubyValue => [r.name, gemVersion(r.version), r.platform]));
}

const requirement = (pairs: Requirement) => gemRequirement(pairs);

/** A Gem::Dependency as Gem::Dependency.new makes it (its version_requirements is its requirement). */
function dependencyObject(dep: Gemspec["dependencies"][number]): RubyValue {
  const req = shared(requirement(dep.requirement));
  return new RubyObject("Gem::Dependency", [
    ["@name", dep.name],
    ["@requirement", req],
    ["@type", sym(dep.type)],
    ["@prerelease", false],
    ["@version_requirements", req],
  ]);
}

/**
 * `Marshal.dump(spec)` of the spec `gem generate_index` writes to quick/Marshal.4.8 (abbreviated: no file
 * lists): Gem::Specification#_dump's array, as a `u` object. Platform gems carry the platform as a string
 * where Ruby has a Gem::Platform; RubyGems reads both (`@platform = array[16].to_s`).
 */
export function gemspecMarshal(release: Pick<GemRelease, "name" | "version" | "spec">): Uint8Array {
  const spec = release.spec;
  const platform = shared(spec.platform);
  const fields: RubyValue[] = [
    spec.rubygemsVersion,
    spec.specificationVersion,
    release.name,
    gemVersion(release.version),
    rubyUtcTime(new Date(`${spec.date}T00:00:00Z`)),
    spec.summary,
    requirement(spec.requiredRubyVersion),
    requirement(spec.requiredRubygemsVersion),
    platform,
    spec.dependencies.map(dependencyObject),
    "",
    spec.email,
    spec.authors,
    spec.description,
    spec.homepage,
    true,
    platform,
    spec.licenses,
    new RubyHash(Object.entries(spec.metadata)),
  ];
  return marshalDump(new RubyUserDef("Gem::Specification", marshalDump(fields)));
}

/** `/api/v1/dependencies?gems=…`: `[{name:, number:, platform:, dependencies: [[name, "req"]]}]` for runtime dependencies. */
export function dependenciesMarshal(releases: GemRelease[]): Uint8Array {
  return marshalDump(
    releases.map(
      (r): RubyValue =>
        new RubyHash([
          [sym("name"), r.name],
          [sym("number"), r.version],
          [sym("platform"), r.platform],
          [sym("dependencies"), r.spec.dependencies.filter((d) => d.type === "runtime").map((d): RubyValue => [d.name, requirementText(d.requirement)])],
        ]),
    ),
  );
}
