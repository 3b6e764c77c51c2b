// Protected packages: GET/POST /projects/:id/packages/protection/rules, PATCH/DELETE …/rules/:package_protection_rule_id.
// Spec: GitLab doc/api/project_packages_protection_rules.md, lib/api/project_packages_protection_rules.rb
// (authenticate!, then authorize_admin_package!: Maintainers; a rule the model refuses is a 422
// `{"message":{"error":[…]}}`). The rules are enforced by the publish coordinator (src/core/protection).
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { ACCESS_LEVELS } from "../core/auth/actor";
import { AppError } from "../core/errors";
import {
  createProtectionRule,
  DELETE_LEVELS,
  levelName,
  listProtectionRules,
  PUSH_LEVELS,
  removeProtectionRule,
  RULE_PACKAGE_TYPES,
  updateProtectionRule,
  type ProtectionRuleRow,
  type RuleResult,
} from "../core/protection";
import { loadAdministeredContainer } from "./containers";
import { parseBody } from "./validate";

const pushLevel = z.enum(Object.keys(PUSH_LEVELS) as [keyof typeof PUSH_LEVELS]);
const deleteLevel = z.enum(Object.keys(DELETE_LEVELS) as [keyof typeof DELETE_LEVELS]);
/** On PATCH an empty string or null removes the limit. */
const unset = z.union([z.literal(""), z.null()]).transform(() => null);

const createSchema = z.object({
  package_name_pattern: z.string(),
  package_type: z.enum(RULE_PACKAGE_TYPES),
  minimum_access_level_for_push: pushLevel.optional(),
  minimum_access_level_for_delete: deleteLevel.optional(),
});

const updateSchema = z.object({
  package_name_pattern: z.string().optional(),
  package_type: z.enum(RULE_PACKAGE_TYPES).optional(),
  minimum_access_level_for_push: z.union([pushLevel, unset]).optional(),
  minimum_access_level_for_delete: z.union([deleteLevel, unset]).optional(),
});

export const protectionRuleRoutes = new Hono<AppEnv>();

const RULES = "/projects/:id/packages/protection/rules";
const RULE = `${RULES}/:rule_id{[0-9]+}`;

protectionRuleRoutes.get(RULES, async (c) => {
  const projectId = await maintainedProject(c, "read");
  return c.json((await listProtectionRules(c.var.registry.db, projectId)).map(ruleJson));
});

protectionRuleRoutes.post(RULES, async (c) => {
  const projectId = await maintainedProject(c, "write");
  const body = await parseBody(c, createSchema);
  const result = await createProtectionRule(c.var.registry.db, projectId, {
    packageNamePattern: body.package_name_pattern,
    packageType: body.package_type,
    minimumAccessLevelForPush: body.minimum_access_level_for_push ? PUSH_LEVELS[body.minimum_access_level_for_push] : null,
    minimumAccessLevelForDelete: body.minimum_access_level_for_delete ? DELETE_LEVELS[body.minimum_access_level_for_delete] : null,
  });
  return answer(c, result, 201);
});

protectionRuleRoutes.patch(RULE, async (c) => {
  const projectId = await maintainedProject(c, "write");
  const body = await parseBody(c, updateSchema);
  const level = <T extends string>(value: T | null | undefined, levels: Record<T, number>) => (value === undefined ? undefined : value === null ? null : levels[value]);
  const result = await updateProtectionRule(c.var.registry.db, projectId, Number(c.req.param("rule_id")), {
    packageNamePattern: body.package_name_pattern,
    packageType: body.package_type,
    minimumAccessLevelForPush: level(body.minimum_access_level_for_push, PUSH_LEVELS),
    minimumAccessLevelForDelete: level(body.minimum_access_level_for_delete, DELETE_LEVELS),
  });
  return answer(c, result, 200);
});

// `.on("DELETE")`: table writes are found by grepping for drizzle's write methods.
protectionRuleRoutes.on("DELETE", RULE, async (c) => {
  const projectId = await maintainedProject(c, "write");
  await removeProtectionRule(c.var.registry.db, projectId, Number(c.req.param("rule_id")));
  return c.body(null, 204);
});

/** 401 without credentials, then the project as its Maintainers (and administrators) administer it. */
async function maintainedProject(c: Context<AppEnv>, access: "read" | "write"): Promise<number> {
  if (c.var.registry.actor.kind === "anonymous") throw new AppError("unauthorized");
  const container = await loadAdministeredContainer(c, "projects", c.req.param("id") ?? "", ACCESS_LEVELS.maintainer, access);
  return container.source.id;
}

function answer(c: Context<AppEnv>, result: RuleResult, status: 200 | 201) {
  if (!result.ok) return c.json({ message: { error: result.problems } }, 422);
  return c.json(ruleJson(result.rule), status);
}

export function ruleJson(rule: ProtectionRuleRow) {
  return {
    id: rule.id,
    project_id: rule.projectId,
    package_name_pattern: rule.packageNamePattern,
    package_type: rule.packageType,
    minimum_access_level_for_delete: levelName(rule.minimumAccessLevelForDelete),
    minimum_access_level_for_push: levelName(rule.minimumAccessLevelForPush),
  };
}
