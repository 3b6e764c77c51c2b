// Protected packages as GitLab has them (app/models/packages/protection/rule.rb,
// app/services/packages/protection/check_rule_existence_service.rb), pure: which package types and access
// levels a rule takes, how its name pattern is validated and matched, and whether a write is refused.
// Spec: GitLab doc/api/project_packages_protection_rules.md, doc/user/packages/package_registry/package_protection_rules.md.

/** Gitlab::Access with admin: the levels a rule names, as the API spells them. */
export const PUSH_LEVELS = { maintainer: 40, owner: 50, admin: 60 } as const;
export const DELETE_LEVELS = { owner: 50, admin: 60 } as const;
export type PushLevelName = keyof typeof PUSH_LEVELS;
export type DeleteLevelName = keyof typeof DELETE_LEVELS;

/**
 * GitLab's rule types (cargo, conan, generic, helm, maven, npm, nuget, pypi, terraform_module), then the formats
 * Packyard serves that GitLab's rules do not cover yet (a Packyard extension: every format is protected).
 */
export const GITLAB_RULE_PACKAGE_TYPES = ["cargo", "conan", "generic", "helm", "maven", "npm", "nuget", "pypi", "terraform_module"] as const;
export const RULE_PACKAGE_TYPES = [...GITLAB_RULE_PACKAGE_TYPES, "composer", "debian", "golang", "rubygems"] as const;
export type RulePackageType = (typeof RULE_PACKAGE_TYPES)[number];

export interface ProtectionRule {
  packageType: string;
  packageNamePattern: string;
  minimumAccessLevelForPush: number | null;
  minimumAccessLevelForDelete: number | null;
}

export function levelName(level: number | null): string | null {
  if (level === null) return null;
  return (Object.entries(PUSH_LEVELS).find(([, value]) => value === level)?.[0] as string | undefined) ?? null;
}

// Gitlab::PathRegex::NAMESPACE_FORMAT_REGEX: a group or user path, never ending in .git or .atom.
const NAMESPACE = "(?:[a-zA-Z0-9_.][a-zA-Z0-9_.-]{0,254}[a-zA-Z0-9_-]|[a-zA-Z0-9_])(?<!\\.git|\\.atom)";
// Gitlab::Regex::Packages::Protection::Rules: a valid name of the type with `*` allowed, or `*` alone.
const NAME_FORMATS: Partial<Record<string, { regex: RegExp; message: string }>> = {
  npm: {
    regex: new RegExp(`^(?:\\*|(?:@${NAMESPACE}/)?[-+._a-zA-Z0-9*]+)$`),
    message: "should be a valid NPM package name with optional wildcard characters.",
  },
  pypi: {
    // Gitlab::Regex.package_name_regex('*'): optional @, slash-separated segments, an optional @ and a second part.
    regex: /^(?:\*|@?(?:[\w.+-]*\/)*[\w.-]+@?(?:[\w.+-]*\/)*[\w.*-]*)$/,
    message: "should be a valid PyPI package name with optional wildcard characters.",
  },
  terraform_module: {
    regex: /^(?:\*|[-a-z0-9*]+\/[-a-z0-9*]+)$/,
    message: "should be a valid Terraform module package name with optional wildcard characters.",
  },
};

const MAX_PATTERN_LENGTH = 255;

/** The model's validation messages (GitLab's `errors.full_messages`) for a rule as it would be saved; [] when valid. */
export function ruleProblems(rule: ProtectionRule): string[] {
  const problems: string[] = [];
  const pattern = rule.packageNamePattern;
  if (pattern.trim() === "") problems.push("Package name pattern can't be blank");
  else if (pattern.length > MAX_PATTERN_LENGTH) problems.push(`Package name pattern is too long (maximum is ${MAX_PATTERN_LENGTH} characters)`);
  else {
    const format = NAME_FORMATS[rule.packageType];
    if (format && !format.regex.test(pattern)) problems.push(`Package name pattern ${format.message}`);
  }
  if (rule.minimumAccessLevelForPush === null && rule.minimumAccessLevelForDelete === null) {
    problems.push("A rule must have at least a minimum access role for push or delete.");
  }
  return problems;
}

/** PEP 503 for PyPI (`[-_.]+` → `-`), as GitLab compares PyPI names and patterns; other types compare as written. */
function comparable(packageType: string, text: string): string {
  return packageType === "pypi" ? text.replace(/[-_.]+/g, "-") : text;
}

/** GitLab's `name ILIKE glob_to_like(pattern)`: `*` is any run of characters, everything else literal, case-insensitive. */
export function patternMatches(rule: Pick<ProtectionRule, "packageType" | "packageNamePattern">, name: string): boolean {
  const pattern = comparable(rule.packageType, rule.packageNamePattern);
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, "is").test(comparable(rule.packageType, name));
}

export type ProtectedAction = "push" | "delete";

/** Who writes, as protection sees them: a person with their access level on the project, or a deploy token. */
export interface ProtectionActor {
  kind: "user" | "deploy_token";
  /** Instance administrators pass every rule (GitLab: `can_admin_all_resources?`). */
  admin: boolean;
  /** The person's highest role on the project (inherited); 0 for deploy tokens. */
  accessLevel: number;
}

/**
 * The first action a matching rule refuses, or null. A person is refused when their level is below the rule's
 * minimum for that action (a rule without a minimum for it does not apply); a deploy token is refused by any
 * rule that matches the package, whatever its levels (GitLab: deploy tokens never push a protected package).
 */
export function refusedAction(rules: ProtectionRule[], packageType: string, name: string, actor: ProtectionActor, actions: Iterable<ProtectedAction>): ProtectedAction | null {
  if (actor.admin) return null;
  const matching = rules.filter((rule) => rule.packageType === packageType && patternMatches(rule, name));
  if (matching.length === 0) return null;
  for (const action of actions) {
    if (actor.kind === "deploy_token") return action;
    const refuses = (rule: ProtectionRule) => {
      const minimum = action === "push" ? rule.minimumAccessLevelForPush : rule.minimumAccessLevelForDelete;
      return minimum !== null && actor.accessLevel < minimum;
    };
    if (matching.some(refuses)) return action;
  }
  return null;
}

/** GitLab's answers when a rule refuses: `Package protected.` for pushes, `Package is deletion protected.` for deletes. */
export function refusalMessage(action: ProtectedAction): string {
  return action === "push" ? "403 Forbidden - Package protected." : "403 Forbidden - Package is deletion protected.";
}
