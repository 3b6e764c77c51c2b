// Small helpers shared by the contract suite and its format adapters: digests, unique bytes and versions,
// the three ways clients send a credential, and reading a response whose body feeds the edge cache.
import { basic, call } from "../support/api";
import type { ContractFormat, Credential, PackageVersion } from "./types";

export { call };

const hexOf = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

export async function digestsOf(bytes: Uint8Array) {
  const digest = (algorithm: string) => crypto.subtle.digest(algorithm, bytes);
  const [sha256, sha1, md5, sha512] = await Promise.all([digest("SHA-256"), digest("SHA-1"), digest("MD5"), digest("SHA-512")]);
  return { sha256: hexOf(sha256), sha1: hexOf(sha1), md5: hexOf(md5), sha512: new Uint8Array(sha512) };
}

export function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

let counter = 0;
/** A version no other upload of this run uses (valid semver, PEP 440 and Maven). */
export const nextVersion = () => `1.0.${++counter}`;
/** Bytes no other upload of this run sends. */
export const bytesFor = (label: string) => new TextEncoder().encode(`contract bytes of ${label} #${++counter} ${crypto.randomUUID()}`);

/** Bytes no other upload of this run sends, as a valid file of `v` for formats that check contents. */
export async function fileFor(format: ContractFormat, v: PackageVersion, label: string): Promise<Uint8Array> {
  const unique = bytesFor(label);
  return format.fileFor ? format.fileFor(v, unique) : unique;
}

/** PRIVATE-TOKEN / DEPLOY-TOKEN / JOB-TOKEN headers (curl, mvn with settings.xml httpHeaders). */
export function tokenHeaders(credential: Credential | null): Record<string, string> {
  if (!credential) return {};
  const name = { personal: "Private-Token", deploy: "Deploy-Token", job: "Job-Token" }[credential.kind];
  return { [name]: credential.token };
}

/** Basic auth with the token as password (pip, twine; job tokens as gitlab-ci-token). */
export function basicHeaders(credential: Credential | null): Record<string, string> {
  return credential ? { Authorization: basic(credential.username, credential.token) } : {};
}

/** Authorization: Bearer (npm's _authToken). */
export function bearerHeaders(credential: Credential | null): Record<string, string> {
  return credential ? { Authorization: `Bearer ${credential.token}` } : {};
}

export function get(path: string, headers: Record<string, string> = {}, method: "GET" | "HEAD" = "GET") {
  return call(path, { method, headers });
}

/** Read the whole body, then give the edge cache's deferred put a moment to land. */
export async function drain(res: Response): Promise<Uint8Array> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  await new Promise((resolve) => setTimeout(resolve, 50));
  return bytes;
}

export const textOf = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** The challenge GitLab's package endpoints send with a 401 (pip, twine, mvn and curl answer it). */
export const BASIC_CHALLENGE = 'Basic realm="GitLab Packages Registry"';
