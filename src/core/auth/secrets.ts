// Token generation, token digests and password hashing (WebCrypto only).

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A new random token such as `glpat-…`, with GitLab's prefixes so secret scanners recognise them. */
export function generateToken(prefix: "glpat-" | "gldt-" | "glcbt-" | "pys-"): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let out = "";
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return prefix + out;
}

export async function sha256Hex(input: string | ArrayBuffer | Uint8Array): Promise<string> {
  const data = typeof input === "string" ? new TextEncoder().encode(input) : input;
  return toHex(await crypto.subtle.digest("SHA-256", data));
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

export function toHex(buffer: ArrayBuffer): string {
  let out = "";
  for (const b of new Uint8Array(buffer)) out += HEX[b];
  return out;
}

/** Tokens are stored as their SHA-256: they are long and random, so no slow hash is needed. */
export const tokenDigest = sha256Hex;

/**
 * Compare a presented secret with a configured one without leaking its length or content through
 * timing: both sides are hashed first, so the comparison always runs over 32 equal-length bytes.
 */
export async function secretsEqual(presented: string, configured: string): Promise<boolean> {
  return digestMatchesSecret(await sha256Hex(presented), configured);
}

/** `secretsEqual` for a caller that already holds the presented secret's `sha256Hex` (token lookups do). */
export async function digestMatchesSecret(presentedDigest: string, configured: string): Promise<boolean> {
  return timingSafeEqual(presentedDigest, await configuredDigest(configured));
}

/** `sha256Hex` of a configured secret (the admin token), hashed once per isolate rather than per request. */
async function configuredDigest(configured: string): Promise<string> {
  if (lastConfigured?.value !== configured) lastConfigured = { value: configured, digest: await sha256Hex(configured) };
  return lastConfigured.digest;
}
let lastConfigured: { value: string; digest: string } | null = null;

export function timingSafeEqual(a: string, b: string): boolean {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  if (ea.length !== eb.length) return false;
  let diff = 0;
  for (let i = 0; i < ea.length; i++) diff |= (ea[i] ?? 0) ^ (eb[i] ?? 0); // equal lengths: never undefined
  return diff === 0;
}

const PBKDF2_ITERATIONS = 100_000; // workerd's maximum for PBKDF2

/** `pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await pbkdf2(password, salt, PBKDF2_ITERATIONS);
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${toHex(salt.buffer)}$${hash}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  if (!stored) return false;
  const [scheme, iterations, saltHex, hash] = stored.split("$");
  if (scheme !== "pbkdf2-sha256" || !saltHex || !hash) return false;
  const salt = Uint8Array.from(saltHex.match(/../g) ?? [], (h) => parseInt(h, 16));
  return timingSafeEqual(await pbkdf2(password, salt, Number(iterations)), hash);
}

async function pbkdf2(password: string, salt: Uint8Array, iterations: number): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return toHex(bits);
}
