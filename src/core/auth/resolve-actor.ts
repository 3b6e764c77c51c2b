// Turns a request's credential into an Actor: the admin token, a personal access token, a deploy token or
// a CI job token. Unknown, revoked or expired credentials are a 401.
// Resolution is split in three so the registry context can fold it into the request's one D1 batch:
// `lookupOf` (no D1: digest, candidate token kinds, admin check), `actorQueries` (the statements, keyed
// by the token digest) and `actorFromRows` (the rules). `resolveActor` runs the three on their own.
import { and, eq, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { namespacesAboveProject, roleQueries } from "../tenancy";
import type { Db } from "../../db/client";
import { compiledFamily, slot } from "../../db/compiled";
import { deployTokens, jobTokens, jobTokenScopeLinks, personalAccessTokens, users } from "../../db/schema";
import { AppError } from "../errors";
import { ANONYMOUS, type Actor, type UserRecord } from "./actor";
import type { Credential } from "./credentials";
import { underlyingCredential } from "./format-tokens";
import { digestMatchesSecret, tokenDigest } from "./secrets";

export const ROOT_USER_ID = 1;
const LAST_USED_RESOLUTION_MS = 10 * 60 * 1000;

export interface ResolveOptions {
  adminToken?: string;
  /** Work to finish after the response (e.g. the token's last-used time). */
  defer?: (work: Promise<unknown>) => void;
  now?: number;
  /** The format whose route the request matched: its own minted tokens are accepted there only. */
  format?: string;
}

type TokenKind = "pat" | "deploy" | "job";

/** What a credential can be, worked out without D1. */
export interface ActorLookup {
  /** The admin token: the actor is `root`. */
  admin: boolean;
  digest: string;
  /** Token tables to look in, in order of precedence. */
  kinds: TokenKind[];
}

export async function lookupOf(presented: Credential, options: ResolveOptions): Promise<ActorLookup> {
  // A format's minted token (Conan's) stands for the credential it was minted from (src/core/auth/format-tokens.ts).
  const credential = (await underlyingCredential(presented, options))!;
  const { token, source } = credential;
  // One digest of the presented token serves both the admin comparison and the token tables' lookup.
  const digest = await tokenDigest(token);
  const admin = !!options.adminToken && source !== "deploy_token" && source !== "job_token" && (await digestMatchesSecret(digest, options.adminToken));
  return { admin, digest: credential.digest ?? digest, kinds: admin ? [] : candidateKinds(credential) };
}

function candidateKinds(credential: Credential): TokenKind[] {
  if (credential.source === "private_token") return ["pat"];
  if (credential.source === "deploy_token") return ["deploy"];
  if (credential.source === "job_token" || credential.username === "gitlab-ci-token") return ["job"];
  if (credential.token.startsWith("glpat-")) return ["pat"];
  if (credential.token.startsWith("gldt-")) return ["deploy"];
  if (credential.token.startsWith("glcbt-")) return ["job"];
  return ["pat", "deploy", "job"];
}

/** What the statements of a lookup depend on: its digest is a placeholder in compiled statements. */
type LookupShape = Pick<ActorLookup, "admin" | "kinds"> & { digest: string | SQLWrapper };

/** A lookup's statement variant: the admin token, or the token tables looked in. */
const variantOf = (lookup: ActorLookup) => (lookup.admin ? "admin" : lookup.kinds.join(","));
const shapeOf = (variant: string): LookupShape => ({ admin: variant === "admin", kinds: variant === "admin" ? [] : (variant.split(",") as TokenKind[]), digest: slot("digest") });

const actorFamily = compiledFamily((db, variant) => buildActorQueries(db, shapeOf(variant)));
const roleFamily = compiledFamily((db, variant) => roleQueries(db, userIdsOf(shapeOf(variant))!));

/**
 * The statements that find the credential's rows: one per candidate token table, then the users they name
 * (root's row for the admin token). No joins: D1 returns batch rows as objects, where the columns two joined
 * tables share (id, name, …) would collide. Built once per isolate for each kind of lookup.
 */
export function actorQueries(db: Db, lookup: ActorLookup) {
  return actorFamily(db, variantOf(lookup), { digest: lookup.digest });
}

/** The memberships of the user the credential stands for, in the same batch as `actorQueries`; null when it stands for none. */
export function lookupRoleQueries(db: Db, lookup: ActorLookup) {
  return standsForUser(lookup) ? roleFamily(db, variantOf(lookup), { digest: lookup.digest }) : null;
}

function buildActorQueries(db: Db, lookup: LookupShape) {
  const userIds = userIdsOf(lookup);
  const tokenQueries = lookup.kinds.map((kind) => {
    if (kind === "pat") return db.select().from(personalAccessTokens).where(eq(personalAccessTokens.tokenDigest, lookup.digest));
    if (kind === "deploy") return db.select().from(deployTokens).where(and(eq(deployTokens.tokenDigest, lookup.digest), eq(deployTokens.revoked, false)));
    return db.select().from(jobTokens).where(eq(jobTokens.tokenDigest, lookup.digest));
  });
  const withUsers = userIds ? [...tokenQueries, db.select().from(users).where(sql`${users.id} IN ${userIds}`)] : tokenQueries;
  // A job token's reach: the projects whose job token allowlist lets its project (or a group above it) in,
  // read in the same batch (a statement only when the credential may be a job token).
  return lookup.kinds.includes("job") ? [...withUsers, allowlistQuery(db, lookup.digest)] : withUsers;
}

/** Projects whose allowlist admits the job token's project, directly or through a group above it (bounded). */
function allowlistQuery(db: Db, digest: string | SQLWrapper) {
  const tokenProject = sql`(SELECT project_id FROM job_tokens WHERE token_digest = ${digest})`;
  const ancestors = namespacesAboveProject(tokenProject);
  return db
    .select({ projectId: jobTokenScopeLinks.sourceProjectId })
    .from(jobTokenScopeLinks)
    .where(sql`${jobTokenScopeLinks.targetProjectId} = ${tokenProject} OR ${jobTokenScopeLinks.targetNamespaceId} IN ${ancestors}`)
    .limit(MAX_ALLOWLISTED);
}

/** How many allowlisting projects a job token's reach holds (beyond this, the oldest links are not seen). */
const MAX_ALLOWLISTED = 1000;

/** Whether the credential may stand for a user (deploy tokens stand for none). */
const standsForUser = (lookup: Pick<ActorLookup, "admin" | "kinds">) => lookup.admin || lookup.kinds.includes("pat") || lookup.kinds.includes("job");

/** The user id(s) a credential may stand for, as SQL, so memberships can be read in the same batch. */
function userIdsOf(lookup: LookupShape): SQL | null {
  if (lookup.admin) return sql`(SELECT ${ROOT_USER_ID})`;
  const parts: SQL[] = [];
  if (lookup.kinds.includes("pat")) parts.push(sql`SELECT user_id FROM personal_access_tokens WHERE token_digest = ${lookup.digest}`);
  if (lookup.kinds.includes("job")) parts.push(sql`SELECT user_id FROM job_tokens WHERE token_digest = ${lookup.digest}`);
  return parts.length ? sql`(${sql.join(parts, sql` UNION ALL `)})` : null;
}

type UserRow = typeof users.$inferSelect;
type PatRow = typeof personalAccessTokens.$inferSelect;
type JobRow = typeof jobTokens.$inferSelect;
type DeployRow = typeof deployTokens.$inferSelect;

/** The actor the rows of `actorQueries` (in the same order) describe, or null when the credential is not valid now. */
export function actorFromRows(db: Db, lookup: ActorLookup, results: unknown[][], options: ResolveOptions): Actor | null {
  const now = options.now ?? Date.now();
  const hasUsers = standsForUser(lookup);
  const usersById = new Map(((hasUsers ? results[lookup.kinds.length] : []) as UserRow[]).map((u) => [u.id, u]));
  const allowedBy = lookup.kinds.includes("job") ? ((results[lookup.kinds.length + (hasUsers ? 1 : 0)] ?? []) as { projectId: number }[]).map((r) => r.projectId) : [];
  if (lookup.admin) {
    const root = usersById.get(ROOT_USER_ID);
    return root?.state === "active" ? { kind: "user", user: userRecord(root), scopes: ["api"], via: "admin_token" } : null;
  }
  for (const [i, kind] of lookup.kinds.entries()) {
    const row = results[i]?.[0];
    if (!row) continue;
    const actor =
      kind === "pat"
        ? fromPersonalToken(db, row as PatRow, usersById.get((row as PatRow).userId), now, options)
        : kind === "deploy"
          ? fromDeployToken(row as DeployRow, now)
          : fromJobToken(row as JobRow, usersById.get((row as JobRow).userId ?? 0), now, allowedBy);
    if (actor) return actor;
  }
  return null;
}

export const invalidToken = () => new AppError("unauthorized", "401 Unauthorized - invalid or expired token");

/** Resolve a credential on its own (one batch); the registry context folds this into its read batch instead. */
export async function resolveActor(db: Db, credential: Credential | null, options: ResolveOptions): Promise<Actor> {
  if (!credential) return ANONYMOUS;
  const lookup = await lookupOf(credential, options);
  const queries = actorQueries(db, lookup);
  const results = (await db.batch(queries as [(typeof queries)[number], ...(typeof queries)[number][]])) as unknown[][];
  const actor = actorFromRows(db, lookup, results, options);
  if (!actor) throw invalidToken();
  return actor;
}

const userRecord = (row: typeof users.$inferSelect): UserRecord => ({ id: row.id, username: row.username, name: row.name, isAdmin: row.isAdmin });

function expiredOn(expiresAt: string | null, now: number): boolean {
  return expiresAt !== null && Date.parse(`${expiresAt}T00:00:00Z`) <= now;
}

function fromPersonalToken(db: Db, token: PatRow, user: UserRow | undefined, now: number, options: ResolveOptions): Actor | null {
  if (!user || token.revoked || expiredOn(token.expiresAt, now) || user.state !== "active") return null;
  if (!token.lastUsedAt || now - token.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    // Off the response path: at most one write per token per ten minutes.
    const touch = () => db.update(personalAccessTokens).set({ lastUsedAt: new Date(now) }).where(eq(personalAccessTokens.id, token.id)).run();
    if (options.defer) options.defer(touch());
    else void touch().catch(() => undefined);
  }
  return { kind: "user", user: userRecord(user), scopes: token.scopes, via: "personal_access_token", tokenId: token.id };
}

function fromDeployToken(row: DeployRow, now: number): Actor | null {
  if (row.expiresAt && row.expiresAt.getTime() <= now) return null;
  return {
    kind: "deploy_token",
    token: { id: row.id, username: row.username, projectId: row.projectId, namespaceId: row.namespaceId, scopes: row.scopes },
  };
}

function fromJobToken(job: JobRow, user: UserRow | undefined, now: number, allowedBy: number[]): Actor | null {
  if (job.expiresAt.getTime() <= now) return null;
  const pipeline = { id: job.pipelineId, ref: job.ref, sha: job.sha, url: job.pipelineUrl, workflow: job.workflow, identity: job.identity };
  // A token of the OIDC exchange acts as its trusted publisher (removing the publisher expires its tokens).
  if (job.userId === null) {
    if (job.trustedPublisherId === null) return null;
    const publisher = { id: job.trustedPublisherId, packageTypes: job.packageTypes ?? [], namePatterns: job.namePatterns ?? [] };
    return { kind: "job_token", user: null, projectId: job.projectId, pipeline, publisher, allowedBy };
  }
  if (user?.state !== "active") return null;
  return { kind: "job_token", user: userRecord(user), projectId: job.projectId, pipeline, allowedBy };
}
