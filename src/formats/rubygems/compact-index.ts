// The compact index as rubygems.org serves it (pure text builders): `names`, `versions` (one line per gem
// with its versions and the MD5 of its info file) and `info/<gem>` (one line per version and platform:
// runtime dependencies, sha256, required Ruby and RubyGems versions). Bundler and RubyGems ≥ 3.0 read it.
// Spec: https://guides.rubygems.org/rubygems-org-compact-index-api/, the compact_index gem (to_line).
import { requirementText, type Requirement } from "./gemspec";
import type { GemRelease } from "./release";

/** `---` then one name a line, sorted. */
export function buildNames(names: string[]): string {
  return `---\n${[...new Set(names)].sort().map((n) => `${n}\n`).join("")}`;
}

const versionToken = (release: Pick<GemRelease, "version" | "platform">) => (release.platform === "ruby" ? release.version : `${release.version}-${release.platform}`);

const joined = (requirement: Requirement) => requirementText(requirement).replace(/, /g, "&");
const isDefault = (requirement: Requirement) => requirement.length === 1 && requirement[0]![0] === ">=" && requirement[0]![1] === "0";

/** One info line: `1.0.0[-platform] dep:req&req,dep2:req|checksum:<sha256>[,ruby:req][,rubygems:req]`. */
export function infoLine(release: GemRelease): string {
  const deps = release.spec.dependencies.filter((d) => d.type === "runtime").map((d) => `${d.name}:${joined(d.requirement)}`);
  let line = `${versionToken(release)} ${deps.join(",")}|checksum:${release.sha256}`;
  if (!isDefault(release.spec.requiredRubyVersion)) line += `,ruby:${joined(release.spec.requiredRubyVersion)}`;
  if (!isDefault(release.spec.requiredRubygemsVersion)) line += `,rubygems:${joined(release.spec.requiredRubygemsVersion)}`;
  return line;
}

/** `info/<gem>`: releases in publish order (as rubygems.org appends them). */
export function buildInfo(releases: GemRelease[]): string {
  return `---\n${releases.map((r) => `${infoLine(r)}\n`).join("")}`;
}

export interface VersionsEntry {
  name: string;
  releases: GemRelease[];
  /** MD5 (hex) of this gem's info file. */
  infoMd5: string;
}

/**
 * `versions`: a `created_at` header, then per gem `name v1,v2-platform <md5 of info>`. Built from the current
 * rows (yanked versions are simply absent), so `created_at` is the newest release's time: the same rows give
 * the same bytes, and Bundler's Range appends either extend it or fail its MD5 check and fetch it whole.
 */
export function buildVersions(entries: VersionsEntry[]): string {
  const sorted = [...entries].filter((e) => e.releases.length > 0).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const newest = sorted.flatMap((e) => e.releases).reduce((max, r) => Math.max(max, r.createdAt.getTime()), 0);
  const createdAt = new Date(newest).toISOString().replace(/\.\d{3}Z$/, "Z");
  const lines = sorted.map((e) => `${e.name} ${e.releases.map(versionToken).join(",")} ${e.infoMd5}\n`);
  return `created_at: ${createdAt}\n---\n${lines.join("")}`;
}
