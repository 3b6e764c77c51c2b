// Upload body helpers: the declared length and the configured size limit, checked before any byte is read.
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { AppError } from "../core/errors";
import { readCappedText } from "../core/bytes";

export const DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 ** 3;

export function maxUploadBytes(c: Context<AppEnv>): number {
  const configured = Number(c.env.MAX_UPLOAD_BYTES);
  return Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_MAX_UPLOAD_BYTES;
}

/** The request's Content-Length, or null for a chunked body. Bad values are a 400. */
export function declaredLength(c: Context<AppEnv>): number | null {
  const raw = c.req.header("content-length");
  if (raw === undefined || c.req.header("transfer-encoding")?.toLowerCase().includes("chunked")) return null;
  if (!/^\d+$/.test(raw)) throw new AppError("bad_request", "Invalid Content-Length");
  const length = Number(raw);
  if (length > maxUploadBytes(c)) throw new AppError("payload_too_large", `413 File is too large: the limit is ${maxUploadBytes(c)} bytes`);
  return length;
}

/** Read a small JSON or text body with a hard cap, so metadata requests cannot exhaust memory. */
export async function readLimitedText(c: Context<AppEnv>, limit: number): Promise<string> {
  const length = c.req.header("content-length");
  if (length && Number(length) > limit) throw new AppError("payload_too_large", `413 Request body is larger than ${limit} bytes`);
  if (!c.req.raw.body) return "";
  const text = await readCappedText(c.req.raw.body, limit);
  if (text === null) throw new AppError("payload_too_large", `413 Request body is larger than ${limit} bytes`);
  return text;
}

/** Parse a small JSON body; malformed JSON is a 400, never a 500. */
export async function readLimitedJson(c: Context<AppEnv>, limit = 1024 * 1024): Promise<unknown> {
  const text = await readLimitedText(c, limit);
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "400 Bad request - malformed JSON body");
  }
}
