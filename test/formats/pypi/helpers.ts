// Builds twine-shaped multipart uploads for the PyPI workerd tests, and sends them with real or
// recording bindings.
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { createApp } from "../../../src/app";
import { Blake2b } from "../../../src/formats/pypi/blake2b";
import { BASE, call } from "../../support/api";

const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

export async function digestsOf(bytes: Uint8Array) {
  return {
    sha256: hex(await crypto.subtle.digest("SHA-256", bytes)),
    md5: hex(await crypto.subtle.digest("MD5", bytes)),
    blake2_256: new Blake2b(32).update(bytes).hex(),
  };
}

export interface UploadOptions {
  name: string;
  version: string;
  fileName: string;
  bytes?: Uint8Array;
  /** Field overrides; null drops a field. */
  fields?: Record<string, string | null>;
  /** Put the text fields after the file. */
  fieldsAfterContent?: boolean;
  /** The `content` part's file name parameter as sent (default `filename="<fileName>"`), e.g. `filename*=UTF-8''a%0A.whl`. */
  fileNameParam?: string;
  /** Other file parts sent before `content` (twine --sign sends `gpg_signature`). */
  extraFiles?: { name: string; filename: string; text: string }[];
}

/** A multipart body with the fields twine 4 sends, in twine's order (content last unless asked otherwise). */
export async function twineBody(options: UploadOptions) {
  const bytes = options.bytes ?? new TextEncoder().encode(`contents of ${options.fileName}`);
  const digests = await digestsOf(bytes);
  const wheel = options.fileName.endsWith(".whl");
  const base: Record<string, string | null> = {
    name: options.name,
    version: options.version,
    filetype: wheel ? "bdist_wheel" : "sdist",
    pyversion: wheel ? "py3" : "source",
    metadata_version: "2.1",
    summary: "A test package",
    home_page: "",
    author: "Tester",
    author_email: "tester@example.com",
    description: "Long description",
    description_content_type: "text/markdown",
    sha256_digest: digests.sha256,
    requires_python: ">=3.8",
    md5_digest: digests.md5,
    blake2_256_digest: digests.blake2_256,
    ":action": "file_upload",
    protocol_version: "1",
    ...options.fields,
  };
  const boundary = `----twine${crypto.randomUUID().replace(/-/g, "")}`;
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const fieldChunks = Object.entries(base)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  const content = [enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="content"; ${options.fileNameParam ?? `filename="${options.fileName}"`}\r\nContent-Type: application/octet-stream\r\n\r\n`), bytes, enc.encode("\r\n")];
  for (const extra of options.extraFiles ?? []) {
    fieldChunks.push(enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${extra.name}"; filename="${extra.filename}"\r\n\r\n${extra.text}\r\n`));
  }
  if (options.fieldsAfterContent) chunks.push(...content, ...fieldChunks);
  else chunks.push(...fieldChunks, ...content);
  chunks.push(enc.encode(`--${boundary}--\r\n`));
  const body = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    body.set(c, offset);
    offset += c.byteLength;
  }
  return { body, contentType: `multipart/form-data; boundary=${boundary}`, digests };
}

export async function twineUpload(projectRef: string | number, options: UploadOptions, auth: { token?: string; headers?: Record<string, string> } = {}) {
  const { body, contentType, digests } = await twineBody(options);
  const res = await call(`/api/v4/projects/${projectRef}/packages/pypi`, {
    method: "POST",
    body,
    token: auth.token,
    headers: { "content-type": contentType, ...(auth.headers ?? {}) },
  });
  return { res, digests };
}

export const PIP_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";

/** A twine upload through the app with some bindings replaced (a recording bucket). */
export async function twineUploadWith(bindings: Partial<typeof env>, projectRef: string | number, options: UploadOptions, token: string) {
  const { body, contentType } = await twineBody(options);
  const request = new Request(`${BASE}/api/v4/projects/${projectRef}/packages/pypi`, { method: "POST", body, headers: { "content-type": contentType, "PRIVATE-TOKEN": token } });
  const ctx = createExecutionContext();
  const response = await createApp().fetch(request, { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}
