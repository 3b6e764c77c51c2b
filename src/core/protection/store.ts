// Protection rule writes and reads for the management API and the settings page (GitLab's
// Packages::Protection::{Create,Update,Delete}RuleService). Who may call them (Maintainers) is the caller's
// check; what a rule may say is checked here, and "already taken" by the unique index inside the write.
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { packageProtectionRules } from "../../db/schema";
import { isUniqueViolation } from "../accounts/unique";
import { AppError } from "../errors";
import { ruleProblems, type ProtectionRule } from "./rules";

export type ProtectionRuleRow = typeof packageProtectionRules.$inferSelect;

/** A rule saved, or GitLab's validation messages (its API answers them with a 422). */
export type RuleResult = { ok: true; rule: ProtectionRuleRow } | { ok: false; problems: string[] };

const TAKEN = ["Package name pattern has already been taken"];

export function listProtectionRules(db: Db, projectId: number): Promise<ProtectionRuleRow[]> {
  return db.select().from(packageProtectionRules).where(eq(packageProtectionRules.projectId, projectId)).orderBy(asc(packageProtectionRules.id)).all();
}

export async function getProtectionRule(db: Db, projectId: number, ruleId: number): Promise<ProtectionRuleRow> {
  const row = await db.select().from(packageProtectionRules).where(ruleOf(projectId, ruleId)).get();
  if (!row) throw new AppError("not_found", "404 Not found");
  return row;
}

export async function createProtectionRule(db: Db, projectId: number, input: ProtectionRule): Promise<RuleResult> {
  const problems = ruleProblems(input);
  if (problems.length) return { ok: false, problems };
  try {
    const [rule] = await db.insert(packageProtectionRules).values({ projectId, ...input }).returning();
    return { ok: true, rule: rule! };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, problems: TAKEN };
    throw error;
  }
}

/** Fields left undefined keep their value; a level set to null removes that limit. */
export async function updateProtectionRule(db: Db, projectId: number, ruleId: number, changes: Partial<ProtectionRule>): Promise<RuleResult> {
  const current = await getProtectionRule(db, projectId, ruleId);
  const next: ProtectionRule = {
    packageType: changes.packageType ?? current.packageType,
    packageNamePattern: changes.packageNamePattern ?? current.packageNamePattern,
    minimumAccessLevelForPush: changes.minimumAccessLevelForPush === undefined ? current.minimumAccessLevelForPush : changes.minimumAccessLevelForPush,
    minimumAccessLevelForDelete: changes.minimumAccessLevelForDelete === undefined ? current.minimumAccessLevelForDelete : changes.minimumAccessLevelForDelete,
  };
  const problems = ruleProblems(next);
  if (problems.length) return { ok: false, problems };
  try {
    const [rule] = await db.update(packageProtectionRules).set({ ...next, updatedAt: new Date() }).where(ruleOf(projectId, ruleId)).returning();
    if (!rule) throw new AppError("not_found", "404 Not found");
    return { ok: true, rule };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, problems: TAKEN };
    throw error;
  }
}

export async function removeProtectionRule(db: Db, projectId: number, ruleId: number): Promise<void> {
  const [row] = await db.delete(packageProtectionRules).where(ruleOf(projectId, ruleId)).returning({ id: packageProtectionRules.id });
  if (!row) throw new AppError("not_found", "404 Not found");
}

const ruleOf = (projectId: number, ruleId: number) => and(eq(packageProtectionRules.projectId, projectId), eq(packageProtectionRules.id, ruleId));
