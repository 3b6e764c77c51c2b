// Tokens a format mints from a credential (Conan's `users/authenticate` answer) and the way back to that
// credential. A format registers a prefix and a verifier at module load; resolveActor asks here first:
//
//   token has a registered prefix?  no  → the credential as presented
//                                   yes → the request matched that format's route? no → 401
//                                         verify(token, secret) → what it was minted from, or 401
//                                         → {source, digest} of the underlying token, resolved as usual
//
// A minted token carries the underlying token's digest, never the token: revoking, expiring or blocking
// what it was minted from stops it at once, and it never grants more than that credential.
import { AppError } from "../errors";
import type { Credential } from "./credentials";

/** The credential a format token was minted from: its kind and the digest it is stored under. */
export type MintedFrom = { kind: "personal_access_token" | "deploy_token" | "job_token"; digest: string } | { kind: "admin_token" };

export interface FormatTokenVerifier {
  /** The format (packageType) whose routes accept these tokens; anywhere else they are refused. */
  format: string;
  /** How every token of this format starts (distinct from every other credential's form). */
  prefix: string;
  /** What a token was minted from, when it is genuine and unexpired under `secret`; null otherwise. */
  verify(token: string, secret: string, nowMs: number): Promise<MintedFrom | null>;
}

/** A credential as resolveActor looks it up: a format token becomes the credential it stands for, already digested. */
export type UnderlyingCredential = Credential & { digest?: string };

const verifiers: FormatTokenVerifier[] = [];

/** Called once by a format at module load. */
export function registerFormatTokens(verifier: FormatTokenVerifier): void {
  if (!verifiers.some((v) => v.prefix === verifier.prefix)) verifiers.push(verifier);
}

/** The credential behind a format token (throws 401 when it is forged, expired or used outside its format); others unchanged. */
export async function underlyingCredential(
  credential: Credential | null,
  options: { adminToken?: string; format?: string; now?: number },
): Promise<UnderlyingCredential | null> {
  const verifier = credential && verifiers.find((v) => credential.token.startsWith(v.prefix));
  if (!credential || !verifier) return credential;
  const minted = options.adminToken && options.format === verifier.format ? await verifier.verify(credential.token, options.adminToken, options.now ?? Date.now()) : null;
  if (!minted) throw new AppError("unauthorized", "401 Unauthorized - invalid or expired token");
  switch (minted.kind) {
    case "admin_token":
      return { token: options.adminToken!, source: "private_token" };
    case "personal_access_token":
      return { token: "", source: "private_token", digest: minted.digest };
    case "deploy_token":
      return { token: "", source: "deploy_token", digest: minted.digest };
    case "job_token":
      return { token: "", source: "job_token", digest: minted.digest };
  }
}
