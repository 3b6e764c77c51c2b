// Helm's wire errors in GitLab's shape: `{"message": …}` JSON (helm cm-push prints the body of a refusal),
// a Basic challenge on 401 (helm sends the repository's username and password only after it), and
// `400 File is too large` for an oversized chart as GitLab answers (lib/api/helm_packages.rb).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { statusOf, type AppError } from "../../core/errors";
import { errorResponse } from "../../http/errors";

export function renderHelmError(c: Context<AppEnv>, error: AppError): Response {
  if (error.code === "payload_too_large") return errorResponse(c, { message: `400 Bad request - File is too large (${error.message})` }, 400);
  // Parameter checks answer as GitLab's Grape validations do: {"error": "channel is invalid"}.
  if (error.details?.field === "error") return errorResponse(c, { error: error.message }, statusOf(error.code));
  return errorResponse(c, { message: error.message }, statusOf(error.code));
}
