// zod at the boundary: parse a management API body or query, answering GitLab's 400 shape on failure.
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { AppError } from "../core/errors";
import { readLimitedJson, readLimitedText } from "../http/request-body";

/**
 * Reads JSON or form bodies (GitLab clients send both) and validates them. Any other content type with a
 * body is a 415: a cross-site form can send text/plain without a preflight, and it must not parse as JSON.
 */
export async function parseBody<T extends z.ZodType>(c: Context<AppEnv>, schema: T): Promise<z.infer<T>> {
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  let raw: unknown;
  if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
    raw = await readLimitedForm(c, c.req.header("content-type") ?? type, 256 * 1024);
  } else if (/^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/.test(type)) {
    raw = await readLimitedJson(c, 256 * 1024);
  } else {
    const text = await readLimitedText(c, 256 * 1024);
    if (text.trim() !== "") throw new AppError("unsupported_media_type", "415 Unsupported Media Type - send application/json or a form");
    raw = {};
  }
  return parseWith(schema, raw);
}

/**
 * A form body, read with the same cap as JSON before it is parsed; a malformed one (bad multipart framing, no
 * boundary) is a 400. A repeated field, or one named `x[]`, becomes an array, as GitLab's Grape reads it.
 */
async function readLimitedForm(c: Context<AppEnv>, type: string /* as sent: boundaries are case-sensitive */, limit: number): Promise<Record<string, string | string[]>> {
  const text = await readLimitedText(c, limit);
  const parsed = type.toLowerCase().includes("application/x-www-form-urlencoded")
    ? new URLSearchParams(text)
    : await new Response(text, { headers: { "content-type": type } }).formData().catch(() => null);
  if (!parsed) throw new AppError("bad_request", "400 Bad request - the multipart form body is malformed");
  const form: Record<string, string | string[]> = {};
  parsed.forEach((value, name) => {
    if (typeof value !== "string") return;
    const key = name.replace(/\[\]$/, "");
    const seen = form[key];
    form[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  });
  return form;
}

export function parseQuery<T extends z.ZodType>(c: Context<AppEnv>, schema: T): z.infer<T> {
  return parseWith(schema, c.req.query());
}

function parseWith<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "body";
    throw new AppError("bad_request", `400 Bad request - ${where}: ${issue?.message ?? "is invalid"}`);
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
