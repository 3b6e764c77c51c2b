// Reads a `.nuspec` manifest (pure): the id and version that name the package, and the metadata the feeds
// show (authors, description, tags, license, URLs, dependencies per target framework, package types).
// Spec: https://learn.microsoft.com/nuget/reference/nuspec; GitLab's Packages::Nuget::MetadataExtractionService.
import { child, childrenNamed, parseXml, XmlError, type XmlElement } from "./xml";
import { isValidId, normalizedVersion, parseVersion, type NugetVersion } from "./versions";

/** GitLab refuses bigger manifests ("nuspec file too big"); real ones are a few kilobytes. */
export const MAX_NUSPEC_BYTES = 1024 * 1024;
const MAX_TEXT = 16 * 1024;
const MAX_SHORT = 4 * 1024;

export interface Dependency {
  id: string;
  /** The version range as written (`[1.0, 2.0)`), "" for any version. */
  range: string;
}

export interface DependencyGroup {
  /** "" when the dependencies apply to every framework. */
  targetFramework: string;
  dependencies: Dependency[];
}

/** What the feeds need from a manifest; stored as the version's metadata. */
export interface NuspecMetadata {
  id: string;
  /** The version as written in the manifest. */
  verbatimVersion: string;
  /** NuGet's normalized version: the version the package is stored and looked up under. */
  version: string;
  isPrerelease: boolean;
  isSemVer2: boolean;
  title: string;
  authors: string;
  owners: string;
  description: string;
  summary: string;
  releaseNotes: string;
  copyright: string;
  language: string;
  tags: string[];
  projectUrl: string;
  iconUrl: string;
  icon: string;
  licenseUrl: string;
  /** `<license type="expression">MIT</license>`: the expression, or the file name for type `file`. */
  licenseExpression: string;
  licenseFile: string;
  requireLicenseAcceptance: boolean;
  developmentDependency: boolean;
  minClientVersion: string;
  repository: { type: string; url: string; commit: string } | null;
  packageTypes: string[];
  dependencyGroups: DependencyGroup[];
}

export class NuspecError extends Error {}

/** Parse a manifest's text; a missing or invalid id or version is a NuspecError with the reason. */
export function parseNuspec(text: string): NuspecMetadata {
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (error) {
    throw new NuspecError(`the nuspec file is not valid XML: ${error instanceof XmlError ? error.message : String(error)}`);
  }
  const metadata = root.name === "package" ? child(root, "metadata") : undefined;
  if (!metadata) throw new NuspecError("the nuspec file has no <package><metadata> element");
  const field = (name: string, max = MAX_SHORT) => (child(metadata, name)?.text ?? "").trim().slice(0, max);

  const id = field("id");
  if (!id) throw new NuspecError("the nuspec file has no package id");
  if (!isValidId(id)) throw new NuspecError(`the package id ${JSON.stringify(id.slice(0, 120))} is not a valid NuGet id`);
  const verbatimVersion = field("version");
  const parsed = parseVersion(verbatimVersion);
  if (!parsed) throw new NuspecError(`the version ${JSON.stringify(verbatimVersion.slice(0, 120))} is not a valid NuGet version`);

  const license = child(metadata, "license");
  const licenseType = license?.attributes.type ?? "";
  const repository = child(metadata, "repository");
  return {
    id,
    verbatimVersion,
    version: normalizedVersion(parsed),
    isPrerelease: parsed.release !== "",
    isSemVer2: isSemVer2Package(parsed, metadata),
    title: field("title"),
    authors: field("authors"),
    owners: field("owners"),
    description: field("description", MAX_TEXT),
    summary: field("summary", MAX_TEXT),
    releaseNotes: field("releaseNotes", MAX_TEXT),
    copyright: field("copyright"),
    language: field("language"),
    tags: field("tags")
      .split(/[\s,;]+/)
      .filter((t) => t !== ""),
    projectUrl: field("projectUrl"),
    iconUrl: field("iconUrl"),
    icon: field("icon"),
    licenseUrl: field("licenseUrl"),
    licenseExpression: licenseType === "expression" ? (license?.text ?? "").trim() : "",
    licenseFile: licenseType === "file" ? (license?.text ?? "").trim() : "",
    requireLicenseAcceptance: field("requireLicenseAcceptance").toLowerCase() === "true",
    developmentDependency: field("developmentDependency").toLowerCase() === "true",
    minClientVersion: (metadata.attributes.minClientVersion ?? "").trim(),
    repository: repository ? { type: repository.attributes.type ?? "", url: repository.attributes.url ?? "", commit: repository.attributes.commit ?? "" } : null,
    packageTypes: childrenNamed(child(metadata, "packageTypes") ?? metadata, "packageType")
      .map((p) => p.attributes.name ?? "")
      .filter((name) => name !== ""),
    dependencyGroups: dependencyGroupsOf(child(metadata, "dependencies")),
  };
}

/** A package is SemVer 2.0.0 when its own version is, or when a dependency's range names such a version. */
function isSemVer2Package(version: NugetVersion, metadata: XmlElement): boolean {
  if (version.release.includes(".") || version.metadata !== "") return true;
  const dependencies = child(metadata, "dependencies");
  if (!dependencies) return false;
  const ranges = [...childrenNamed(dependencies, "dependency"), ...childrenNamed(dependencies, "group").flatMap((g) => childrenNamed(g, "dependency"))].map(
    (d) => d.attributes.version ?? "",
  );
  return ranges.some((range) =>
    range
      .replace(/[[\]()\s]/g, "")
      .split(",")
      .some((bound) => {
        const v = parseVersion(bound);
        return v !== null && (v.release.includes(".") || v.metadata !== "");
      }),
  );
}

/** Direct `<dependency>` children form the framework-less group; each `<group targetFramework>` its own. */
function dependencyGroupsOf(dependencies: XmlElement | undefined): DependencyGroup[] {
  if (!dependencies) return [];
  const dependencyOf = (d: XmlElement): Dependency => ({ id: (d.attributes.id ?? "").trim(), range: (d.attributes.version ?? "").trim() });
  const groups: DependencyGroup[] = [];
  const direct = childrenNamed(dependencies, "dependency").map(dependencyOf).filter((d) => d.id !== "");
  if (direct.length > 0) groups.push({ targetFramework: "", dependencies: direct });
  for (const group of childrenNamed(dependencies, "group")) {
    groups.push({
      targetFramework: (group.attributes.targetFramework ?? "").trim(),
      dependencies: childrenNamed(group, "dependency").map(dependencyOf).filter((d) => d.id !== ""),
    });
  }
  return groups;
}
