// A 500 shows a request id and never the internal message; coded errors keep their status and message.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../src/env";
import { AppError } from "../../src/core/errors";
import { renderGitlabError } from "../../src/http/errors";

function appThrowing(error: unknown) {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set("requestId", "req-123");
    await next();
  });
  app.get("/", () => {
    throw error;
  });
  app.onError((e, c) => renderGitlabError(c, e));
  return app;
}

describe("error rendering", () => {
  it("hides internal errors behind a 500 that names the request id", async () => {
    const res = await appThrowing(new Error("D1_ERROR: secret table detail")).fetch(new Request("http://x/"), env, createExecutionContext());
    expect(res.status).toBe(500);
    const body = await res.json<{ message: string }>();
    expect(body.message).toContain("req-123");
    expect(body.message).not.toContain("secret");
  });

  it("renders coded errors with GitLab's status and message, and a Basic challenge on 401", async () => {
    const conflict = await appThrowing(new AppError("duplicate_not_allowed")).fetch(new Request("http://x/"), env, createExecutionContext());
    expect(conflict.status).toBe(400);
    expect(await conflict.json()).toEqual({ message: "Duplicate package is not allowed" });
    const unauthorized = await appThrowing(new AppError("unauthorized")).fetch(new Request("http://x/"), env, createExecutionContext());
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get("www-authenticate")).toBe('Basic realm="GitLab Packages Registry"');
  });
});
