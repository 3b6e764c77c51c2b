// What a format folder exports: its routes (mounted under /api/v4) and how its client wants errors.
import type { Context, Hono } from "hono";
import type { AppEnv } from "../env";
import type { AppError } from "../core/errors";

export interface FormatModule {
  name: string;
  /** Mounted at /api/v4; the routes carry their full GitLab paths (e.g. /projects/:id/packages/npm/…). */
  routes: Hono<AppEnv>;
  /** Whether a request path (after /api/v4) belongs to this format, so its errors use the client's shape. */
  ownsPath(path: string): boolean;
  renderError(c: Context<AppEnv>, error: AppError): Response;
}
