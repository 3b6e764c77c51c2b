// Debian's wire errors: GitLab's `{"message": …}` JSON; a 401 carries the Basic challenge (apt and dput-ng
// send credentials up front, so it is only ever a refusal).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { statusOf, type AppError } from "../../core/errors";
import { errorResponse } from "../../http/errors";

export function renderDebianError(c: Context<AppEnv>, error: AppError): Response {
  return errorResponse(c, { message: error.message }, statusOf(error.code));
}
