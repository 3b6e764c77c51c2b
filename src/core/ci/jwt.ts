// Compact JWS (an OIDC ID token) read and verified with WebCrypto: RS256 (RSASSA-PKCS1-v1_5, SHA-256) and
// ES256 (ECDSA P-256, SHA-256, the signature as r‖s, which is WebCrypto's own form). Nothing else is accepted
// (no `none`, no HMAC: the keys are public). Spec: RFC 7515, RFC 7518 §3.3–3.4, RFC 7517.

import { fromBase64url } from "../auth/signed-tokens";

export type JwtAlgorithm = "RS256" | "ES256";
export const JWT_ALGORITHMS: readonly JwtAlgorithm[] = ["RS256", "ES256"];

export interface DecodedJwt {
  header: { alg?: unknown; kid?: unknown; typ?: unknown };
  claims: Record<string, unknown>;
  signingInput: Uint8Array;
  signature: Uint8Array;
}

/** ID tokens are a few KiB; anything far larger is not one. */
export const MAX_JWT_LENGTH = 16 * 1024;

function jsonObject(bytes: Uint8Array | null): Record<string, unknown> | null {
  if (!bytes) return null;
  try {
    const value = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes)) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The token's parts, unverified; null when it is not a compact JWS with JSON header and claims. */
export function decodeJwt(token: string): DecodedJwt | null {
  if (token.length > MAX_JWT_LENGTH) return null;
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const header = jsonObject(fromBase64url(parts[0]!));
  const claims = jsonObject(fromBase64url(parts[1]!));
  const signature = fromBase64url(parts[2]!);
  if (!header || !claims || !signature) return null;
  return { header, claims, signature, signingInput: new TextEncoder().encode(`${parts[0]}.${parts[1]}`) };
}

const IMPORT: Record<JwtAlgorithm, SubtleCryptoImportKeyAlgorithm> = {
  RS256: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
  ES256: { name: "ECDSA", namedCurve: "P-256" },
};
const VERIFY: Record<JwtAlgorithm, SubtleCryptoSignAlgorithm> = {
  RS256: { name: "RSASSA-PKCS1-v1_5" },
  ES256: { name: "ECDSA", hash: "SHA-256" },
};

/** Whether a JWK can verify `alg`: its type and curve fit, and its own `alg`/`use`, when given, agree. */
export function keyFits(jwk: JsonWebKey & { kid?: string }, alg: JwtAlgorithm): boolean {
  if (jwk.use !== undefined && jwk.use !== "sig") return false;
  if (jwk.alg !== undefined && jwk.alg !== alg) return false;
  return alg === "RS256" ? jwk.kty === "RSA" && !!jwk.n && !!jwk.e : jwk.kty === "EC" && jwk.crv === "P-256" && !!jwk.x && !!jwk.y;
}

/** Verify the signature with a public JWK; false for a key that does not import or a bad signature. */
export async function verifySignature(jwt: DecodedJwt, alg: JwtAlgorithm, jwk: JsonWebKey): Promise<boolean> {
  if (alg === "ES256" && jwt.signature.length !== 64) return false;
  const { kty, n, e, crv, x, y } = jwk;
  const publicOnly: JsonWebKey = kty === "RSA" ? { kty, n, e } : { kty, crv, x, y };
  try {
    const key = await crypto.subtle.importKey("jwk", publicOnly, IMPORT[alg], false, ["verify"]);
    return await crypto.subtle.verify(VERIFY[alg], key, jwt.signature, jwt.signingInput);
  } catch {
    return false;
  }
}
