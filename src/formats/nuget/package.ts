// The NuGet view of stored rows: a version with its manifest metadata and its current .nupkg, read through the
// registry's read scope. Versions are looked up as NuGet compares them (normalized, case-insensitive), the
// newest publish of a version wins across projects, and the newest .nupkg of a version is the one served.
import type { PackageFileRow, PackageWithFiles, ProjectSet } from "../../core/registry";
import type { Registry } from "../../core/registry";
import { newestPerVersion } from "../../core/registry";
import type { NuspecMetadata } from "./nuspec";
import { compareVersions, lowerId, normalizeVersion, parseVersion, sameVersion, type NugetVersion } from "./versions";

export const NUGET = "nuget";

/** What a stored file is, in its `metadata.kind`. */
export type FileKind = "package" | "symbol_package" | "pdb";

export interface VersionView {
  projectId: number;
  /** The id as the newest manifest spells it. */
  id: string;
  /** Normalized version, as stored. */
  version: string;
  parsed: NugetVersion;
  meta: NuspecMetadata;
  published: Date;
  updated: Date;
  /** The .nupkg served for this version (newest upload). */
  nupkg: PackageFileRow;
  row: PackageWithFiles;
}

export const fileKindOf = (file: PackageFileRow): FileKind | null => {
  const kind = (file.metadata as { kind?: unknown } | null)?.kind;
  if (kind === "package" || kind === "symbol_package" || kind === "pdb") return kind;
  return file.fileName.endsWith(".nupkg") ? "package" : file.fileName.endsWith(".snupkg") ? "symbol_package" : null;
};

/** The newest file of a kind in a package (files come newest first). */
export const newestOfKind = (row: PackageWithFiles, kind: FileKind) => row.files.find((f) => fileKindOf(f) === kind);

/** A stored row as the feeds see it; null when it has no .nupkg (nothing to install). */
export function viewOf(row: PackageWithFiles): VersionView | null {
  const nupkg = newestOfKind(row, "package");
  const parsed = parseVersion(row.version);
  if (!nupkg || !parsed) return null;
  const meta = metadataOf(row);
  return { projectId: row.projectId, id: meta.id || row.name, version: row.version, parsed, meta, published: row.createdAt, updated: row.updatedAt, nupkg, row };
}

/** Stored metadata with defaults for any field a row lacks. */
function metadataOf(row: PackageWithFiles): NuspecMetadata {
  const m = (row.metadata ?? {}) as Partial<NuspecMetadata>;
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  return {
    id: str(m.id) || row.name,
    verbatimVersion: str(m.verbatimVersion) || row.version,
    version: row.version,
    isPrerelease: m.isPrerelease ?? row.version.includes("-"),
    isSemVer2: m.isSemVer2 ?? false,
    title: str(m.title),
    authors: str(m.authors),
    owners: str(m.owners),
    description: str(m.description),
    summary: str(m.summary),
    releaseNotes: str(m.releaseNotes),
    copyright: str(m.copyright),
    language: str(m.language),
    tags: Array.isArray(m.tags) ? m.tags.filter((t): t is string => typeof t === "string") : [],
    projectUrl: str(m.projectUrl),
    iconUrl: str(m.iconUrl),
    icon: str(m.icon),
    licenseUrl: str(m.licenseUrl),
    licenseExpression: str(m.licenseExpression),
    licenseFile: str(m.licenseFile),
    requireLicenseAcceptance: m.requireLicenseAcceptance === true,
    developmentDependency: m.developmentDependency === true,
    minClientVersion: str(m.minClientVersion),
    repository: m.repository ?? null,
    packageTypes: Array.isArray(m.packageTypes) ? m.packageTypes : [],
    dependencyGroups: Array.isArray(m.dependencyGroups) ? m.dependencyGroups : [],
  };
}

/** Every installable version of an id in the scope, one per version (newest publish wins), lowest version first. */
export async function versionsOf(registry: Registry, where: ProjectSet, id: string): Promise<VersionView[]> {
  const rows = await registry.versions(where, NUGET, lowerId(id));
  return sortViews(newestPerVersion(rows).map(viewOf));
}

export function sortViews(views: (VersionView | null)[]): VersionView[] {
  return views.filter((v): v is VersionView => v !== null).sort((a, b) => compareVersions(a.parsed, b.parsed));
}

/**
 * One version as a client names it (`1.0`, `1.0.0.0`, `1.0.0-BETA` all find `1.0.0-beta`): the exact normalized
 * version first (one query), the case-insensitive match among every version only when that misses.
 */
export async function versionIn(registry: Registry, where: ProjectSet, id: string, requested: string): Promise<PackageWithFiles | null> {
  const normalized = normalizeVersion(requested);
  if (normalized === null) return null;
  const exact = await registry.versions(where, NUGET, lowerId(id), { version: normalized });
  if (exact.length > 0) return exact[0]!;
  if (!/[a-z]/i.test(normalized)) return null;
  const all = await registry.versions(where, NUGET, lowerId(id));
  return all.find((row) => sameVersion(row.version, normalized)) ?? null;
}

/** Latest stable and latest overall among views (IsLatestVersion / IsAbsoluteLatestVersion of the v2 feed). */
export function latestOf(views: VersionView[]): { stable: VersionView | undefined; absolute: VersionView | undefined } {
  const sorted = sortViews(views);
  return { stable: sorted.filter((v) => !v.meta.isPrerelease).pop(), absolute: sorted[sorted.length - 1] };
}
