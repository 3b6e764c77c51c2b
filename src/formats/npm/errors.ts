// npm's wire errors: `{"error": …}` (npm prints it after the status line) with GitLab's status codes;
// a 401 carries a WWW-Authenticate challenge so npm tells the user to run `npm login`.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { type AppError, statusOf } from "../../core/errors";
import { carriesCredentials } from "../../core/auth/credentials";
import { BASIC_CHALLENGE } from "../../http/errors";

/** Renders a core error for npm, pnpm and yarn; `message` is kept for tools that read GitLab's shape. */
export function renderNpmError(c: Context<AppEnv>, error: AppError): Response {
  const status = statusOf(error.code);
  const headers: Record<string, string> = { "Cache-Control": "private, no-store" };
  if (status === 401) {
    // Bearer: npm says the token "seems to be invalid"; Basic: "Incorrect or missing password". Both end in `npm login`.
    headers["WWW-Authenticate"] = carriesCredentials(c.req.raw.headers, new URL(c.req.url)) ? 'Bearer realm="GitLab Packages Registry"' : BASIC_CHALLENGE;
  }
  return c.json({ error: error.message, message: error.message }, status, headers);
}
