// RubyGems errors in GitLab's shape: `{"message": …}` JSON (gem prints the body), and a Basic challenge on
// 401 (gem install and Bundler send the credentials of the source URL up front).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { statusOf, type AppError } from "../../core/errors";
import { errorResponse } from "../../http/errors";

export function renderRubygemsError(c: Context<AppEnv>, error: AppError): Response {
  return errorResponse(c, { message: error.message }, statusOf(error.code));
}
