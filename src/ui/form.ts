// Reads a submitted HTML form (urlencoded or multipart); anything else is a 400. Callers authorise first.
import { AppError } from "../core/errors";
import type { UiContext } from "./context";

export async function readForm(c: UiContext): Promise<Record<string, unknown>> {
  const type = c.req.header("content-type") ?? "";
  if (!type.includes("application/x-www-form-urlencoded") && !type.includes("multipart/form-data")) throw new AppError("bad_request", "Expected a form submission.");
  return c.req.parseBody({ all: true });
}
