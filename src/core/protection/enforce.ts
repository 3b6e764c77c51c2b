// The protection check the publish coordinator runs inside every commit, after planners expanded their ops
// and before anything is written, so no write of any format reaches D1 past a rule (and no race can: the
// coordinator serialises the package's writes, and the rules are read inside the commit).
//
//   actions = publish in the commit → push; else set_tag / update_version → push, every removal → delete
//   rules   = the project's rules for the package type (read with the project row)
//   refuse (403) when refusedAction(rules, name, actor, actions)
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { namespaces, type packageProtectionRules } from "../../db/schema";
import type { CommitActor, CommitOp, CommitRequest } from "../publish/types";
import { AppError } from "../errors";
import { roleOn, subjectOf, type ProjectRow } from "../tenancy";
import { patternMatches, refusalMessage, refusedAction, type ProtectedAction, type ProtectionActor } from "./rules";

type Rule = typeof packageProtectionRules.$inferSelect;

/** What a commit does to the package, as protection rules see it. */
export function actionsOf(ops: Exclude<CommitOp, { kind: "plan" }>[]): ProtectedAction[] {
  // A publish may drop stale files of the version it replaces (Debian, Composer): that is part of the push.
  if (ops.some((op) => op.kind === "publish")) return ["push"];
  const actions = new Set<ProtectedAction>();
  for (const op of ops) actions.add(op.kind === "set_tag" || op.kind === "update_version" ? "push" : "delete");
  return [...actions];
}

/** Refuse the commit when a rule protects this package from this author; reads the namespace only when a rule matches. */
export async function checkProtection(db: Db, request: CommitRequest, project: ProjectRow, rules: Rule[], ops: Exclude<CommitOp, { kind: "plan" }>[]): Promise<void> {
  const actions = actionsOf(ops);
  if (actions.length === 0 || !rules.some((rule) => patternMatches(rule, request.name))) return;
  const actor = await protectionActorOf(db, request.author.actor, project);
  const refused = refusedAction(rules, request.packageType, request.name, actor, actions);
  if (refused) throw new AppError("forbidden", refusalMessage(refused));
}

/**
 * A trusted publisher's job token publishes only the package types and names its publisher lists (empty: any),
 * names compared as protection rules compare them (`*` wildcards, case-insensitive, PyPI normalised).
 */
export function checkPublisherLimits(request: CommitRequest): void {
  const limits = request.author.limits;
  if (!limits) return;
  if (limits.packageTypes.length > 0 && !limits.packageTypes.includes(request.packageType)) {
    throw new AppError("forbidden", `403 Forbidden - this trusted publisher may not publish ${request.packageType} packages`);
  }
  if (limits.namePatterns.length > 0 && !limits.namePatterns.some((pattern) => patternMatches({ packageType: request.packageType, packageNamePattern: pattern }, request.name))) {
    throw new AppError("forbidden", `403 Forbidden - this trusted publisher may not publish the package ${request.name}`);
  }
}

/** A commit without an actor (the core's own writes, tests) is held to the strictest reading, as a deploy token. */
async function protectionActorOf(db: Db, actor: CommitActor | undefined, project: ProjectRow): Promise<ProtectionActor> {
  if (!actor || actor.kind === "deploy_token") return { kind: "deploy_token", admin: false, accessLevel: 0 };
  if (actor.admin) return { kind: "user", admin: true, accessLevel: 0 };
  const namespace = await db.select().from(namespaces).where(eq(namespaces.id, project.namespaceId)).get();
  const accessLevel = namespace ? roleOn(new Map(actor.roles), subjectOf(project, namespace)) : 0;
  return { kind: "user", admin: false, accessLevel };
}
