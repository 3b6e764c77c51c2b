// Generic's wire errors: GitLab's `{"message": …}` bodies, and Grape's `{"error": "<param> is invalid"}`
// for a parameter that fails validation; every one through errorResponse (no-store, 401 with the challenge).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { statusOf, type AppError } from "../../core/errors";
import { errorResponse } from "../../http/errors";

export function renderGenericError(c: Context<AppEnv>, error: AppError): Response {
  if (error.code === "bad_request" && typeof error.details?.field === "string") return errorResponse(c, { error: error.message }, 400);
  if (error.code === "duplicate_not_allowed") {
    return errorResponse(c, { message: "400 Bad request - Duplicate package is not allowed" }, statusOf(error.code));
  }
  return errorResponse(c, { message: error.message }, statusOf(error.code));
}
