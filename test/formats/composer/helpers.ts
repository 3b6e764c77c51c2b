// Composer test helpers: zip archives with a composer.json, and the multipart upload a client sends.
import { multipartBody } from "../../support/multipart";
import { call } from "../../support/api";
import { makeZip, type ZipInput } from "../../support/zip-writer";

export const UA_COMPOSER_2 = "Composer/2.5.5 (Linux; 6.1.0; PHP 8.2.36; cURL 7.88.1; Platform-PHP 8.2.36)";
export const UA_COMPOSER_1 = "Composer/1.10.26 (Linux; 6.1.0; PHP 7.4.33)";

const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
export async function digestsOf(bytes: Uint8Array) {
  return { sha256: hex(await crypto.subtle.digest("SHA-256", bytes)), sha1: hex(await crypto.subtle.digest("SHA-1", bytes)) };
}

/** A package archive as `composer archive` makes it: composer.json and a class, in one top-level folder unless `root`. */
export function packageZip(composerJson: Record<string, unknown>, options: { root?: boolean; extra?: ZipInput[]; salt?: string } = {}) {
  const dir = options.root ? "" : "package/";
  return makeZip([
    { name: `${dir}composer.json`, data: JSON.stringify(composerJson, null, 2), method: "deflate" },
    { name: `${dir}src/Hello.php`, data: `<?php\n// ${options.salt ?? crypto.randomUUID()}\nclass Hello {}\n`, method: "deflate" },
    ...(options.extra ?? []),
  ]);
}

export function multipart(parts: { name: string; value: string | Uint8Array; filename?: string }[]) {
  return multipartBody(
    parts.map((p) => ({ name: p.name, data: p.value, filename: p.filename, contentType: "application/zip" })),
    "----composer",
  );
}

/** POST …/packages/composer with the zip as `package` (and `version` when given). */
export function upload(projectId: number | string, zip: Uint8Array, options: { version?: string; token?: string; headers?: Record<string, string> } = {}) {
  const parts = [{ name: "package", value: zip, filename: "package.zip" }, ...(options.version !== undefined ? [{ name: "version", value: options.version }] : [])];
  const { body, contentType } = multipart(parts);
  return call(`/api/v4/projects/${projectId}/packages/composer`, { method: "POST", body, token: options.token, headers: { "content-type": contentType, ...options.headers } });
}

export const groupPrefix = (groupId: number) => `/api/v4/group/${groupId}/-/packages/composer`;
export const projectPrefix = (projectId: number) => `/api/v4/projects/${projectId}/packages/composer`;

/** The versions of a p2 document, by version. */
export async function p2Versions(res: Response, name: string): Promise<Record<string, any>> {
  const body = (await res.json()) as { packages: Record<string, any[]> };
  return Object.fromEntries((body.packages[name] ?? []).map((v) => [v.version, v]));
}
