// A simulated OIDC issuer for the CI publishing tests (issue 25): signing keys made with WebCrypto (RS256 and
// ES256), a discovery document and a JWKS served at the issuer's URL, and ID tokens signed like a CI service
// signs them. `serveIssuers` answers the Worker's outbound fetches of those URLs (everything else goes out as
// it would); every fetch an issuer got is recorded, so tests can count JWKS refetches.
import { vi } from "vitest";

export type Alg = "RS256" | "ES256";
interface SigningKey {
  kid: string;
  alg: Alg;
  privateKey: CryptoKey;
  publicJwk: JsonWebKey & { kid: string; alg: Alg; use: "sig" };
}

const b64url = (bytes: Uint8Array | ArrayBuffer) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const b64json = (value: unknown) => b64url(new TextEncoder().encode(JSON.stringify(value)));

let counter = 0;

export class TestIssuer {
  /** Published in the JWKS. */
  keys: SigningKey[] = [];
  /** URLs of this issuer the Worker fetched. */
  fetches: string[] = [];

  constructor(readonly url: string) {}

  static async create(alg: Alg = "RS256", url = `https://issuer-${Date.now().toString(36)}-${++counter}.ci.test`): Promise<TestIssuer> {
    const issuer = new TestIssuer(url);
    issuer.keys.push(await makeKey(alg));
    return issuer;
  }

  get key(): SigningKey {
    return this.keys[0]!;
  }

  /** Replace the published keys with a new one (the old one is no longer in the JWKS). */
  async rotate(alg: Alg = "RS256"): Promise<SigningKey> {
    const key = await makeKey(alg);
    this.keys = [key];
    return key;
  }

  jwksFetches(): number {
    return this.fetches.filter((u) => u.endsWith("/jwks")).length;
  }

  answer(url: string): Response | null {
    if (url === `${this.url}/.well-known/openid-configuration`) return Response.json({ issuer: this.url, jwks_uri: `${this.url}/jwks`, id_token_signing_alg_values_supported: ["RS256", "ES256"] });
    if (url === `${this.url}/jwks`) return Response.json({ keys: this.keys.map((k) => k.publicJwk) });
    return null;
  }

  /** An ID token: standard claims filled (iss, iat, nbf, exp in 5 minutes, a fresh jti) under `claims`. */
  async sign(claims: Record<string, unknown>, options: { key?: SigningKey; header?: Record<string, unknown>; now?: number } = {}): Promise<string> {
    const key = options.key ?? this.key;
    const now = Math.floor((options.now ?? Date.now()) / 1000);
    const body = { iss: this.url, iat: now, nbf: now, exp: now + 300, jti: crypto.randomUUID(), ...claims };
    for (const [name, value] of Object.entries(body)) if (value === undefined) delete (body as Record<string, unknown>)[name];
    const header = { alg: key.alg, typ: "JWT", kid: key.kid, ...options.header };
    const input = `${b64json(header)}.${b64json(body)}`;
    const params = key.alg === "RS256" ? { name: "RSASSA-PKCS1-v1_5" } : { name: "ECDSA", hash: "SHA-256" };
    const signature = await crypto.subtle.sign(params, key.privateKey, new TextEncoder().encode(input));
    return `${input}.${b64url(signature)}`;
  }
}

export async function makeKey(alg: Alg): Promise<SigningKey> {
  const params = alg === "RS256" ? { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" } : { name: "ECDSA", namedCurve: "P-256" };
  const pair = (await crypto.subtle.generateKey(params, true, ["sign", "verify"])) as CryptoKeyPair;
  const kid = `k-${crypto.randomUUID().slice(0, 8)}`;
  const jwk = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
  return { kid, alg, privateKey: pair.privateKey, publicJwk: { kty: jwk.kty, n: jwk.n, e: jwk.e, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg, use: "sig" } };
}

const active = new Set<TestIssuer>();
let spy: { mockRestore: () => void } | null = null;

/** Answer the Worker's fetches of these issuers' URLs until `restore()` (calls nest: one spy serves them all). */
export function serveIssuers(...issuers: TestIssuer[]): { restore: () => void } {
  for (const issuer of issuers) active.add(issuer);
  if (!spy) {
    const original = globalThis.fetch;
    spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      for (const issuer of active) {
        if (!url.startsWith(`${issuer.url}/`)) continue;
        issuer.fetches.push(url);
        return issuer.answer(url) ?? new Response("not found", { status: 404 });
      }
      return original(input, init);
    });
  }
  return {
    restore: () => {
      for (const issuer of issuers) active.delete(issuer);
      if (active.size === 0 && spy) {
        spy.mockRestore();
        spy = null;
      }
    },
  };
}
