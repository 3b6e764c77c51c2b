// zod at the boundary: parse a management API body or query, answering GitLab's 400 shape on failure.
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { AppError } from "../core/errors";
import { readLimitedJson } from "../http/request-body";

/** Reads JSON or form bodies (GitLab clients send both) and validates them. */
export async function parseBody<T extends z.ZodType>(c: Context<AppEnv>, schema: T): Promise<z.infer<T>> {
  const type = c.req.header("content-type") ?? "";
  let raw: unknown;
  if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
    const form = await c.req.parseBody({ all: true });
    raw = Object.fromEntries(Object.entries(form).map(([k, v]) => [k.replace(/\[\]$/, ""), v]));
  } else {
    raw = await readLimitedJson(c, 256 * 1024);
  }
  return parseWith(schema, raw);
}

export function parseQuery<T extends z.ZodType>(c: Context<AppEnv>, schema: T): z.infer<T> {
  return parseWith(schema, c.req.query());
}

function parseWith<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.join(".") || "body";
    throw new AppError("bad_request", `400 Bad request - ${where}: ${issue.message}`);
  }
  return parsed.data;
}

/** GitLab's path rule for users, groups and projects. */
export const pathSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-zA-Z0-9_][a-zA-Z0-9_.-]*$/, "can contain only letters, digits, '_', '-' and '.', and cannot start with '-' or '.'")
  .refine((p) => !p.includes("..") && !/\.(git|atom)$/i.test(p), "cannot contain '..' or end in '.git' or '.atom'");

export const visibilitySchema = z.enum(["public", "internal", "private"]);
export const booleanish = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);
