// Go proxy errors in GitLab's `{"message": …}` shape. A second upload of a module version is a 409:
// versions are immutable (go.sum pins their hashes). The go command moves on to the next GOPROXY entry
// only on 404 and 410, so every miss inside a readable project is a 404.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { statusOf, type AppError } from "../../core/errors";
import { errorResponse } from "../../http/errors";

export const DUPLICATE_MESSAGE = "409 Conflict - this module version already exists; module versions never change, publish a new version";

export function renderGoError(c: Context<AppEnv>, error: AppError): Response {
  if (error.code === "package_exists") return errorResponse(c, { message: DUPLICATE_MESSAGE }, 409);
  return errorResponse(c, { message: error.message }, statusOf(error.code));
}
