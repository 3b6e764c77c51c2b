// Per-distribution OpenPGP signing (OpenPGP.js): a key generated when the distribution is created, its
// armored private key stored encrypted (AES-256-GCM under a key derived with HKDF-SHA256 from the Worker
// secret DEBIAN_SIGNING_SECRET, or ADMIN_TOKEN when that is unset, salted per key), its public key served as
// key.asc; InRelease is the clearsigned Release and Release.gpg its detached signature.
import type { Bindings } from "../../env";
import * as openpgp from "openpgp";
import { AppError } from "../../core/errors";

export interface StoredKey {
  publicKey: string;
  fingerprint: string;
  /** base64 of salt (16), iv (12) and the AES-GCM ciphertext of the armored private key */
  sealed: string;
}

const INFO = new TextEncoder().encode("packyard debian distribution signing key v1");

/** The Worker secret the private keys are sealed with, or null when none is configured. */
export function signingSecret(env: Pick<Bindings, "DEBIAN_SIGNING_SECRET" | "ADMIN_TOKEN">): string | null {
  const secret = env.DEBIAN_SIGNING_SECRET || env.ADMIN_TOKEN;
  return secret && secret.length >= 16 ? secret : null;
}

async function aesKey(secret: string, salt: Uint8Array): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt, info: INFO }, base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));

export async function generateSigningKey(secret: string, codename: string, origin: string): Promise<StoredKey> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: "ecc",
    curve: "curve25519Legacy",
    userIDs: [{ name: `${origin} ${codename} distribution signing key` }],
    format: "armored",
  });
  const key = await openpgp.readKey({ armoredKey: publicKey });
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await aesKey(secret, salt), new TextEncoder().encode(privateKey)));
  const packed = new Uint8Array(16 + 12 + sealed.byteLength);
  packed.set(salt);
  packed.set(iv, 16);
  packed.set(sealed, 28);
  return { publicKey, fingerprint: key.getFingerprint().toUpperCase(), sealed: b64(packed) };
}

async function unseal(secret: string, stored: StoredKey): Promise<openpgp.PrivateKey> {
  const packed = unb64(stored.sealed);
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: packed.subarray(16, 28) }, await aesKey(secret, packed.subarray(0, 16)), packed.subarray(28));
    return await openpgp.readPrivateKey({ armoredKey: new TextDecoder().decode(plain) });
  } catch {
    throw new AppError("internal", "500 the distribution's signing key cannot be unsealed (was the signing secret changed?)");
  }
}

export async function clearsign(secret: string, stored: StoredKey, text: string): Promise<string> {
  const signingKeys = await unseal(secret, stored);
  const message = await openpgp.createCleartextMessage({ text });
  return openpgp.sign({ message, signingKeys });
}

export async function detachedSignature(secret: string, stored: StoredKey, bytes: Uint8Array): Promise<string> {
  const signingKeys = await unseal(secret, stored);
  const message = await openpgp.createMessage({ binary: bytes });
  return openpgp.sign({ message, signingKeys, detached: true, format: "armored" }) as Promise<string>;
}
