// PyPI errors in GitLab's shape: `{"message": …}` JSON, a Basic challenge on 401 (pip and twine send
// credentials up front, other clients after the challenge), and 400 for a file uploaded twice as GitLab answers.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { statusOf, type AppError } from "../../core/errors";
import { errorResponse } from "../../http/errors";

export function renderPypiError(c: Context<AppEnv>, error: AppError): Response {
  return errorResponse(c, { message: error.message }, error.code === "package_exists" ? 400 : statusOf(error.code));
}
