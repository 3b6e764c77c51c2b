// The OIDC token exchange (POST /api/v4/ci/oidc/token, docs/ci-publishing.md): a CI job presents the ID token
// its CI service issued for this registry; if the token is genuine, current, unused and satisfies a trusted
// publisher of a project, it gets a job token of that project for a few minutes, with the publisher's rights
// (read and publish packages, within its package types and names) and no user.
//
//   decode (compact JWS, RS256/ES256)  → 400 when it is not a JWT
//   publishers of (iss, repository)    → 403 when none (logged, not audited: nothing of a project at stake)
//   signature (issuer's JWKS, by kid)  → 401
//   aud ∋ this registry's origin, exp/nbf/iat with LEEWAY_S, jti present, lifetime ≤ 1 day → 401
//   trust policy (src/core/ci/claims.ts), `project` narrowing → 403 / 400 when several projects match
//   jti unused (kept until exp)        → 401 replay
//   mint + audit row                   → 201 {token, …}
// Every outcome past the publishers' lookup is an oidc_exchanges row with the claims.
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { oidcExchanges, oidcUsedTokens, projects, trustedPublishers } from "../../db/schema";
import { createPublisherJobToken, type TrustedPublisherRow } from "../accounts";
import { AppError } from "../errors";
import { type Claims, publisherMismatch, runOf } from "./claims";
import type { JwksCache } from "./jwks";
import { decodeJwt, JWT_ALGORITHMS, keyFits, type JwtAlgorithm, verifySignature } from "./jwt";

export const LEEWAY_S = 60;
export const MAX_ID_TOKEN_LIFETIME_S = 24 * 60 * 60;
export const DEFAULT_TOKEN_TTL_S = 15 * 60;
export const MAX_TOKEN_TTL_S = 60 * 60;

export interface ExchangeRequest {
  idToken: string;
  /** This registry's origin: the audience the token must carry. */
  audience: string;
  /** A project id or full path, when the job names the project it publishes to. */
  project: string | null;
  ttlSeconds: number;
  now?: number;
}

export interface ExchangeResult {
  token: string;
  tokenId: number;
  projectId: number;
  projectPath: string;
  publisherId: number;
  pipelineId: number;
  expiresAt: Date;
}

type Candidate = { publisher: TrustedPublisherRow; fullPath: string };

const refused = (code: "unauthorized" | "forbidden" | "bad_request", message: string) => new AppError(code, message);

export async function exchangeIdToken(db: Db, keys: JwksCache, request: ExchangeRequest): Promise<ExchangeResult> {
  const now = request.now ?? Date.now();
  const jwt = decodeJwt(request.idToken);
  if (!jwt) throw refused("bad_request", "400 Bad request - id_token is not a JSON Web Token");
  const claims = jwt.claims;
  const issuer = typeof claims.iss === "string" ? claims.iss : "";
  const repositories = ["repository", "project_path"].map((n) => claims[n]).filter((v): v is string => typeof v === "string" && v.length <= 255).map((v) => v.toLowerCase());
  let candidates: Candidate[] =
    issuer && repositories.length
      ? (
          await db
            .select({ publisher: trustedPublishers, fullPath: projects.fullPath })
            .from(trustedPublishers)
            .innerJoin(projects, eq(projects.id, trustedPublishers.projectId))
            .where(and(eq(trustedPublishers.issuer, issuer), inArray(sql`lower(${trustedPublishers.repository})`, repositories)))
            .limit(100)
        ).filter((c) => projectNamed(c, request.project))
      : [];
  if (candidates.length === 0) {
    console.warn(JSON.stringify({ event: "oidc_exchange", outcome: "refused", reason: "no trusted publisher", issuer, sub: claims.sub ?? null, project: request.project }));
    throw refused("forbidden", "403 Forbidden - no trusted publisher of this registry matches the ID token's issuer and repository");
  }
  const projectIds = [...new Set(candidates.map((c) => c.publisher.projectId))];
  const audit = {
    issuer,
    subject: typeof claims.sub === "string" ? claims.sub.slice(0, 500) : "",
    jti: typeof claims.jti === "string" ? claims.jti.slice(0, 255) : null,
    claims,
    projectId: projectIds.length === 1 ? projectIds[0]! : null,
  };
  const refuse = async (error: AppError, publisherId: number | null = null): Promise<never> => {
    await db.insert(oidcExchanges).values({ ...audit, outcome: "refused", reason: error.message, publisherId }).run();
    throw error;
  };

  // The signature, with the issuer's keys: each publisher's own key source (its JWKS URL, else the issuer's
  // discovery document) must verify it, so a publisher naming its own JWKS URL vouches for itself only.
  const alg = jwt.header.alg;
  if (typeof alg !== "string" || !JWT_ALGORITHMS.includes(alg as JwtAlgorithm)) return refuse(refused("unauthorized", "401 Unauthorized - the ID token must be signed with RS256 or ES256"));
  const kid = typeof jwt.header.kid === "string" ? jwt.header.kid : null;
  const verifiedBy = new Map<string | null, boolean>();
  for (const source of new Set(candidates.map((c) => c.publisher.jwksUrl))) {
    let verified = false;
    try {
      for (const key of await keys.keysFor(issuer, source, kid)) {
        if (keyFits(key, alg as JwtAlgorithm) && (await verifySignature(jwt, alg as JwtAlgorithm, key))) {
          verified = true;
          break;
        }
      }
    } catch (error) {
      if (error instanceof AppError) return refuse(error);
      throw error;
    }
    verifiedBy.set(source, verified);
  }
  candidates = candidates.filter((c) => verifiedBy.get(c.publisher.jwksUrl));
  if (candidates.length === 0) return refuse(refused("unauthorized", "401 Unauthorized - the ID token's signature does not verify with the issuer's keys"));

  const timeProblem = claimProblem(claims, request.audience, now);
  if (timeProblem) return refuse(refused("unauthorized", `401 Unauthorized - ${timeProblem}`));

  // The trust policy: the publishers the claims satisfy, narrowed to one project.
  const reasons: string[] = [];
  const matching = candidates.filter((c) => {
    const why = publisherMismatch(c.publisher, claims);
    if (why) reasons.push(why);
    return why === null;
  });
  if (matching.length === 0) return refuse(refused("forbidden", `403 Forbidden - the ID token does not satisfy a trusted publisher: ${[...new Set(reasons)].join("; ")}`));
  const matchedProjects = new Set(matching.map((c) => c.publisher.projectId));
  if (matchedProjects.size > 1) return refuse(refused("bad_request", "400 Bad request - trusted publishers of several projects match: name the project (project_id)"));
  const chosen = matching[0]!;
  audit.projectId = chosen.publisher.projectId;

  // Replay: the jti is kept until the token expires; expired entries go in the same batch (a bounded few).
  const exp = (claims.exp as number) * 1000;
  const [, claimed] = await db.batch([
    db.delete(oidcUsedTokens).where(sql`rowid IN (SELECT rowid FROM ${oidcUsedTokens} WHERE ${lt(oidcUsedTokens.expiresAt, new Date(now - LEEWAY_S * 1000))} LIMIT 50)`),
    db.insert(oidcUsedTokens).values({ issuer, jti: audit.jti!, expiresAt: new Date(exp + LEEWAY_S * 1000) }).onConflictDoNothing().returning({ jti: oidcUsedTokens.jti }),
  ]);
  if (claimed.length === 0) return refuse(refused("unauthorized", "401 Unauthorized - this ID token was already exchanged"), chosen.publisher.id);

  const run = runOf(chosen.publisher.provider, issuer, claims);
  const expiresAt = new Date(now + request.ttlSeconds * 1000);
  const pipelineId = run.pipelineId ?? Math.floor(now / 1000);
  const minted = await createPublisherJobToken(
    db,
    {
      projectId: chosen.publisher.projectId,
      publisherId: chosen.publisher.id,
      packageTypes: chosen.publisher.packageTypes,
      namePatterns: chosen.publisher.namePatterns,
      pipelineId,
      ref: (run.ref ?? "").slice(0, 255),
      sha: (run.sha ?? "").slice(0, 64),
      pipelineUrl: run.pipelineUrl,
      workflow: run.workflow,
      identity: audit.subject,
      expiresAt,
    },
    { ...audit, reason: "", publisherId: chosen.publisher.id },
  );
  console.log(JSON.stringify({ event: "oidc_exchange", outcome: "issued", issuer, sub: audit.subject, project_id: chosen.publisher.projectId, publisher_id: chosen.publisher.id, job_token_id: minted.id }));
  return { token: minted.token, tokenId: minted.id, projectId: chosen.publisher.projectId, projectPath: chosen.fullPath, publisherId: chosen.publisher.id, pipelineId, expiresAt };
}

function projectNamed(candidate: Candidate, project: string | null): boolean {
  if (project === null) return true;
  return /^[0-9]+$/.test(project) ? candidate.publisher.projectId === Number(project) : candidate.fullPath.toLowerCase() === project.toLowerCase();
}

/** Audience, times and jti: what makes a genuine token usable here, now, once. */
function claimProblem(claims: Claims, audience: string, now: number): string | null {
  const aud = claims.aud;
  const audiences = typeof aud === "string" ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audiences.some((a) => typeof a === "string" && a.replace(/\/+$/, "") === audience)) return `the ID token's audience must be ${audience}`;
  const seconds = now / 1000;
  const exp = claims.exp;
  if (typeof exp !== "number" || !Number.isFinite(exp)) return "the ID token has no expiry (exp)";
  if (exp + LEEWAY_S <= seconds) return "the ID token has expired";
  if (exp - seconds > MAX_ID_TOKEN_LIFETIME_S) return "the ID token lives longer than a day";
  if (claims.nbf !== undefined && (typeof claims.nbf !== "number" || claims.nbf - LEEWAY_S > seconds)) return "the ID token is not valid yet (nbf)";
  if (claims.iat !== undefined && (typeof claims.iat !== "number" || claims.iat - LEEWAY_S > seconds)) return "the ID token was issued in the future (iat)";
  if (typeof claims.jti !== "string" || claims.jti.length === 0 || claims.jti.length > 255) return "the ID token has no usable jti (replay protection needs one)";
  return null;
}
