// NuGet's wire errors in GitLab's shape: `{"message": …}` JSON, 401 with the Basic challenge (NuGet clients send
// their configured credentials only after it), 409 for a duplicate the group's setting refuses, and GitLab's
// `400 File is too large` for an oversized package.
// Spec: gitlab-spec.md §4 "Rules & codes" (Packages::Nuget::CheckDuplicatesService answers :conflict).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { statusOf, type AppError } from "../../core/errors";
import { errorResponse } from "../../http/errors";

export const DUPLICATE_MESSAGE = "A package with the same name and version already exists";

export function renderNugetError(c: Context<AppEnv>, error: AppError): Response {
  switch (error.code) {
    case "duplicate_not_allowed":
      return errorResponse(c, { message: DUPLICATE_MESSAGE }, 409);
    case "payload_too_large":
      return errorResponse(c, { message: `File is too large (${error.message})` }, 400);
    default:
      return errorResponse(c, { message: error.message }, statusOf(error.code));
  }
}
