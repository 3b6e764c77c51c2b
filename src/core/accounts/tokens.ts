// Token writes: personal access tokens, deploy tokens of a project or group, CI job tokens. A token is
// returned once, at creation; only its SHA-256 digest is stored (src/core/auth/secrets.ts).
// Spec: GitLab doc/api/personal_access_tokens.md, doc/api/deploy_tokens.md.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { deployTokens, jobTokens, oidcExchanges, personalAccessTokens, users } from "../../db/schema";
import { ACCESS_LEVELS } from "../auth/actor";
import { generateToken, tokenDigest } from "../auth/secrets";
import { AppError } from "../errors";

export type PersonalTokenRow = typeof personalAccessTokens.$inferSelect;
export type DeployTokenRow = typeof deployTokens.$inferSelect;

export interface NewPersonalToken {
  name: string;
  description?: string | null;
  scopes: string[];
  /** YYYY-MM-DD, the first day the token no longer works; null = never. */
  expiresAt: string | null;
}

export async function createPersonalAccessToken(db: Db, userId: number, input: NewPersonalToken): Promise<{ row: PersonalTokenRow; token: string }> {
  const user = await db.select({ id: users.id }).from(users).where(eq(users.id, userId)).get();
  if (!user) throw new AppError("not_found", "404 User Not Found");
  const token = generateToken("glpat-");
  const [row] = await db
    .insert(personalAccessTokens)
    .values({ userId, name: input.name, description: input.description ?? null, scopes: input.scopes, expiresAt: input.expiresAt, tokenDigest: await tokenDigest(token) })
    .returning();
  return { row: row!, token };
}

/** Revoke a token of `ownerId` (null: of anyone, for administrators). */
export async function revokePersonalAccessToken(db: Db, id: number, ownerId: number | null): Promise<void> {
  const where = ownerId === null ? eq(personalAccessTokens.id, id) : and(eq(personalAccessTokens.id, id), eq(personalAccessTokens.userId, ownerId));
  const [row] = await db.update(personalAccessTokens).set({ revoked: true }).where(where).returning({ id: personalAccessTokens.id });
  if (!row) throw new AppError("not_found", "404 Personal access token Not Found");
}

/**
 * Rotate a token of `ownerId` (null: of anyone, for administrators): the old one is revoked and a new one
 * with the same name and scopes made, in one batch. GitLab's default lifetime for the new token is a week.
 * Spec: GitLab doc/api/personal_access_tokens.md "Rotate a personal access token".
 */
export async function rotatePersonalAccessToken(db: Db, id: number, ownerId: number | null, expiresAt: string | null, now = new Date()): Promise<{ row: PersonalTokenRow; token: string }> {
  const where = ownerId === null ? eq(personalAccessTokens.id, id) : and(eq(personalAccessTokens.id, id), eq(personalAccessTokens.userId, ownerId));
  const old = await db.select().from(personalAccessTokens).where(where).get();
  if (!old) throw new AppError("not_found", "404 Personal access token Not Found");
  const expired = old.expiresAt !== null && Date.parse(`${old.expiresAt}T00:00:00Z`) <= now.getTime();
  if (old.revoked || expired) throw new AppError("bad_request", "400 Bad request - Token already revoked or expired");
  const token = generateToken("glpat-");
  const expires = expiresAt ?? new Date(now.getTime() + 7 * 86_400_000).toISOString().slice(0, 10);
  const digest = await tokenDigest(token);
  // One batch: the revoke counts only while the token is still active, and the new token is inserted only when
  // that revoke changed a row (changes() of the statement before), so two rotations cannot both succeed.
  const [revoked] = await db.batch([
    db.update(personalAccessTokens).set({ revoked: true }).where(and(eq(personalAccessTokens.id, old.id), eq(personalAccessTokens.revoked, false))).returning({ id: personalAccessTokens.id }),
    db.insert(personalAccessTokens).select(
      db
        .select({
          // Every column in the table's order, as an INSERT … SELECT needs.
          id: sql<number>`NULL`.as("id"),
          userId: personalAccessTokens.userId,
          name: personalAccessTokens.name,
          description: personalAccessTokens.description,
          tokenDigest: sql<string>`${digest}`.as("token_digest"),
          scopes: personalAccessTokens.scopes,
          expiresAt: sql<string>`${expires}`.as("expires_at"),
          revoked: sql<boolean>`0`.as("revoked"),
          lastUsedAt: sql<Date | null>`NULL`.as("last_used_at"),
          createdAt: sql<Date>`${now.getTime()}`.as("created_at"),
        })
        .from(personalAccessTokens)
        .where(and(eq(personalAccessTokens.id, old.id), sql`changes() = 1`)),
    ),
  ]);
  const row = revoked.length > 0 ? await db.select().from(personalAccessTokens).where(eq(personalAccessTokens.tokenDigest, digest)).get() : undefined;
  if (!row) throw new AppError("bad_request", "400 Bad request - Token already revoked or expired");
  return { row, token };
}

/** What a deploy token belongs to: one project, or a group (and so its subgroups' projects). */
export type DeployTokenOwner = { projectId: number } | { namespaceId: number };

export interface NewDeployToken {
  name: string;
  /** null: GitLab's default, `gitlab+deploy-token-<id>`. */
  username: string | null;
  scopes: string[];
  expiresAt: Date | null;
}

/**
 * Who creates and revokes deploy tokens (doc/user/project/deploy_tokens: "To create [revoke] a group deploy
 * token, you must have the Owner role for the group. To create [revoke] a project deploy token, you must
 * have at least the Maintainer role for the project"; listing a group's needs Maintainer, doc/api/deploy_tokens.md).
 */
export function checkDeployTokenChange(owner: DeployTokenOwner, callerRole: number): void {
  const needed = "projectId" in owner ? ACCESS_LEVELS.maintainer : ACCESS_LEVELS.owner;
  if (callerRole < needed) throw new AppError("forbidden");
}

/** One round trip: the row, and its default username once its id is known. */
export async function createDeployToken(db: Db, owner: DeployTokenOwner, input: NewDeployToken, callerRole: number): Promise<{ row: DeployTokenRow; token: string }> {
  checkDeployTokenChange(owner, callerRole);
  const token = generateToken("gldt-");
  const digest = await tokenDigest(token);
  const [, named] = await db.batch([
    db.insert(deployTokens).values({
      projectId: "projectId" in owner ? owner.projectId : null,
      namespaceId: "namespaceId" in owner ? owner.namespaceId : null,
      name: input.name,
      username: input.username ?? "",
      scopes: input.scopes,
      expiresAt: input.expiresAt,
      tokenDigest: digest,
    }),
    db
      .update(deployTokens)
      .set({ username: input.username ?? sql`'gitlab+deploy-token-' || ${deployTokens.id}` })
      .where(eq(deployTokens.tokenDigest, digest))
      .returning(),
  ]);
  return { row: named[0]!, token };
}

export async function revokeDeployToken(db: Db, owner: DeployTokenOwner, tokenId: number, callerRole: number): Promise<void> {
  checkDeployTokenChange(owner, callerRole);
  const ownedBy = "projectId" in owner ? eq(deployTokens.projectId, owner.projectId) : eq(deployTokens.namespaceId, owner.namespaceId);
  const [row] = await db.update(deployTokens).set({ revoked: true }).where(and(ownedBy, eq(deployTokens.id, tokenId))).returning({ id: deployTokens.id });
  if (!row) throw new AppError("not_found", "404 Deploy Token Not Found");
}

export interface NewJobToken {
  projectId: number;
  userId: number;
  pipelineId: number;
  ref: string;
  sha: string;
  expiresAt: Date;
}

/** A CI job's token: acts as `userId`, inside `projectId` only, until `expiresAt`. */
export async function createJobToken(db: Db, input: NewJobToken): Promise<{ token: string }> {
  const token = generateToken("glcbt-");
  await db.insert(jobTokens).values({ ...input, tokenDigest: await tokenDigest(token) }).run();
  return { token };
}

export interface NewPublisherJobToken {
  projectId: number;
  publisherId: number;
  packageTypes: string[];
  namePatterns: string[];
  pipelineId: number;
  ref: string;
  sha: string;
  pipelineUrl: string | null;
  workflow: string | null;
  identity: string;
  expiresAt: Date;
}

/**
 * A job token of the OIDC exchange (src/core/ci/exchange.ts): no user, the trusted publisher's rights and
 * limits; written in one batch with the exchange's audit row, which names the token.
 */
export async function createPublisherJobToken(db: Db, input: NewPublisherJobToken, audit: Omit<typeof oidcExchanges.$inferInsert, "jobTokenId" | "outcome">): Promise<{ token: string; id: number }> {
  const token = generateToken("glcbt-");
  const digest = await tokenDigest(token);
  const { publisherId, ...rest } = input;
  const [[row]] = await db.batch([
    db.insert(jobTokens).values({ ...rest, userId: null, trustedPublisherId: publisherId, tokenDigest: digest }).returning({ id: jobTokens.id }),
    db.insert(oidcExchanges).values({ ...audit, outcome: "issued", jobTokenId: sql`(SELECT id FROM job_tokens WHERE token_digest = ${digest})` as unknown as number }),
  ]);
  return { token, id: row!.id };
}

/**
 * Revoke a CI job token of a project (Maintainers and Owners; a Packyard extension, GitLab revokes its own
 * job tokens when the job ends): it expires now, so the next request that presents it is a 401
 * (src/core/auth/resolve-actor.ts reads the row on every request), and the list still shows it.
 */
export async function revokeJobToken(db: Db, projectId: number, tokenId: number, callerRole: number, now = new Date()): Promise<void> {
  if (callerRole < ACCESS_LEVELS.maintainer) throw new AppError("forbidden");
  const [row] = await db
    .update(jobTokens)
    .set({ expiresAt: sql`MIN(${jobTokens.expiresAt}, ${now.getTime()})` })
    .where(and(eq(jobTokens.projectId, projectId), eq(jobTokens.id, tokenId)))
    .returning({ id: jobTokens.id });
  if (!row) throw new AppError("not_found", "404 Job Token Not Found");
}
