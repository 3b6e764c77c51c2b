// Pure builders of `maven-metadata.xml` from the registry's rows, so the document is right whatever
// order or concurrency clients uploaded in. Formats: https://maven.apache.org/ref/3.8.7/maven-repository-metadata/repository-metadata.html
import { coordinatesOf, isSnapshot, parseSnapshotFileName, type SnapshotFile } from "./parse";

export interface VersionRow {
  version: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Maven's `lastUpdated` form: `yyyyMMddHHmmss` in UTC. */
export function mavenTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const element = (indent: string, name: string, value: string) => `${indent}<${name}>${escapeXml(value)}</${name}>`;

/**
 * Artifact-level metadata: every version in publish order (as GitLab's CreateVersionsXmlService orders
 * them), `latest` = the newest published version, `release` = the newest non-SNAPSHOT one, and
 * `lastUpdated` = the last change to any version (deterministic, so checksums stay stable).
 */
export function buildArtifactMetadata(packageName: string, rows: VersionRow[]): string {
  const ordered = [...rows].filter((r) => r.version !== "").sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.version.localeCompare(b.version));
  const { groupId, artifactId } = coordinatesOf(packageName);
  const latest = ordered[ordered.length - 1]?.version;
  const release = ordered.filter((r) => !isSnapshot(r.version)).pop()?.version;
  const lastUpdated = ordered.reduce((max, r) => Math.max(max, r.updatedAt.getTime()), 0);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<metadata>", element("  ", "groupId", groupId), element("  ", "artifactId", artifactId), "  <versioning>"];
  if (latest) lines.push(element("    ", "latest", latest));
  if (release) lines.push(element("    ", "release", release));
  lines.push("    <versions>", ...ordered.map((r) => element("      ", "version", r.version)), "    </versions>");
  lines.push(element("    ", "lastUpdated", mavenTimestamp(new Date(lastUpdated))), "  </versioning>", "</metadata>", "");
  return lines.join("\n");
}

/** Whether a snapshot build is newer than another (build number first, then its timestamp). */
const newer = (a: SnapshotFile, b: SnapshotFile) => a.buildNumber > b.buildNumber || (a.buildNumber === b.buildNumber && a.timestamp > b.timestamp);

/**
 * Version-level metadata of a SNAPSHOT: the newest build (timestamp + build number) and, per
 * classifier and extension, the newest unique file name, so clients resolve the newest snapshot.
 * Returns null when the version has no timestamped files (nothing to generate from).
 */
export function buildSnapshotMetadata(packageName: string, version: string, fileNames: string[]): string | null {
  const { groupId, artifactId } = coordinatesOf(packageName);
  const builds = fileNames.map((f) => parseSnapshotFileName(artifactId, version, f)).filter((f): f is SnapshotFile => f !== null);
  const [first] = builds;
  if (!first) return null;
  const newestPerKind = new Map<string, SnapshotFile>();
  let newest = first;
  for (const build of builds) {
    if (newer(build, newest)) newest = build;
    const key = `${build.classifier}\u0000${build.extension}`;
    const current = newestPerKind.get(key);
    if (!current || newer(build, current)) newestPerKind.set(key, build);
  }
  const updated = (f: SnapshotFile) => f.timestamp.replace(".", "");
  const entries = [...newestPerKind.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, f]) => f);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<metadata modelVersion="1.1.0">',
    element("  ", "groupId", groupId),
    element("  ", "artifactId", artifactId),
    element("  ", "version", version),
    "  <versioning>",
    "    <snapshot>",
    element("      ", "timestamp", newest.timestamp),
    element("      ", "buildNumber", String(newest.buildNumber)),
    "    </snapshot>",
    element("    ", "lastUpdated", updated(newest)),
    "    <snapshotVersions>",
  ];
  for (const f of entries) {
    lines.push("      <snapshotVersion>");
    if (f.classifier) lines.push(element("        ", "classifier", f.classifier));
    lines.push(element("        ", "extension", f.extension), element("        ", "value", f.value), element("        ", "updated", updated(f)), "      </snapshotVersion>");
  }
  lines.push("    </snapshotVersions>", "  </versioning>", "</metadata>", "");
  return lines.join("\n");
}

/** Content type by file extension (poms and metadata are XML; Maven does not care, browsers do). */
export function contentTypeOf(fileName: string): string {
  if (fileName.endsWith(".pom") || fileName.endsWith(".xml")) return "application/xml";
  if (fileName.endsWith(".jar")) return "application/java-archive";
  if (fileName.endsWith(".module") || fileName.endsWith(".json")) return "application/json";
  return "application/octet-stream";
}
