// Pure parsing of Generic package paths and parameters: what GitLab's validators accept, and which
// suffixes of a file path address the chunked-upload API.
// Spec: ../shared/reference/gitlab-spec.md §5; GitLab lib/api/generic_packages.rb,
//       lib/gitlab/regex.rb (generic_package_{name,version,file_name}_regex) and
//       doc/user/packages/generic_packages "Valid package filename format".
import { AppError } from "../../core/errors";

/** Package names: GitLab's maven_file_name_regex. */
const NAME = /^[A-Za-z0-9._+-]+$/;
/** Versions: GitLab's maven_version_regex (no "..", word characters, + . -). */
const VERSION = /^(?!.*\.\.)[A-Za-z0-9_+.-]+$/;
/** One segment of a file path: letters, digits, . _ - + ~ @; no leading or trailing ~ or @. */
const FILE_SEGMENT = /^(?![~@])[A-Za-z0-9._+~@-]+(?<![~@])$/;
const MAX_LENGTH = 255;

export interface GenericCoordinates {
  name: string;
  version: string;
  /** The file path as uploaded (`dir/sub/file.bin`). */
  path: string;
  /** What GitLab stores as file_name: the path with "/" percent-encoded when it has directories. */
  fileName: string;
  /** The last segment, for Content-Disposition. */
  baseName: string;
}

export type GenericRequest =
  | { kind: "file"; coordinates: GenericCoordinates }
  | { kind: "upload_start"; coordinates: GenericCoordinates }
  | { kind: "upload"; coordinates: GenericCoordinates; uploadId: string }
  | { kind: "upload_part"; coordinates: GenericCoordinates; uploadId: string; partNumber: number }
  | { kind: "upload_complete"; coordinates: GenericCoordinates; uploadId: string };

const invalid = (field: string) => new AppError("bad_request", `${field} is invalid`, { field });

/**
 * Split the raw (still percent-encoded) path after `/packages/generic/` into name, version and file
 * path, and recognise the chunked-upload suffixes for `method`. Every segment is decoded once and
 * must match GitLab's rules, so "..", encoded slashes, empty segments and control characters are 400.
 */
export function parseGenericPath(method: string, rawRest: string): GenericRequest {
  const raw = rawRest.split("/");
  const segments = raw.map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      throw invalid("file_name");
    }
  });
  const [name, version, ...rest] = segments;
  if (segments.length < 3 || name === undefined || version === undefined) throw invalid("file_name");
  if (name.length > MAX_LENGTH || !NAME.test(name)) throw invalid("package_name");
  if (version.length > MAX_LENGTH || !VERSION.test(version)) throw invalid("package_version");

  const suffix = uploadSuffix(method, rest);
  const fileSegments = suffix ? rest.slice(0, rest.length - suffix.length) : rest;
  const baseName = fileSegments.at(-1);
  if (baseName === undefined || fileSegments.some((s) => !FILE_SEGMENT.test(s) || s === "." || s === "..")) throw invalid("file_name");
  const path = fileSegments.join("/");
  if (path.length > MAX_LENGTH) throw invalid("file_name");
  const coordinates: GenericCoordinates = {
    name,
    version,
    path,
    fileName: fileSegments.length > 1 ? encodeURIComponent(path) : path,
    baseName,
  };
  if (!suffix) return { kind: "file", coordinates };
  return { ...suffix.request, coordinates } as GenericRequest;
}

type WithoutCoordinates<T> = T extends unknown ? Omit<T, "coordinates"> : never;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The chunked-upload API lives under the file's own path:
 *   POST   …/<file>/uploads                       start
 *   GET    …/<file>/uploads/<uuid>                status
 *   DELETE …/<file>/uploads/<uuid>                abort
 *   PUT    …/<file>/uploads/<uuid>/parts/<n>      one part
 *   POST   …/<file>/uploads/<uuid>/complete       verify and publish
 * GitLab has no POST or DELETE on this path; for PUT and GET the suffix needs a UUID, which no
 * real file path contains by accident.
 */
function uploadSuffix(method: string, rest: string[]): { length: number; request: WithoutCoordinates<GenericRequest> } | null {
  const n = rest.length;
  const at = (i: number) => rest[n - i] ?? ""; // callers check n first
  if (method === "POST" && n >= 2 && at(1) === "uploads") return { length: 1, request: { kind: "upload_start" } };
  if ((method === "GET" || method === "HEAD" || method === "DELETE") && n >= 3 && at(2) === "uploads" && UUID.test(at(1))) {
    return { length: 2, request: { kind: "upload", uploadId: at(1) } };
  }
  if (method === "PUT" && n >= 5 && at(4) === "uploads" && UUID.test(at(3)) && at(2) === "parts" && /^\d{1,5}$/.test(at(1))) {
    return { length: 4, request: { kind: "upload_part", uploadId: at(3), partNumber: Number(at(1)) } };
  }
  if (method === "POST" && n >= 4 && at(3) === "uploads" && UUID.test(at(2)) && at(1) === "complete") {
    return { length: 3, request: { kind: "upload_complete", uploadId: at(2) } };
  }
  return null;
}

export type GenericStatus = "default" | "hidden";

/** `?status=` on upload: default or hidden, as GitLab's ALLOWED_STATUSES. */
export function parseStatus(value: string | undefined): GenericStatus | undefined {
  if (value === undefined) return undefined;
  if (value === "default" || value === "hidden") return value;
  throw new AppError("bad_request", "status does not have a valid value", { field: "status" });
}

/** `?select=`: only package_file. */
export function parseSelect(value: string | undefined): "package_file" | undefined {
  if (value === undefined) return undefined;
  if (value === "package_file") return value;
  throw new AppError("bad_request", "select does not have a valid value", { field: "select" });
}

export interface UploadStartBody {
  size: number;
  sha256: string;
  partSize?: number;
  status?: GenericStatus;
}

/** The JSON body of a chunked-upload start: {"size", "sha256", "part_size"?, "status"?}. */
export function parseUploadStart(body: unknown, queryStatus: string | undefined): UploadStartBody {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new AppError("bad_request", "400 Bad request - expected a JSON object");
  const value = body as Record<string, unknown>;
  const size = value.size;
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 1) throw new AppError("bad_request", "size is invalid", { field: "size" });
  const sha256 = value.sha256;
  if (typeof sha256 !== "string" || !/^[0-9a-fA-F]{64}$/.test(sha256)) throw new AppError("bad_request", "sha256 is invalid", { field: "sha256" });
  const partSize = value.part_size;
  if (partSize !== undefined && (typeof partSize !== "number" || !Number.isSafeInteger(partSize))) {
    throw new AppError("bad_request", "part_size is invalid", { field: "part_size" });
  }
  const status = parseStatus(typeof value.status === "string" ? value.status : queryStatus);
  return { size, sha256: sha256.toLowerCase(), partSize: partSize as number | undefined, status };
}
