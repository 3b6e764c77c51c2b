// Conan's wire errors: GitLab's `{"message": …}` bodies through errorResponse (no-store; a 401 carries the
// Basic challenge, after which the Conan client asks for a login and calls users/authenticate).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { statusOf, type AppError } from "../../core/errors";
import { errorResponse } from "../../http/errors";

export function renderConanError(c: Context<AppEnv>, error: AppError): Response {
  if (error.code === "payload_too_large") return errorResponse(c, { message: `400 Bad request - File is too large (${error.message})` }, 400);
  return errorResponse(c, { message: error.message }, statusOf(error.code));
}
