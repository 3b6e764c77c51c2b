// The short-lived token terraform's archive URL carries: terraform asks `…/:version/download` with its
// credentials and then fetches the X-Terraform-Get URL WITHOUT them (go-getter), so that URL must carry its
// own authority. GitLab puts a 5-minute JWT there; Packyard signs the one file the caller was allowed to
// read when it asked, for DOWNLOAD_TOKEN_SECONDS:
//
//   sign:   payload = {path: "<ns>/<name>/<system>/<version>", file: {blobId, fileName, size, sha256, sha1, md5}, exp}
//           token   = base64url(JSON(payload)) + "." + base64url(HMAC-SHA256(key, that base64url text))
//   verify: HMAC (crypto.subtle.verify, constant time) → exp > now → path equals the requested one → serve file
//   key:    HKDF-SHA256(ADMIN_TOKEN, info "packyard terraform download token v1"): no new secret to deploy;
//           rotating ADMIN_TOKEN voids outstanding URLs, which live a minute anyway.
//
// No Hono, no storage: the signed claims are everything the file route needs (a tampered byte fails the HMAC).
import type { ServableFile } from "../../http/serve-blob";

export const DOWNLOAD_TOKEN_SECONDS = 60;
const INFO = new TextEncoder().encode("packyard terraform download token v1");

export interface DownloadClaims {
  /** `<namespace>/<name>/<system>/<version>` as the file URL names them (namespace lowercased). */
  path: string;
  file: ServableFile;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle
      .importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"])
      .then((base) =>
        crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: INFO }, base, { name: "HMAC", hash: "SHA-256", length: 256 }, false, ["sign", "verify"]),
      );
    keys.set(secret, key);
  }
  return key;
}

export async function signDownloadToken(secret: string, claims: DownloadClaims): Promise<string> {
  const payload = base64url(new TextEncoder().encode(JSON.stringify(claims)));
  const signature = await crypto.subtle.sign("HMAC", await keyFor(secret), new TextEncoder().encode(payload));
  return `${payload}.${base64url(new Uint8Array(signature))}`;
}

export type VerifiedToken = { ok: true; file: ServableFile } | { ok: false; reason: "malformed" | "signature" | "expired" | "other_file" };

/** The file a token grants, when its signature holds, it has not expired and it was made for `path`. */
export async function verifyDownloadToken(secret: string, token: string, path: string, nowSeconds = Math.floor(Date.now() / 1000)): Promise<VerifiedToken> {
  const [payload, signature, extra] = token.split(".");
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: "malformed" };
  const signatureBytes = fromBase64url(signature);
  if (!signatureBytes) return { ok: false, reason: "malformed" };
  const valid = await crypto.subtle.verify("HMAC", await keyFor(secret), signatureBytes, new TextEncoder().encode(payload));
  if (!valid) return { ok: false, reason: "signature" };
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

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
    return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}
