// multipart/form-data bodies as clients send them (helm cm-push, curl --form): text fields and file parts.
import { concat } from "./zip-writer";

export interface FormPart {
  name: string;
  data: string | Uint8Array;
  /** Makes it a file part, with this file name. */
  filename?: string;
  /** A file part's Content-Type (default application/octet-stream). */
  contentType?: string;
}

export function multipartBody(parts: FormPart[], boundaryPrefix = "packyard"): { body: Uint8Array; contentType: string } {
  const enc = new TextEncoder();
  const boundary = `${boundaryPrefix}${crypto.randomUUID().replace(/-/g, "")}`;
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    const file = part.filename !== undefined ? `; filename="${part.filename}"\r\nContent-Type: ${part.contentType ?? "application/octet-stream"}` : "";
    chunks.push(enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${file}\r\n\r\n`));
    chunks.push(typeof part.data === "string" ? enc.encode(part.data) : part.data);
    chunks.push(enc.encode("\r\n"));
  }
  chunks.push(enc.encode(`--${boundary}--\r\n`));
  return { body: concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
