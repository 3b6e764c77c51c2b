// Terraform module registry errors: GitLab's `{"message": …}` bodies (terraform prints the status and body),
// Grape's `{"error": "<param> is invalid"}` for a parameter that fails validation, and GitLab's 400 for an
// archive over the size limit; every one through errorResponse (no-store, 401 with a challenge).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { statusOf, type AppError } from "../../core/errors";
import { errorResponse } from "../../http/errors";

export function renderTerraformError(c: Context<AppEnv>, error: AppError): Response {
  if (error.code === "bad_request" && typeof error.details?.field === "string") return errorResponse(c, { error: error.message }, 400);
  if (error.code === "payload_too_large") return errorResponse(c, { message: `400 Bad request - File is too large (${error.message})` }, 400);
  return errorResponse(c, { message: error.message }, statusOf(error.code));
}
