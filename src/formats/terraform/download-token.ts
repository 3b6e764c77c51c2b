// The short-lived token terraform's archive URL carries: terraform asks `…/:version/download` with its
// credentials and then fetches the X-Terraform-Get URL WITHOUT them (go-getter), so that URL must carry its
// own authority. GitLab puts a 5-minute JWT there; Packyard signs the one file the caller was allowed to
// read when it asked, for DOWNLOAD_TOKEN_SECONDS:
//
//   sign:   payload = {path: "<ns>/<name>/<system>/<version>", file: {blobId, fileName, size, sha256, sha1, md5}, exp}
//           token   = base64url(JSON(payload)) + "." + base64url(HMAC-SHA256(key, that base64url text))
//   verify: HMAC (crypto.subtle.verify, constant time) → exp > now → path equals the requested one → serve file
//   key:    src/core/auth/signed-tokens.ts, purpose "packyard terraform download token v1"; rotating
//           ADMIN_TOKEN voids outstanding URLs, which live a minute anyway.
//
// No Hono, no storage: the signed claims are everything the file route needs (a tampered byte fails the HMAC).
import { base64url, fromBase64url, tokenSigner } from "../../core/auth/signed-tokens";
import type { ServableFile } from "../../http/serve-blob";

export const DOWNLOAD_TOKEN_SECONDS = 60;
const signer = tokenSigner("packyard terraform download token v1");

export interface DownloadClaims {
  /** `<namespace>/<name>/<system>/<version>` as the file URL names them (namespace lowercased). */
  path: string;
  file: ServableFile;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export async function signDownloadToken(secret: string, claims: DownloadClaims): Promise<string> {
  const payload = base64url(new TextEncoder().encode(JSON.stringify(claims)));
  return `${payload}.${await signer.sign(secret, payload)}`;
}

export type VerifiedToken = { ok: true; file: ServableFile } | { ok: false; reason: "malformed" | "signature" | "expired" | "other_file" };

/** The file a token grants, when its signature holds, it has not expired and it was made for `path`. */
export async function verifyDownloadToken(secret: string, token: string, path: string, nowSeconds = Math.floor(Date.now() / 1000)): Promise<VerifiedToken> {
  const [payload, signature, extra] = token.split(".");
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: "malformed" };
  if (!fromBase64url(signature)) return { ok: false, reason: "malformed" };
  if (!(await signer.verify(secret, payload, signature))) return { ok: false, reason: "signature" };
  const claims = parseClaims(fromBase64url(payload));
  if (!claims) return { ok: false, reason: "malformed" };
  if (claims.exp <= nowSeconds) return { ok: false, reason: "expired" };
  if (claims.path !== path) return { ok: false, reason: "other_file" };
  return { ok: true, file: claims.file };
}

function parseClaims(bytes: Uint8Array | null): DownloadClaims | null {
  if (!bytes) return null;
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes)) as DownloadClaims;
    const file = value?.file;
    if (typeof value.path !== "string" || typeof value.exp !== "number" || typeof file?.blobId !== "string" || typeof file.sha256 !== "string" || typeof file.size !== "number") return null;
    return value;
  } catch {
    return null;
  }
}
