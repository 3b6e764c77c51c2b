// Pure parsing of Maven repository paths: which package (groupId/artifactId path + version) a request
// addresses, which file, and whether it asks for a checksum. Spec: ../shared/reference/gitlab-spec.md §3.

export const METADATA_FILE = "maven-metadata.xml";
export const SNAPSHOT_SUFFIX = "-SNAPSHOT";
export const CHECKSUM_KINDS = ["md5", "sha1", "sha256", "sha512"] as const;
export type ChecksumKind = (typeof CHECKSUM_KINDS)[number];

/** GitLab's `maven_file_name_regex`. */
const FILE_NAME = /^[A-Za-z0-9._+-]+$/;
/** One segment of GitLab's `maven_path_regex` (word characters, `-`, `.`, `+`). */
const PATH_SEGMENT = /^[\w.+-]+$/;
/** GitLab's `maven_version_regex`. */
const VERSION = /^(?!.*\.\.)[\w+.-]+$/;

export interface MavenFileRequest {
  /** Everything between `packages/maven/` and the file name, e.g. `com/acme/hello/1.0.0`. */
  path: string;
  /** The stored file this request is about (without a checksum suffix). */
  fileName: string;
  /** Set when the request is for `<fileName>.md5|.sha1|.sha256|.sha512`. */
  checksum: ChecksumKind | null;
  /** Package name: the `groupId/artifactId` path (the whole path for artifact-level metadata). */
  packageName: string;
  /** "" for the versionless package that holds artifact-level `maven-metadata.xml`. */
  version: string;
  isMetadata: boolean;
}

export type ParseResult = { ok: true; value: MavenFileRequest } | { ok: false; message: string };

/**
 * Map `<path>/<file>` to GitLab's package model (app/services/packages/maven/find_or_create_package_service.rb):
 * `maven-metadata.xml` outside a `-SNAPSHOT` directory belongs to a versionless package named after the
 * whole path; every other file belongs to package `dirname(path)` at version `basename(path)`.
 */
export function parseMavenPath(rest: string): ParseResult {
  const segments = rest.split("/");
  const requested = segments.pop() ?? "";
  if (segments.length === 0 || !FILE_NAME.test(requested)) return { ok: false, message: "400 Bad request - invalid Maven file name" };
  if (!segments.every((s) => PATH_SEGMENT.test(s))) return { ok: false, message: "400 Bad request - invalid Maven path" };
  const path = segments.join("/");
  const { fileName, checksum } = splitChecksum(requested);
  if (fileName === "") return { ok: false, message: "400 Bad request - invalid Maven file name" };
  const isMetadata = fileName === METADATA_FILE;
  if (isMetadata && !path.endsWith(SNAPSHOT_SUFFIX)) {
    return { ok: true, value: { path, fileName, checksum, packageName: path, version: "", isMetadata } };
  }
  if (segments.length < 2) return { ok: false, message: "400 Bad request - a Maven path needs a groupId/artifactId and a version" };
  const version = segments.at(-1) ?? "";
  if (!VERSION.test(version)) return { ok: false, message: "Validation failed: Version is invalid" };
  return { ok: true, value: { path, fileName, checksum, packageName: segments.slice(0, -1).join("/"), version, isMetadata } };
}

export function splitChecksum(fileName: string): { fileName: string; checksum: ChecksumKind | null } {
  const dot = fileName.lastIndexOf(".");
  const suffix = fileName.slice(dot + 1);
  if (dot > 0 && (CHECKSUM_KINDS as readonly string[]).includes(suffix)) {
    return { fileName: fileName.slice(0, dot), checksum: suffix as ChecksumKind };
  }
  return { fileName, checksum: null };
}

/** groupId and artifactId of a package name (`com/acme/hello` → `com.acme`, `hello`). */
export function coordinatesOf(packageName: string): { groupId: string; artifactId: string } {
  const segments = packageName.split("/");
  const artifactId = segments.pop() ?? "";
  return { groupId: segments.join("."), artifactId };
}

export const isSnapshot = (version: string) => version.endsWith("SNAPSHOT");

/** A checksum file's body: the hex digest, optionally followed by a file name (`sha1sum` style). */
export function parseChecksumBody(body: string): string | null {
  const token = body.trim().split(/\s+/)[0]?.toLowerCase() ?? "";
  return /^[0-9a-f]+$/.test(token) ? token : null;
}

export interface SnapshotFile {
  fileName: string;
  /** `yyyyMMdd.HHmmss` */
  timestamp: string;
  buildNumber: number;
  classifier: string;
  extension: string;
  /** The version as written in the file name, e.g. `1.1.0-20261125.135223-2`. */
  value: string;
}

/**
 * A unique (timestamped) snapshot file name: `<artifactId>-<base>-<yyyyMMdd.HHmmss>-<build>[-<classifier>].<ext>`,
 * where `<base>` is the version without `-SNAPSHOT`. Anything else (e.g. a non-unique `-SNAPSHOT.jar`) is null.
 */
export function parseSnapshotFileName(artifactId: string, version: string, fileName: string): SnapshotFile | null {
  if (!version.endsWith(SNAPSHOT_SUFFIX)) return null;
  const base = version.slice(0, -SNAPSHOT_SUFFIX.length);
  const prefix = `${artifactId}-${base}-`;
  if (!fileName.startsWith(prefix)) return null;
  const match = /^(\d{8}\.\d{6})-(\d+)(?:-([^.]+))?\.(.+)$/.exec(fileName.slice(prefix.length));
  if (!match) return null;
  const [, timestamp = "", build = "", classifier = "", extension = ""] = match; // all but classifier always match
  return { fileName, timestamp, buildNumber: Number(build), classifier, extension, value: `${base}-${timestamp}-${build}` };
}
