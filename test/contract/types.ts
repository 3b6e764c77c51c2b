// The shape of one table entry of the contract suite: how a format's real client uploads, downloads,
// reads metadata and sends credentials, and what it answers to a duplicate and to a missing login.

/** Where a read is addressed: the project's endpoints, or its group's (formats with group-level reads). */
export type Level = { kind: "project"; id: number } | { kind: "group"; id: number };

/** A token as the fixture created it; each format renders it the way its client sends it. */
export interface Credential {
  kind: "personal" | "deploy" | "job";
  token: string;
  username: string;
}

/** One package version with one file, in the format's own coordinates. */
export interface PackageVersion {
  /** The name the Packages API lists (Maven: `com/acme/artifact`). */
  name: string;
  version: string;
  fileName: string;
}

/** What a format answers when the same file is uploaded again. */
export type DuplicateAnswer = "allowed" | { status: number; body: (v: PackageVersion) => Record<string, unknown> };

export interface ContractFormat {
  /** `package_type` in the Packages API. */
  packageType: string;
  /** The format's coordinates for a unique base name (letters, digits, `-`) and a version. */
  packageVersion(base: string, version: string): PackageVersion;
  /** The headers the real client sends for this credential; `null` is an anonymous client. */
  credentials(credential: Credential | null): Record<string, string>;
  /**
   * Formats whose server checks what is inside the file (a Helm chart, a Go module zip, a Composer archive):
   * turn the suite's unique bytes into a valid file of `v`. Without it the unique bytes are uploaded as they are.
   */
  fileFor?(v: PackageVersion, unique: Uint8Array): Promise<Uint8Array>;
  /** Upload the version with its one file, as the real client sends it. */
  upload(projectId: number, v: PackageVersion, bytes: Uint8Array, headers: Record<string, string>): Promise<Response>;
  /** The status of an accepted upload. */
  uploaded: 200 | 201;
  /**
   * The digests kept besides sha256: what the format serves (shasum, integrity, indexes, checksum files)
   * and GitLab's package_files keep for it (doc/user/packages/package_registry/supported_functionality.md).
   * The others are null in the Packages API and absent from X-Checksum-* headers, as in GitLab.
   */
  digests: ("md5" | "sha1" | "sha512")[];
  /** The file's download path at this level (`sha256` for formats that address files by digest). */
  downloadPath(level: Level, v: PackageVersion, sha256: string): string;
  /** Whether the format serves downloads at group level too. */
  groupLevel: boolean;
  /** The metadata document that lists the versions of a name; null for formats without one (Generic). */
  metadata: null | {
    path(level: Level, v: PackageVersion): string;
    /** Request headers the real client sends (e.g. its Accept). */
    headers: Record<string, string>;
    /** The versions the document lists. */
    versions(body: string): string[];
  };
  duplicates: {
    /** The answer in a group with default package settings. */
    byDefault: DuplicateAnswer;
    /** Group package_settings that forbid duplicates, and the answer then (omit when they are always refused). */
    whenForbidden?: { settings: Record<string, unknown>; answer: Exclude<DuplicateAnswer, "allowed"> };
  };
  /** The WWW-Authenticate value of a 401, given whether the request carried a credential. */
  challenge(sentCredential: boolean): string;
}
