// Composer's wire errors: GitLab's `{"message": …}` bodies (Grape's `{"error": …}` for a missing parameter);
// a 401 carries the Basic challenge (Composer then asks for, or reports missing, auth.json credentials).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { statusOf, type AppError } from "../../core/errors";
import { errorResponse } from "../../http/errors";

export function renderComposerError(c: Context<AppEnv>, error: AppError): Response {
  if (error.code === "bad_request" && /^\w+ is missing/.test(error.message)) return errorResponse(c, { error: error.message }, 400);
  // The coordinator's check that no other project of the top-level namespace holds this name and version.
  if (error.code === "package_exists") return errorResponse(c, { message: "Validation failed: Name is already taken by another project" }, 400);
  return errorResponse(c, { message: error.message }, statusOf(error.code));
}
