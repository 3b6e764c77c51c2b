// The token `users/authenticate` answers and the Conan client sends as `Authorization: Bearer` from then on
// (GitLab: a JWT from lib/gitlab/conan_token.rb). Packyard's is a JWT (HS256) behind a prefix:
//
//   mint:   claims = {sub: kind of the credential that logged in, dig: its SHA-256 digest, iat, exp = iat + 2 h}
//           token  = "pyconan." + base64url(header) + "." + base64url(claims) + "." + base64url(HMAC-SHA256(key, those two))
//   verify: prefix → HMAC (crypto.subtle.verify, constant time) → exp > now → {kind, digest}
//   key:    src/core/auth/signed-tokens.ts, purpose "packyard conan token v1"; rotating ADMIN_TOKEN voids
//           every outstanding token (clients log in again on the 401).
//
// The core (src/core/auth/format-tokens.ts) turns a verified token back into the credential it was minted
// from, so revoking that PAT, deploy or job token stops the Conan token too; it is accepted on Conan routes
// only. The credential itself is never inside (a digest, or nothing for the admin token).
// Two hours, as conan_server's own default (jwt_expire_minutes = 120); the client logs in again on a 401.
import type { FormatTokenVerifier, MintedFrom } from "../../core/auth/format-tokens";
import { base64url, fromBase64url, tokenSigner } from "../../core/auth/signed-tokens";
import { CONAN } from "./reference";

export const CONAN_TOKEN_PREFIX = "pyconan.";
export const CONAN_TOKEN_SECONDS = 2 * 60 * 60;
const signer = tokenSigner("packyard conan token v1");
const HEADER = base64url(new TextEncoder().encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));
const KINDS: readonly string[] = ["personal_access_token", "deploy_token", "job_token", "admin_token"];

interface Claims {
  sub: MintedFrom["kind"];
  dig?: string;
  iat: number;
  exp: number;
}

/** A token standing for `from` until `nowMs + CONAN_TOKEN_SECONDS`. */
export async function mintConanToken(secret: string, from: MintedFrom, nowMs = Date.now()): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  const claims: Claims = { sub: from.kind, ...("digest" in from ? { dig: from.digest } : {}), iat, exp: iat + CONAN_TOKEN_SECONDS };
  const signed = `${HEADER}.${base64url(new TextEncoder().encode(JSON.stringify(claims)))}`;
  return `${CONAN_TOKEN_PREFIX}${signed}.${await signer.sign(secret, signed)}`;
}

/** What a token was minted from, when its signature holds and it has not expired; null otherwise. */
export async function verifyConanToken(token: string, secret: string, nowMs = Date.now()): Promise<MintedFrom | null> {
  if (!token.startsWith(CONAN_TOKEN_PREFIX)) return null;
  const [header, payload, signature, extra] = token.slice(CONAN_TOKEN_PREFIX.length).split(".");
  if (header !== HEADER || !payload || !signature || extra !== undefined) return null;
  if (!(await signer.verify(secret, `${header}.${payload}`, signature))) return null;
  const claims = parseClaims(fromBase64url(payload));
  if (!claims || claims.exp <= Math.floor(nowMs / 1000)) return null;
  if (claims.sub === "admin_token") return { kind: "admin_token" };
  return claims.dig ? { kind: claims.sub, digest: claims.dig } : null;
}

export const conanTokenVerifier: FormatTokenVerifier = { format: CONAN, prefix: CONAN_TOKEN_PREFIX, verify: verifyConanToken };

function parseClaims(bytes: Uint8Array | null): Claims | null {
  if (!bytes) return null;
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes)) as Claims;
    if (!KINDS.includes(value?.sub) || typeof value.exp !== "number") return null;
    if (value.sub !== "admin_token" && (typeof value.dig !== "string" || !/^[0-9a-f]{64}$/.test(value.dig))) return null;
    return value;
  } catch {
    return null;
  }
}
