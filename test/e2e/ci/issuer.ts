// A CI service's OIDC issuer on loopback for the end-to-end test: keys made with WebCrypto, the discovery
// document and JWKS the registry fetches, and the ID token endpoint a job asks (as GitHub Actions'
// ACTIONS_ID_TOKEN_REQUEST_URL: `GET <url>&audience=…` with the request token as Bearer → {"value": "<jwt>"}).
import { createServer, type Server } from "node:http";
import { randomUUID } from "node:crypto";

const b64url = (bytes: ArrayBuffer | Uint8Array) => Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString("base64url");
const b64json = (value: unknown) => b64url(new TextEncoder().encode(JSON.stringify(value)));

export interface LoopbackIssuer {
  url: string;
  /** The job's ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  requestUrl: string;
  requestToken: string;
  /** How many times the registry fetched the JWKS. */
  jwksFetches: () => number;
  close: () => Promise<void>;
}

/** `claims(audience)`: what this job's ID token says (the standard claims are added). */
export async function startIssuer(claims: () => Record<string, unknown>): Promise<LoopbackIssuer> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const kid = `e2e-${randomUUID().slice(0, 8)}`;
  const jwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
  const requestToken = randomUUID();
  let jwksFetches = 0;
  let url = "";
  const server: Server = createServer(async (req, res) => {
    const at = new URL(req.url ?? "/", url);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (at.pathname === "/.well-known/openid-configuration") return json(200, { issuer: url, jwks_uri: `${url}/.well-known/jwks`, id_token_signing_alg_values_supported: ["ES256"] });
    if (at.pathname === "/.well-known/jwks") {
      jwksFetches++;
      return json(200, { keys: [{ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: "ES256", use: "sig" }] });
    }
    if (at.pathname === "/token") {
      if (req.headers.authorization !== `Bearer ${requestToken}`) return json(401, { message: "bad request token" });
      const now = Math.floor(Date.now() / 1000);
      const body = { iss: url, aud: at.searchParams.get("audience"), iat: now, nbf: now, exp: now + 300, jti: randomUUID(), ...claims() };
      const input = `${b64json({ alg: "ES256", typ: "JWT", kid })}.${b64json(body)}`;
      const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, new TextEncoder().encode(input));
      return json(200, { count: 1, value: `${input}.${b64url(signature)}` });
    }
    json(404, { message: "not found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  url = `http://127.0.0.1:${port}`;
  return {
    url,
    requestUrl: `${url}/token?api-version=2.0`,
    requestToken,
    jwksFetches: () => jwksFetches,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
