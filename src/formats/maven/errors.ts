// Maven's wire errors: GitLab's `{"message": …}` bodies; 401 always carries the Basic challenge with
// realm "GitLab Packages Registry" (mvn, Gradle and sbt send credentials only after it).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { statusOf, type AppError } from "../../core/errors";
import { errorResponse } from "../../http/errors";

/** GitLab answers an oversized Maven upload with `400 File is too large` (lib/api/maven_packages.rb). */
export function renderMavenError(c: Context<AppEnv>, error: AppError): Response {
  if (error.code === "payload_too_large") return errorResponse(c, { message: `File is too large (${error.message})` }, 400);
  return errorResponse(c, { message: error.message }, statusOf(error.code));
}
