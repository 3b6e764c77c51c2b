// Cargo's wire errors: `{"errors":[{"detail": …}]}` (cargo prints each detail), plus GitLab's `message`. A 401
// carries `WWW-Authenticate: Cargo login_url=…`, on which cargo retries config.json with its token, or tells
// the user to run `cargo login` and where a token is to be had. A version published twice is a 400, as
// crates.io answers it. Spec: https://doc.rust-lang.org/cargo/reference/registry-web-api.html#web-api,
// https://doc.rust-lang.org/cargo/reference/registry-authentication.html
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { statusOf, type AppError } from "../../core/errors";
import { errorResponse } from "../../http/errors";

/** Where a user gets a token: Packyard's sign-in page (tokens are made through the API or the project's settings). */
export const cargoChallenge = (origin: string) => `Cargo login_url="${origin}/users/sign_in"`;

export function renderCargoError(c: Context<AppEnv>, error: AppError): Response {
  const status = error.code === "package_exists" ? 400 : statusOf(error.code);
  const body = { errors: [{ detail: error.message }], message: error.message };
  return errorResponse(c, body, status, { challenge: cargoChallenge(new URL(c.req.url).origin) });
}
