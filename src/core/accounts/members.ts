// Membership writes on a project or a group: add, change, remove. Roles inherit down the group tree
// (src/core/tenancy.ts). Spec: GitLab doc/api/members.md; access levels 10 Guest … 50 Owner.
// Who may make which change is decided in `checkMemberChange` (pure), from the caller's role on the source
// and the target's current membership; each write re-checks the state it was decided on.
import { and, eq, sql } from "drizzle-orm";
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

/** Who asks: their user id and their role on the source (inherited; administrators count as Owners, see roles.ts). */
export interface MemberCaller {
  userId: number;
  role: number;
}

/** The target's state as the decision needs it: its direct access level, and whether it is the group's last Owner. */
export interface TargetMembership {
  current: number;
  lastOwner: boolean;
}

export type MemberChange =
  | { kind: "add"; userId: number; accessLevel: number }
  | ({ kind: "update"; userId: number; accessLevel: number } & TargetMembership)
  | ({ kind: "remove"; userId: number } & TargetMembership);

/**
 * GitLab's rules for member changes (403 "403 Forbidden" for each refusal, as its API answers an
 * AccessDeniedError):
 * 1. A group's last Owner is neither changed nor removed, by anyone, administrators included
 *    (GroupMemberPolicy `last_owner` prevents update_group_member and destroy_group_member;
 *    Group#last_owner?: no other Owner in the group or, for a subgroup, its ancestors).
 * 2. Anyone may remove their own membership (the policies' `target_is_self` → destroy).
 * 3. Managing members needs Maintainer on a project (admin_project_member) and Owner on a group
 *    (GroupPolicy gives admin_group_member to Owners only).
 * 4. Granting the Owner role, or changing or removing an Owner, needs Owner (Members::UpdateService
 *    prevent_upgrade_to_owner / prevent_downgrade_from_owner, Members::CreateService, `manage_owners`).
 * 5. Nobody grants a role above their own, to themselves or anyone (doc/user/project/members, "Add users to a
 *    project": the maximum role that can be set is Owner (50) if you have the Owner role, Maintainer (40) if
 *    you have the Maintainer role), so a Maintainer cannot raise themselves to Owner.
 */
export function checkMemberChange(source: MemberSource, change: MemberChange, caller: MemberCaller): void {
  if (change.kind !== "add" && change.lastOwner) throw new AppError("forbidden");
  if (change.kind === "remove" && change.userId === caller.userId) return;
  const manage = source.sourceType === "Project" ? ACCESS_LEVELS.maintainer : ACCESS_LEVELS.owner;
  if (caller.role < manage) throw new AppError("forbidden");
  const grants = change.kind === "remove" ? 0 : change.accessLevel;
  const touchesOwner = grants === ACCESS_LEVELS.owner || (change.kind !== "add" && change.current === ACCESS_LEVELS.owner);
  if (touchesOwner && caller.role < ACCESS_LEVELS.owner) throw new AppError("forbidden");
  if (grants > caller.role) throw new AppError("forbidden");
}

export async function addMember(db: Db, source: MemberSource, userId: number, membership: Membership, caller: MemberCaller): Promise<MemberRow> {
  checkMemberChange(source, { kind: "add", userId, accessLevel: membership.accessLevel }, caller);
  const [row] = await unlessTaken(
    db.insert(members).values({ sourceType: source.sourceType, sourceId: source.id, userId, accessLevel: membership.accessLevel, expiresAt: membership.expiresAt }).returning(),
    () => new AppError("conflict", "Member already exists"),
  );
  return row!;
}

export async function updateMember(db: Db, source: MemberSource, userId: number, membership: Membership, caller: MemberCaller): Promise<MemberRow> {
  for (let attempt = 0; ; attempt++) {
    const target = await getTarget(db, source, userId);
    checkMemberChange(source, { kind: "update", userId, accessLevel: membership.accessLevel, ...target }, caller);
    const [row] = await db
      .update(members)
      .set({ accessLevel: membership.accessLevel, expiresAt: membership.expiresAt })
      .where(unchangedSince(source, target))
      .returning();
    if (row) return row;
    if (attempt === 2) throw new AppError("conflict", "409 Conflict - the membership changed meanwhile");
  }
}

export async function removeMember(db: Db, source: MemberSource, userId: number, caller: MemberCaller): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const target = await getTarget(db, source, userId);
    checkMemberChange(source, { kind: "remove", userId, ...target }, caller);
    const [row] = await db.delete(members).where(unchangedSince(source, target)).returning({ id: members.id });
    if (row) return;
    if (attempt === 2) throw new AppError("conflict", "409 Conflict - the membership changed meanwhile");
  }
}

const memberOf = (source: MemberSource, userId: number) => and(eq(members.sourceType, source.sourceType), eq(members.sourceId, source.id), eq(members.userId, userId));

/**
 * Another active Owner of the group or of a group above it (GitLab counts a subgroup's inherited Owners),
 * for the member row in the outer statement. Projects have no last-Owner rule.
 */
function anotherOwner(source: MemberSource) {
  if (source.sourceType === "Project") return sql`1`;
  const groups = sql`(SELECT '[' || replace(n.traversal_ids, '/', ',') || ']' FROM namespaces n WHERE n.id = ${source.id})`;
  return sql`EXISTS (SELECT 1 FROM members o WHERE o.source_type = 'Namespace' AND o.source_id IN (SELECT value FROM json_each(${groups}))
    AND o.access_level = ${ACCESS_LEVELS.owner} AND o.id <> ${members.id} AND (o.expires_at IS NULL OR o.expires_at > date('now')))`;
}

interface Target extends TargetMembership {
  id: number;
}

async function getTarget(db: Db, source: MemberSource, userId: number): Promise<Target> {
  const row = await db
    .select({ id: members.id, current: members.accessLevel, otherOwner: sql<number>`${anotherOwner(source)}` })
    .from(members)
    .where(memberOf(source, userId))
    .get();
  if (!row) throw new AppError("not_found", "404 Member Not Found");
  return { id: row.id, current: row.current, lastOwner: row.current === ACCESS_LEVELS.owner && !row.otherOwner };
}

/** The row as it was decided on: same access level, and (for a group's Owner) still another Owner left. */
function unchangedSince(source: MemberSource, target: Target) {
  const stillNotLast = target.current === ACCESS_LEVELS.owner ? anotherOwner(source) : sql`1`;
  return and(eq(members.id, target.id), eq(members.accessLevel, target.current), stillNotLast);
}
