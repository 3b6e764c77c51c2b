// Trusted publishers: which CI identities (an OIDC issuer and the claims its ID tokens must carry) may
// exchange an ID token for a job token of a project (src/core/ci/exchange.ts). Maintainers add and remove
// them; removing one expires the job tokens minted for it.
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { jobTokens, trustedPublishers, type TrustedPublisherProvider } from "../../db/schema";
import { AppError } from "../errors";

export type TrustedPublisherRow = typeof trustedPublishers.$inferSelect;

/** The issuers of the hosted CI services; Forgejo/Gitea and any other OIDC issuer must be given. */
export const DEFAULT_ISSUERS: Partial<Record<TrustedPublisherProvider, string>> = {
  github: "https://token.actions.githubusercontent.com",
  gitlab: "https://gitlab.com",
};

export interface NewTrustedPublisher {
  provider: TrustedPublisherProvider;
  issuer?: string | null;
  jwksUrl?: string | null;
  repository: string;
  workflow?: string | null;
  ref?: string | null;
  environment?: string | null;
  claims?: Record<string, string>;
  packageTypes?: string[];
  namePatterns?: string[];
}

/**
 * An issuer or JWKS URL: https, or http to a loopback address (a CI system and registry on one machine, the
 * end-to-end tests); no credentials, query or fragment. Normalised without a trailing slash, as `iss` is compared exactly.
 */
export function issuerUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a URL";
  }
  const loopback = url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) return "must be https (http only to a loopback address)";
  if (url.username || url.password || url.search || url.hash) return "must have no credentials, query or fragment";
  return null;
}

export async function createTrustedPublisher(db: Db, projectId: number, creatorId: number | null, input: NewTrustedPublisher): Promise<TrustedPublisherRow> {
  const issuer = (input.issuer ?? DEFAULT_ISSUERS[input.provider] ?? "").replace(/\/+$/, "");
  if (!issuer) throw new AppError("bad_request", `400 Bad request - issuer is required for provider ${input.provider}`);
  const problem = issuerUrlProblem(issuer);
  if (problem) throw new AppError("bad_request", `400 Bad request - issuer ${problem}`);
  const jwksProblem = input.jwksUrl ? issuerUrlProblem(input.jwksUrl) : null;
  if (jwksProblem) throw new AppError("bad_request", `400 Bad request - jwks_url ${jwksProblem}`);
  const [row] = await db
    .insert(trustedPublishers)
    .values({
      projectId,
      provider: input.provider,
      issuer,
      jwksUrl: input.jwksUrl ?? null,
      repository: input.repository,
      workflow: input.workflow ?? null,
      ref: input.ref ?? null,
      environment: input.environment ?? null,
      claims: input.claims ?? {},
      packageTypes: [...new Set(input.packageTypes ?? [])],
      namePatterns: [...new Set(input.namePatterns ?? [])],
      creatorId,
    })
    .returning();
  return row!;
}

export function listTrustedPublishers(db: Db, projectId: number): Promise<TrustedPublisherRow[]> {
  return db.select().from(trustedPublishers).where(eq(trustedPublishers.projectId, projectId)).orderBy(desc(trustedPublishers.id)).all();
}

export async function getTrustedPublisher(db: Db, projectId: number, id: number): Promise<TrustedPublisherRow> {
  const row = await db.select().from(trustedPublishers).where(and(eq(trustedPublishers.projectId, projectId), eq(trustedPublishers.id, id))).get();
  if (!row) throw new AppError("not_found", "404 Trusted Publisher Not Found");
  return row;
}

/** Remove a publisher and, in the same batch, expire the job tokens minted for it (they stop at the next request). */
export async function removeTrustedPublisher(db: Db, projectId: number, id: number, now = new Date()): Promise<void> {
  const [removed] = await db.batch([
    db.delete(trustedPublishers).where(and(eq(trustedPublishers.projectId, projectId), eq(trustedPublishers.id, id))).returning({ id: trustedPublishers.id }),
    db
      .update(jobTokens)
      .set({ expiresAt: sql`MIN(${jobTokens.expiresAt}, ${now.getTime()})` })
      .where(and(eq(jobTokens.projectId, projectId), eq(jobTokens.trustedPublisherId, id), isNull(jobTokens.userId))),
  ]);
  if (removed.length === 0) throw new AppError("not_found", "404 Trusted Publisher Not Found");
}
