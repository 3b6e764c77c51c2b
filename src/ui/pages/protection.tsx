// The "Protected packages" section of a project's package settings (GitLab: Settings > Packages and
// registries > Protected packages): the rules (name pattern, type, least role to push and to delete), a form
// to add one and a button to remove each. The same core writes as the protection rules API.
// Spec: GitLab doc/user/packages/package_registry/package_protection_rules.md.
import { z } from "zod";
import { DELETE_LEVELS, createProtectionRule, levelName, PUSH_LEVELS, removeProtectionRule, RULE_PACKAGE_TYPES, type ProtectionRuleRow } from "../../core/protection";
import type { ProjectContext } from "../../core/tenancy";
import type { UiContext } from "../context";
import { CsrfField } from "../layout";
import { loadProjectPage } from "../access";
import { verifyCsrf } from "../csrf";
import { readForm } from "../form";
import { urls } from "../paths";

const LEVEL_LABELS: Record<string, string> = { maintainer: "Maintainer", owner: "Owner", admin: "Administrator" };

const ruleSchema = z.object({
  package_name_pattern: z.string().trim().min(1, "Enter a name pattern").max(255),
  package_type: z.enum(RULE_PACKAGE_TYPES, { message: "Choose a package type" }),
  minimum_access_level_for_push: z.union([z.literal(""), z.enum(["maintainer", "owner", "admin"])]).optional(),
  minimum_access_level_for_delete: z.union([z.literal(""), z.enum(["owner", "admin"])]).optional(),
});

export function ProtectionSection({ c, ctx, rules }: { c: UiContext; ctx: ProjectContext; rules: ProtectionRuleRow[] }) {
  return (
    <section aria-labelledby="protection-heading">
      <h2 id="protection-heading">Protected packages</h2>
      <p class="muted">
        Packages whose name matches a rule (<code>*</code> matches any characters) can only be published, tagged or deleted by the roles named here.
        Deploy tokens never write a protected package.
      </p>
      {rules.length === 0 ? <p class="muted">This project has no protection rules.</p> : <RuleTable c={c} ctx={ctx} rules={rules} />}
      <RuleForm c={c} ctx={ctx} />
    </section>
  );
}

function RuleTable({ c, ctx, rules }: { c: UiContext; ctx: ProjectContext; rules: ProtectionRuleRow[] }) {
  const label = (level: number | null, unlimited: string) => LEVEL_LABELS[levelName(level) ?? ""] ?? `${unlimited} (no limit)`;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Name pattern</th>
            <th scope="col">Type</th>
            <th scope="col">Minimum role to push</th>
            <th scope="col">Minimum role to delete</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {rules.map((rule) => (
            <tr>
              <td>
                <code>{rule.packageNamePattern}</code>
              </td>
              <td>{rule.packageType}</td>
              <td>{label(rule.minimumAccessLevelForPush, "Developer")}</td>
              <td>{label(rule.minimumAccessLevelForDelete, "Maintainer")}</td>
              <td>
                <form method="post" action={urls.deleteProtectionRule(ctx.project.fullPath, rule.id)} class="inline">
                  <CsrfField c={c} />
                  <button type="submit" class="danger" aria-label={`Delete protection rule ${rule.packageNamePattern} (${rule.packageType})`}>
                    Delete
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RuleForm({ c, ctx }: { c: UiContext; ctx: ProjectContext }) {
  return (
    <form method="post" action={urls.createProtectionRule(ctx.project.fullPath)}>
      <CsrfField c={c} />
      <h3>New protection rule</h3>
      <div class="stack">
        <label for="rule-pattern">Name pattern</label>
        <input id="rule-pattern" name="package_name_pattern" required maxlength={255} aria-describedby="rule-pattern-help" />
        <span id="rule-pattern-help" class="muted">
          For example <code>@my-scope/my-package-*</code>.
        </span>
      </div>
      <div class="stack">
        <label for="rule-type">Package type</label>
        <select id="rule-type" name="package_type">
          {RULE_PACKAGE_TYPES.map((type) => (
            <option value={type}>{type}</option>
          ))}
        </select>
      </div>
      <div class="stack">
        <label for="rule-push">Minimum role to push</label>
        <select id="rule-push" name="minimum_access_level_for_push">
          <option value="">Developer (no limit)</option>
          {Object.keys(PUSH_LEVELS).map((level) => (
            <option value={level} selected={level === "maintainer"}>
              {LEVEL_LABELS[level]}
            </option>
          ))}
        </select>
      </div>
      <div class="stack">
        <label for="rule-delete">Minimum role to delete</label>
        <select id="rule-delete" name="minimum_access_level_for_delete">
          <option value="">Maintainer (no limit)</option>
          {Object.keys(DELETE_LEVELS).map((level) => (
            <option value={level}>{LEVEL_LABELS[level]}</option>
          ))}
        </select>
      </div>
      <button type="submit">Protect</button>
    </form>
  );
}

/** Authorise first (Maintainers; a 404 page for everyone else), then read the form and check its CSRF token. */
async function authorizeRuleForm(c: UiContext, projectPath: string) {
  const ctx = await loadProjectPage(c.get("ui"), projectPath, "admin_project");
  const form = await readForm(c);
  verifyCsrf(c, form, "session");
  return { ctx, form };
}

/** POST …/settings/packages/protection_rules: a refused rule answers the page with GitLab's message. */
export async function createProtectionRuleAction(c: UiContext, projectPath: string, rerender: (problem: string) => Promise<Response>) {
  const { ctx, form } = await authorizeRuleForm(c, projectPath);
  const parsed = ruleSchema.safeParse(form);
  if (!parsed.success) return rerender(parsed.error.issues[0]?.message ?? "The rule is invalid.");
  const { package_name_pattern, package_type, minimum_access_level_for_push: push, minimum_access_level_for_delete: del } = parsed.data;
  const result = await createProtectionRule(c.var.registry.db, ctx.project.id, {
    packageNamePattern: package_name_pattern,
    packageType: package_type,
    minimumAccessLevelForPush: push ? PUSH_LEVELS[push] : null,
    minimumAccessLevelForDelete: del ? DELETE_LEVELS[del] : null,
  });
  if (!result.ok) return rerender(result.problems.join(" "));
  return c.redirect(`${urls.settings(ctx.project.fullPath)}?rule_added=1`, 303);
}

/** POST …/protection_rules/<id>/delete (another project's rule id is a 404 page). */
export async function deleteProtectionRuleAction(c: UiContext, projectPath: string, ruleId: number) {
  const { ctx } = await authorizeRuleForm(c, projectPath);
  await removeProtectionRule(c.var.registry.db, ctx.project.id, ruleId);
  return c.redirect(`${urls.settings(ctx.project.fullPath)}?rule_removed=1`, 303);
}
