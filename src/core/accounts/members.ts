// Membership writes on a project or a group: add, change, remove. Roles inherit down the group tree
// (src/core/tenancy.ts). Spec: GitLab doc/api/members.md; access levels 10 Guest … 50 Owner.
// Who may make which change is decided in `checkMemberChange`, from the caller's role on the source.
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { members } from "../../db/schema";
import { ACCESS_LEVELS } from "../auth/actor";
import { AppError } from "../errors";
import { unlessTaken } from "./unique";

export type MemberRow = typeof members.$inferSelect;

/** A project (`Project`) or a group (`Namespace`). */
export interface MemberSource {
  sourceType: "Project" | "Namespace";
  id: number;
}

export interface Membership {
  accessLevel: number;
  /** YYYY-MM-DD after which the membership lapses; null = never. */
  expiresAt: string | null;
}

export type MemberChange = { kind: "add"; accessLevel: number } | { kind: "update"; userId: number; accessLevel: number } | { kind: "remove"; userId: number };

/**
 * Today's rule: granting Owner to a new project member needs the Owner role (administrators count as
 * Owners). The callers already required Maintainer for every member change.
 */
export function checkMemberChange(source: MemberSource, change: MemberChange, callerRole: number): void {
  if (change.kind === "add" && change.accessLevel === ACCESS_LEVELS.owner && source.sourceType === "Project" && callerRole < ACCESS_LEVELS.owner) {
    throw new AppError("forbidden");
  }
}

export async function addMember(db: Db, source: MemberSource, userId: number, membership: Membership, callerRole: number): Promise<MemberRow> {
  checkMemberChange(source, { kind: "add", accessLevel: membership.accessLevel }, callerRole);
  const [row] = await unlessTaken(
    db.insert(members).values({ sourceType: source.sourceType, sourceId: source.id, userId, accessLevel: membership.accessLevel, expiresAt: membership.expiresAt }).returning(),
    () => new AppError("conflict", "Member already exists"),
  );
  return row!;
}

export async function updateMember(db: Db, source: MemberSource, userId: number, membership: Membership, callerRole: number): Promise<MemberRow> {
  checkMemberChange(source, { kind: "update", userId, accessLevel: membership.accessLevel }, callerRole);
  const [row] = await db.update(members).set({ accessLevel: membership.accessLevel, expiresAt: membership.expiresAt }).where(memberOf(source, userId)).returning();
  if (!row) throw new AppError("not_found", "404 Member Not Found");
  return row;
}

export async function removeMember(db: Db, source: MemberSource, userId: number, callerRole: number): Promise<void> {
  checkMemberChange(source, { kind: "remove", userId }, callerRole);
  const [row] = await db.delete(members).where(memberOf(source, userId)).returning({ id: members.id });
  if (!row) throw new AppError("not_found", "404 Member Not Found");
}

const memberOf = (source: MemberSource, userId: number) => and(eq(members.sourceType, source.sourceType), eq(members.sourceId, source.id), eq(members.userId, userId));
