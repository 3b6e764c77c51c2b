// Tokens Packyard signs for itself (Terraform's download URLs, Conan's login token): HMAC-SHA256 under a key
// derived for one purpose from ADMIN_TOKEN, so no new secret has to be deployed and one purpose's tokens are
// never valid for another's. Rotating ADMIN_TOKEN voids every outstanding token.
//
//   key:    HKDF-SHA256(secret, salt 32 zero bytes, info = the purpose's label) → HMAC-SHA256 key
//   sign:   base64url(HMAC(key, text))
//   verify: crypto.subtle.verify (constant time)

export interface TokenSigner {
  /** The base64url HMAC of `text`. */
  sign(secret: string, text: string): Promise<string>;
  /** Whether `signature` (base64url) is `text`'s HMAC; false for anything malformed. */
  verify(secret: string, text: string, signature: string): Promise<boolean>;
}

/** A signer whose key is derived for `purpose` (e.g. "packyard conan token v1"); keys are derived once per secret. */
export function tokenSigner(purpose: string): TokenSigner {
  const info = new TextEncoder().encode(purpose);
  const keys = new Map<string, Promise<CryptoKey>>();
  const keyFor = (secret: string) => {
    let key = keys.get(secret);
    if (!key) {
      key = crypto.subtle
        .importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"])
        .then((base) => crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info }, base, { name: "HMAC", hash: "SHA-256", length: 256 }, false, ["sign", "verify"]));
      keys.set(secret, key);
    }
    return key;
  };
  return {
    async sign(secret, text) {
      return base64url(new Uint8Array(await crypto.subtle.sign("HMAC", await keyFor(secret), new TextEncoder().encode(text))));
    },
    async verify(secret, text, signature) {
      const bytes = fromBase64url(signature);
      return bytes !== null && crypto.subtle.verify("HMAC", await keyFor(secret), bytes, new TextEncoder().encode(text));
    },
  };
}

export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The bytes of base64url text (padding optional), or null when it is not base64url. */
export function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
    return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}
