// twine's upload fields → what we keep (pure): declared digests, the version's metadata as GitLab keeps
// it (description truncated at 4,000 characters) and per-file data for the simple index.
// Spec: https://docs.pypi.org/api/upload/ (legacy upload API), gitlab-spec.md §2.
import { badRequest } from "../../core/errors";
import type { DistributionFile } from "./names";

/** Text fields of one upload; repeated fields (classifiers, requires_dist) keep every value. */
export class UploadFields {
  private readonly values = new Map<string, string[]>();

  add(name: string, value: string) {
    const list = this.values.get(name) ?? [];
    list.push(value);
    this.values.set(name, list);
  }

  /** The first non-empty value (twine sends empty strings for unset metadata). */
  get(name: string): string | undefined {
    return this.values.get(name)?.find((v) => v !== "");
  }

  all(name: string): string[] {
    return (this.values.get(name) ?? []).filter((v) => v !== "");
  }
}

/** Field lengths GitLab's `Packages::Pypi::Metadatum` allows; longer values are truncated, not refused. */
const MAX_LENGTHS = {
  requires_python: 255,
  metadata_version: 16,
  author_email: 2048,
  description: 4000,
  description_content_type: 128,
  summary: 255,
  keywords: 1024,
} as const;

export interface DeclaredDigests {
  sha256?: string;
  md5?: string;
  blake2_256?: string;
}

/** The digests the client declared, lower-case hex; malformed ones are a 400 (md5 may be urlsafe base64, as PyPI documents). */
export function declaredDigests(fields: UploadFields): DeclaredDigests {
  const out: DeclaredDigests = {};
  const sha256 = fields.get("sha256_digest");
  if (sha256 !== undefined) {
    if (!/^[0-9a-f]{64}$/i.test(sha256)) throw badRequest("sha256_digest is invalid");
    out.sha256 = sha256.toLowerCase();
  }
  const blake2 = fields.get("blake2_256_digest");
  if (blake2 !== undefined) {
    if (!/^[0-9a-f]{64}$/i.test(blake2)) throw badRequest("blake2_256_digest is invalid");
    out.blake2_256 = blake2.toLowerCase();
  }
  const md5 = fields.get("md5_digest");
  if (md5 !== undefined) {
    if (/^[0-9a-f]{32}$/i.test(md5)) out.md5 = md5.toLowerCase();
    else if (/^[A-Za-z0-9_-]{22}(==)?$/.test(md5)) out.md5 = base64UrlToHex(md5);
    else throw badRequest("md5_digest is invalid");
  }
  return out;
}

function base64UrlToHex(value: string): string {
  const binary = atob(`${value.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "")}==`);
  return [...binary].map((ch) => ch.charCodeAt(0).toString(16).padStart(2, "0")).join("");
}

const truncate = (value: string | undefined, max: number) => (value === undefined ? undefined : [...value].slice(0, max).join(""));

/** `packages.metadata` of a PyPI version: core metadata fields, GitLab's lengths. */
export function versionMetadata(fields: UploadFields): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    summary: truncate(fields.get("summary"), MAX_LENGTHS.summary),
    requires_python: truncate(fields.get("requires_python"), MAX_LENGTHS.requires_python) ?? "",
    metadata_version: truncate(fields.get("metadata_version"), MAX_LENGTHS.metadata_version),
    description: truncate(fields.get("description"), MAX_LENGTHS.description),
    description_content_type: truncate(fields.get("description_content_type"), MAX_LENGTHS.description_content_type),
    keywords: truncate(fields.get("keywords"), MAX_LENGTHS.keywords),
    author: fields.get("author"),
    author_email: truncate(fields.get("author_email"), MAX_LENGTHS.author_email),
    maintainer: fields.get("maintainer"),
    maintainer_email: fields.get("maintainer_email"),
    license: fields.get("license"),
    home_page: fields.get("home_page"),
    requires_dist: fields.all("requires_dist"),
    classifiers: fields.all("classifiers"),
  };
  return Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
}

/** `package_files.metadata` of one distribution file: what the simple index shows per file. */
export function fileMetadata(fields: UploadFields, dist: DistributionFile): Record<string, unknown> {
  return {
    requires_python: truncate(fields.get("requires_python"), MAX_LENGTHS.requires_python) ?? "",
    filetype: fields.get("filetype") ?? (dist.kind === "wheel" ? "bdist_wheel" : dist.kind === "sdist" ? "sdist" : "bdist_egg"),
    python_version: fields.get("pyversion") ?? dist.pythonVersion,
  };
}
