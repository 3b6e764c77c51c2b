// Project and group access tokens (GitLab's resource access tokens): each token belongs to a bot user
// (user_type project_bot) made for it, who is a member of the project or group with the token's access
// level; the token itself is the bot's personal access token, so it authenticates like any other.
// Spec: GitLab doc/api/project_access_tokens.md, doc/api/group_access_tokens.md, lib/api/resource_access_tokens.rb,
// app/services/resource_access_tokens/create_service.rb.
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { members, personalAccessTokens, users } from "../../db/schema";
import { ACCESS_LEVELS } from "../auth/actor";
import { generateToken, tokenDigest } from "../auth/secrets";
import { AppError } from "../errors";
import type { MemberSource } from "./members";
import { rotatePersonalAccessToken, type PersonalTokenRow } from "./tokens";

export interface ResourceToken {
  token: PersonalTokenRow;
  accessLevel: number;
}

export interface NewResourceToken {
  name: string;
  description: string | null;
  scopes: string[];
  /** YYYY-MM-DD. */
  expiresAt: string;
  accessLevel: number;
}

/** Who manages a resource's tokens: a project's Maintainers (admin_project), a group's Owners (admin_group). */
export function checkResourceTokenManager(source: MemberSource, callerRole: number): boolean {
  return callerRole >= (source.sourceType === "Project" ? ACCESS_LEVELS.maintainer : ACCESS_LEVELS.owner);
}

const kindOf = (source: MemberSource) => (source.sourceType === "Project" ? "project" : "group");

/**
 * One batch: the bot user, its membership (the token's level, lapsing with the token) and its token. GitLab's
 * refusals are 400s: a caller who may not manage the resource's tokens, a level above the caller's own.
 */
export async function createResourceToken(db: Db, source: MemberSource, input: NewResourceToken, callerRole: number, host: string): Promise<{ row: ResourceToken; token: string }> {
  if (!checkResourceTokenManager(source, callerRole)) throw new AppError("bad_request", `400 Bad request - User does not have permission to create ${kindOf(source)} access token`);
  if (input.accessLevel > callerRole) throw new AppError("bad_request", "400 Bad request - Access level of the token can't be greater the access level of the user who created the token");
  const random = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
  const username = `${kindOf(source)}_${source.id}_bot_${random}`;
  const botId = sql`(SELECT id FROM users WHERE username = ${username})`;
  const token = generateToken("glpat-");
  const digest = await tokenDigest(token);
  const [, , [row]] = await db.batch([
    db.insert(users).values({ username, name: input.name, email: `${username}@noreply.${host}`, userType: "project_bot" }),
    db.insert(members).values({ sourceType: source.sourceType, sourceId: source.id, userId: botId, accessLevel: input.accessLevel, expiresAt: input.expiresAt }),
    db
      .insert(personalAccessTokens)
      .values({ userId: botId, name: input.name, description: input.description, scopes: input.scopes, expiresAt: input.expiresAt, tokenDigest: digest })
      .returning(),
  ]);
  return { row: { token: row!, accessLevel: input.accessLevel }, token };
}

/** The tokens of the resource's bots, newest first; `state` as GitLab's filter (active: not revoked, not expired). */
export async function listResourceTokens(db: Db, source: MemberSource, state?: "active" | "inactive", now = new Date()): Promise<ResourceToken[]> {
  const today = now.toISOString().slice(0, 10);
  const active = sql`(${personalAccessTokens.revoked} = 0 AND (${personalAccessTokens.expiresAt} IS NULL OR ${personalAccessTokens.expiresAt} > ${today}))`;
  const rows = await db
    .select({ token: personalAccessTokens, accessLevel: members.accessLevel })
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .innerJoin(personalAccessTokens, eq(personalAccessTokens.userId, users.id))
    .where(and(botsOf(source), state === "active" ? active : state === "inactive" ? sql`NOT ${active}` : undefined))
    .orderBy(desc(personalAccessTokens.id))
    .all();
  return rows;
}

export async function getResourceToken(db: Db, source: MemberSource, tokenId: number): Promise<ResourceToken | null> {
  const row = await db
    .select({ token: personalAccessTokens, accessLevel: members.accessLevel })
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .innerJoin(personalAccessTokens, eq(personalAccessTokens.userId, users.id))
    .where(and(botsOf(source), eq(personalAccessTokens.id, tokenId)))
    .get();
  return row ?? null;
}

/** Revoke (the bot keeps its membership, so the token stays listed as inactive). */
export async function revokeResourceToken(db: Db, source: MemberSource, tokenId: number, callerRole: number): Promise<void> {
  const found = await getResourceToken(db, source, tokenId);
  if (!found) throw new AppError("not_found", `404 Could not find ${kindOf(source)} access token with token_id: ${tokenId}`);
  if (!checkResourceTokenManager(source, callerRole) || found.accessLevel > callerRole) {
    throw new AppError("bad_request", `400 Bad request - the caller cannot revoke ${kindOf(source)} access token ${tokenId}`);
  }
  await db.update(personalAccessTokens).set({ revoked: true }).where(eq(personalAccessTokens.id, tokenId)).run();
}

/** Rotate: a new token with the same name, scopes and level; the membership now lapses with the new token. */
export async function rotateResourceToken(db: Db, source: MemberSource, tokenId: number, expiresAt: string | null): Promise<{ row: ResourceToken; token: string }> {
  const found = await getResourceToken(db, source, tokenId);
  if (!found) throw new AppError("not_found", "404 Not Found");
  const { row, token } = await rotatePersonalAccessToken(db, tokenId, found.token.userId, expiresAt);
  await db.update(members).set({ expiresAt: row.expiresAt }).where(and(eq(members.userId, row.userId), eq(members.sourceType, source.sourceType), eq(members.sourceId, source.id))).run();
  return { row: { token: row, accessLevel: found.accessLevel }, token };
}

const botsOf = (source: MemberSource) => and(eq(members.sourceType, source.sourceType), eq(members.sourceId, source.id), eq(users.userType, "project_bot"));
