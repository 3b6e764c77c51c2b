// One pushed .gem as the indexes see it (a name, version and platform with its gemspec and sha256), how it
// is stored on the package file's row, and how rows turn back into releases: newest upload of each
// platform per version, ordered as they were first published.
import type { PackageFileRow, PackageWithFiles } from "../../core/registry";
import type { Gemspec } from "./gemspec";
import { fullNameOf } from "./gemspec";

export const RUBYGEMS = "rubygems";

export interface GemRelease {
  name: string;
  version: string;
  platform: string;
  fileName: string;
  sha256: string;
  createdAt: Date;
  spec: Gemspec;
  /** The stored .gem (the newest upload of this file name). */
  file: PackageFileRow;
}

/** Version metadata: the key that records one platform of a version (yank removes it). */
export const platformKey = (platform: string) => `platform:${platform}`;

/** The package file's metadata: the gemspec as read at push time. */
export const fileMetadataOf = (spec: Gemspec): Record<string, unknown> => ({ platform: spec.platform, gemspec: spec });

/** The version's metadata (what the Packages API and pages show), plus the platform it now has. */
export function versionMetadataOf(spec: Gemspec, fileName: string): Record<string, unknown> {
  return {
    summary: spec.summary,
    authors: spec.authors,
    homepage: spec.homepage,
    licenses: spec.licenses,
    [platformKey(spec.platform)]: fileName,
  };
}

export const gemFileName = (spec: Pick<Gemspec, "name" | "version" | "platform">) => `${fullNameOf(spec.name, spec.version, spec.platform)}.gem`;

/** Releases of these versions: per version and platform, the newest file; versions in publish order, `ruby` first. */
export function releasesOf(rows: PackageWithFiles[]): GemRelease[] {
  const ordered = [...rows].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
  const out: GemRelease[] = [];
  for (const row of ordered) {
    const byPlatform = new Map<string, GemRelease>();
    for (const file of row.files) {
      const spec = (file.metadata as { gemspec?: Gemspec }).gemspec;
      if (!spec || byPlatform.has(spec.platform) || row.metadata[platformKey(spec.platform)] == null) continue;
      byPlatform.set(spec.platform, { name: row.name, version: row.version, platform: spec.platform, fileName: file.fileName, sha256: file.sha256, createdAt: file.createdAt, spec, file });
    }
    out.push(...[...byPlatform.values()].sort((a, b) => platformOrder(a.platform, b.platform)));
  }
  return out;
}

const platformOrder = (a: string, b: string) => (a === b ? 0 : a === "ruby" ? -1 : b === "ruby" ? 1 : a < b ? -1 : 1);
