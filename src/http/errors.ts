// Renders core errors for the management API and for formats that speak GitLab's JSON errors.
// A 500 carries the request id, never the internal message.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../env";
import { AppError, statusOf } from "../core/errors";

export const BASIC_CHALLENGE = 'Basic realm="GitLab Packages Registry"';

/** GitLab's `{"message": …}` body with the status the core assigns to the code. */
export function renderGitlabError(c: Context<AppEnv>, error: unknown): Response {
  const appError = toAppError(c, error);
  const challenge = typeof appError.details?.challenge === "string" ? appError.details.challenge : undefined;
  return errorResponse(c, { message: appError.message }, statusOf(appError.code), { challenge });
}

/** Any thrown value as an AppError; unknown errors are logged and become `internal` with the request id. */
export function toAppError(c: Context<AppEnv>, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const requestId = c.get("requestId") ?? "unknown";
  console.error(`request ${requestId} failed`, error);
  return new AppError("internal", `500 Internal Server Error (request id ${requestId})`);
}

export interface ErrorResponseOptions {
  /** The WWW-Authenticate value a 401 carries (default: Basic, which pip, twine, mvn and curl answer). */
  challenge?: string;
}

/** An error response as every format sends one: never cached, and a 401 always carries a challenge. */
export function errorResponse(c: Context<AppEnv>, body: unknown, status: ContentfulStatusCode, options: ErrorResponseOptions = {}): Response {
  const headers: Record<string, string> = { "Cache-Control": "private, no-store" };
  if (status === 401) headers["WWW-Authenticate"] = options.challenge ?? BASIC_CHALLENGE;
  return c.json(body, status, headers);
}
