// The one error type of the core: a closed set of codes. Formats render codes into their wire shape;
// the core never builds HTTP responses.

export type ErrorCode =
  | "bad_request" // malformed or invalid input
  | "unauthorized" // credentials needed (or wrong): clients retry with credentials after a 401 challenge
  | "forbidden" // authenticated, but not allowed
  | "registry_disabled" // the project's package registry is switched off (403 everywhere)
  | "not_found"
  | "package_exists" // a version that may not be published twice
  | "duplicate_not_allowed" // a group's duplicate setting refuses the upload
  | "conflict" // state does not allow the operation (e.g. checksum PUT that does not match)
  | "digest_mismatch" // bytes do not match the digest the client declared
  | "payload_too_large"
  | "length_required"
  | "unsupported_media_type" // a body in a content type the endpoint does not take
  | "method_not_allowed"
  | "bad_gateway" // an upstream registry (request forwarding) failed or answered something unusable
  | "gateway_timeout" // an upstream registry did not answer in time
  | "internal";

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = defaultMessage(code),
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

function defaultMessage(code: ErrorCode): string {
  switch (code) {
    case "bad_request":
      return "400 Bad request";
    case "unauthorized":
      return "401 Unauthorized";
    case "forbidden":
      return "403 Forbidden";
    case "registry_disabled":
      return "403 Forbidden - Package registry is disabled for this project";
    case "not_found":
      return "404 Not Found";
    case "package_exists":
      return "Package already exists";
    case "duplicate_not_allowed":
      return "Duplicate package is not allowed";
    case "conflict":
      return "409 Conflict";
    case "digest_mismatch":
      return "The uploaded file does not match the declared checksum";
    case "payload_too_large":
      return "413 Request Entity Too Large";
    case "length_required":
      return "411 Length Required";
    case "unsupported_media_type":
      return "415 Unsupported Media Type";
    case "method_not_allowed":
      return "405 Method Not Allowed";
    case "bad_gateway":
      return "502 Bad Gateway";
    case "gateway_timeout":
      return "504 Gateway Timeout";
    case "internal":
      return "500 Internal Server Error";
  }
}

/** The HTTP status GitLab uses for each code; formats that answer differently map codes themselves. */
export function statusOf(code: ErrorCode): 400 | 401 | 403 | 404 | 405 | 409 | 411 | 413 | 415 | 500 | 502 | 504 {
  switch (code) {
    case "bad_request":
    case "digest_mismatch":
    case "duplicate_not_allowed":
      return 400;
    case "unauthorized":
      return 401;
    case "forbidden":
    case "registry_disabled":
    case "package_exists":
      return 403;
    case "not_found":
      return 404;
    case "method_not_allowed":
      return 405;
    case "conflict":
      return 409;
    case "length_required":
      return 411;
    case "unsupported_media_type":
      return 415;
    case "payload_too_large":
      return 413;
    case "internal":
      return 500;
    case "bad_gateway":
      return 502;
    case "gateway_timeout":
      return 504;
  }
}

export const notFound = (what = "404 Not Found") => new AppError("not_found", what);
export const badRequest = (message: string) => new AppError("bad_request", message);
