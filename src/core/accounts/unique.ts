// "Already taken" is decided by the D1 unique indexes inside the write itself (no check-then-insert, so
// two concurrent requests cannot both pass a check): this turns their error into the caller's answer.
import type { AppError } from "../errors";

/** Whether D1 refused a write on a unique index (raised directly by a batch, or wrapped by drizzle). */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (/UNIQUE constraint failed/i.test(e.message)) return true;
  }
  return false;
}

/** Run a write; a unique-index refusal becomes `taken` (every other error passes through). */
export async function unlessTaken<T>(write: Promise<T>, taken: () => AppError): Promise<T> {
  try {
    return await write;
  } catch (error) {
    throw isUniqueViolation(error) ? taken() : error;
  }
}

/** Whether D1 refused a write on a NOT NULL column (a guard that computed NULL to refuse the row). */
export function isNotNullViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (/NOT NULL constraint failed/i.test(e.message)) return true;
  }
  return false;
}
