// Turns a request's credential into an Actor: the admin token, a personal access token,
// a deploy token or a CI job token. Unknown, revoked or expired credentials are a 401.
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { deployTokens, jobTokens, personalAccessTokens, users } from "../../db/schema";
import { AppError } from "../errors";
import { ANONYMOUS, type Actor, type UserRecord } from "./actor";
import type { Credential } from "./credentials";
import { underlyingCredential } from "./format-tokens";
import { secretsEqual, tokenDigest } from "./secrets";

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

export async function resolveActor(db: Db, presented: Credential | null, options: ResolveOptions): Promise<Actor> {
  const credential = await underlyingCredential(presented, options); // a format's minted token → what it was minted from
  if (!credential) return ANONYMOUS;
  const now = options.now ?? Date.now();
  const { token, source } = credential;

  if (options.adminToken && source !== "deploy_token" && source !== "job_token" && (await secretsEqual(token, options.adminToken))) {
    const root = await getActiveUser(db, ROOT_USER_ID);
    if (root) return { kind: "user", user: root, scopes: ["api"], via: "admin_token" };
  }

  const digest = credential.digest ?? (await tokenDigest(token));
  const kinds = candidateKinds(credential);
  for (const kind of kinds) {
    const actor =
      kind === "pat" ? await fromPersonalToken(db, digest, now, options) : kind === "deploy" ? await fromDeployToken(db, digest, now) : await fromJobToken(db, digest, now);
    if (actor) return actor;
  }
  throw new AppError("unauthorized", "401 Unauthorized - invalid or expired token");
}

function candidateKinds(credential: Credential): ("pat" | "deploy" | "job")[] {
  if (credential.source === "private_token") return ["pat"];
  if (credential.source === "deploy_token") return ["deploy"];
  if (credential.source === "job_token" || credential.username === "gitlab-ci-token") return ["job"];
  if (credential.token.startsWith("glpat-")) return ["pat"];
  if (credential.token.startsWith("gldt-")) return ["deploy"];
  if (credential.token.startsWith("glcbt-")) return ["job"];
  return ["pat", "deploy", "job"];
}

async function getActiveUser(db: Db, id: number): Promise<UserRecord | null> {
  const row = await db.select().from(users).where(eq(users.id, id)).get();
  if (row?.state !== "active") return null;
  return { id: row.id, username: row.username, name: row.name, isAdmin: row.isAdmin };
}

function expiredOn(expiresAt: string | null, now: number): boolean {
  return expiresAt !== null && Date.parse(`${expiresAt}T00:00:00Z`) <= now;
}

async function fromPersonalToken(db: Db, digest: string, now: number, options: ResolveOptions): Promise<Actor | null> {
  const row = await db
    .select({ token: personalAccessTokens, user: users })
    .from(personalAccessTokens)
    .innerJoin(users, eq(users.id, personalAccessTokens.userId))
    .where(eq(personalAccessTokens.tokenDigest, digest))
    .get();
  if (!row || row.token.revoked || expiredOn(row.token.expiresAt, now) || row.user.state !== "active") return null;
  if (!row.token.lastUsedAt || now - row.token.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    const touch = db.update(personalAccessTokens).set({ lastUsedAt: new Date(now) }).where(eq(personalAccessTokens.id, row.token.id)).run();
    if (options.defer) options.defer(touch);
    else await touch;
  }
  const user = { id: row.user.id, username: row.user.username, name: row.user.name, isAdmin: row.user.isAdmin };
  return { kind: "user", user, scopes: row.token.scopes, via: "personal_access_token", tokenId: row.token.id };
}

async function fromDeployToken(db: Db, digest: string, now: number): Promise<Actor | null> {
  const row = await db.select().from(deployTokens).where(and(eq(deployTokens.tokenDigest, digest), eq(deployTokens.revoked, false))).get();
  if (!row || (row.expiresAt && row.expiresAt.getTime() <= now)) return null;
  return {
    kind: "deploy_token",
    token: { id: row.id, username: row.username, projectId: row.projectId, namespaceId: row.namespaceId, scopes: row.scopes },
  };
}

async function fromJobToken(db: Db, digest: string, now: number): Promise<Actor | null> {
  const row = await db
    .select({ job: jobTokens, user: users })
    .from(jobTokens)
    .innerJoin(users, eq(users.id, jobTokens.userId))
    .where(eq(jobTokens.tokenDigest, digest))
    .get();
  if (!row || row.job.expiresAt.getTime() <= now || row.user.state !== "active") return null;
  const user = { id: row.user.id, username: row.user.username, name: row.user.name, isAdmin: row.user.isAdmin };
  return { kind: "job_token", user, projectId: row.job.projectId, pipeline: { id: row.job.pipelineId, ref: row.job.ref, sha: row.job.sha } };
}
