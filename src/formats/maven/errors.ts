// Maven's wire errors: GitLab's `{"message": …}` bodies; 401 always carries the Basic challenge with
// realm "GitLab Packages Registry" (mvn, Gradle and sbt send credentials only after it).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { statusOf, type AppError } from "../../core/errors";
import { BASIC_CHALLENGE } from "../../http/errors";

/** GitLab answers an oversized Maven upload with `400 File is too large` (lib/api/maven_packages.rb). */
export function renderMavenError(c: Context<AppEnv>, error: AppError): Response {
  const tooLarge = error.code === "payload_too_large";
  const status = tooLarge ? 400 : statusOf(error.code);
  const headers: Record<string, string> = { "Cache-Control": "private, no-store" };
  if (status === 401) headers["WWW-Authenticate"] = BASIC_CHALLENGE;
  return c.json({ message: tooLarge ? `File is too large (${error.message})` : error.message }, status, headers);
}
