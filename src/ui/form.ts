// Reads a submitted HTML form (urlencoded or multipart), at most FORM_MAX_BYTES, before anything parses
// it: a large body is a 413 without being held. Anything else is a 400. Callers authorise first.
import { AppError } from "../core/errors";
import { readCappedText } from "../core/bytes";
import type { UiContext } from "./context";

/** Our forms carry a few short fields; 64 KiB leaves room for long deploy-token names and notes. */
export const FORM_MAX_BYTES = 64 * 1024;

export async function readForm(c: UiContext): Promise<Record<string, unknown>> {
  const type = c.req.header("content-type") ?? "";
  const urlencoded = type.includes("application/x-www-form-urlencoded");
  if (!urlencoded && !type.includes("multipart/form-data")) throw new AppError("bad_request", "Expected a form submission.");
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > FORM_MAX_BYTES) throw tooLarge();
  const text = c.req.raw.body ? await readCappedText(c.req.raw.body, FORM_MAX_BYTES) : "";
  if (text === null) throw tooLarge();
  const parsed = urlencoded ? new URLSearchParams(text) : await new Response(text, { headers: { "content-type": type } }).formData().catch(() => null);
  if (!parsed) throw new AppError("bad_request", "The form could not be read.");
  // A repeated field (checkboxes such as deploy-token scopes) becomes an array, as parseBody({all: true}) made it.
  const form: Record<string, string | string[]> = {};
  parsed.forEach((value, key) => {
    if (typeof value !== "string") return;
    const seen = form[key];
    form[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  });
  return form;
}

const tooLarge = () => new AppError("payload_too_large", `413 The form is larger than ${FORM_MAX_BYTES} bytes.`);
