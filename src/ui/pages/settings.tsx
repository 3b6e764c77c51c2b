// Project settings for Maintainers: the package registry access level (disabled / private / enabled /
// "allow anyone to pull"), the project's deploy tokens (list, create — shown once —, revoke) and its
// protected packages (./protection.tsx).
// Spec: ../shared/reference/gitlab-spec.md §14 (package_registry_access_level), GitLab doc/api/deploy_tokens.md.
// The project's visibility is shown, not changed here: that is the Owner's (docs/security.md), through the API.
import { PACKAGE_DEPLOY_TOKEN_SCOPES } from "../../core/auth/actor";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { deployTokens } from "../../db/schema";
import { purgeAccessRecords } from "../../core/registry";
import { callerRoleOf, createDeployToken, revokeDeployToken, updateProject } from "../../core/accounts";
import type { ProjectContext } from "../../core/tenancy";
import type { UiContext } from "../context";
import { CsrfField, renderPage } from "../layout";
import { loadProjectPage } from "../access";
import { verifyCsrf } from "../csrf";
import { readForm } from "../form";
import { namespaceCrumbs } from "./lists";
import { urls } from "../paths";
import { formatDate } from "../format";
import { listProtectionRules } from "../../core/protection";
import { ProtectionSection } from "./protection";

const ACCESS_LEVELS = [
  { value: "disabled", label: "Disabled", help: "No package can be published or installed." },
  { value: "private", label: "Only project members", help: "Reporters and above may install, whatever the project's visibility." },
  { value: "enabled", label: "Everyone with access", help: "Follows the project's visibility." },
  { value: "public", label: "Allow anyone to pull", help: "Anyone on the internet may install, even from a private project." },
] as const;

const DEPLOY_SCOPES = PACKAGE_DEPLOY_TOKEN_SCOPES;

const accessSchema = z.object({ package_registry_access_level: z.enum(["disabled", "private", "enabled", "public"]) });
const tokenSchema = z.object({
  name: z.string().trim().min(1, "Enter a name").max(255),
  username: z.union([z.literal(""), z.string().regex(/^[a-zA-Z0-9_.+-]+$/, "Username may contain letters, digits and _ . + -").max(255)]).optional(),
  expires_at: z.union([z.literal(""), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date YYYY-MM-DD")]).optional(),
  scopes: z.array(z.enum(DEPLOY_SCOPES)).min(1, "Choose at least one scope"),
});

const QUERY_NOTICES: [string, Flash][] = [
  ["saved", { kind: "ok", text: "Saved." }],
  ["revoked", { kind: "ok", text: "Deploy token revoked." }],
  ["rule_added", { kind: "ok", text: "Protection rule added." }],
  ["rule_removed", { kind: "ok", text: "Protection rule deleted." }],
];

interface Flash {
  kind: "ok" | "error";
  text: string;
  token?: { username: string; token: string };
}

/** GET /<project>/-/settings/packages (Maintainers; everyone else gets a 404). */
export async function settingsPage(c: UiContext, projectPath: string, flash?: Flash, status: 200 | 201 | 400 = 200) {
  const ui = c.get("ui");
  const ctx = await loadProjectPage(ui, projectPath, "admin_project");
  const [tokens, rules] = await Promise.all([
    ui.registry.db.select().from(deployTokens).where(eq(deployTokens.projectId, ctx.project.id)).orderBy(desc(deployTokens.id)).all(),
    listProtectionRules(ui.registry.db, ctx.project.id),
  ]);
  const listUrl = urls.projectPackages(ctx.project.fullPath);
  const notice = flash ?? QUERY_NOTICES.find(([flag]) => c.req.query(flag))?.[1];
  return renderPage(c, {
    title: `Package settings · ${ctx.project.fullPath}`,
    status,
    crumbs: [...namespaceCrumbs(ctx.namespace.fullPath, ctx.namespace.kind === "group"), { label: ctx.project.name, href: listUrl }, { label: "Settings" }],
    body: (
      <>
        <h1>Package registry settings</h1>
        {notice ? (
          <div class={`notice ${notice.kind}`} role={notice.kind === "error" ? "alert" : "status"}>
            <p>{notice.text}</p>
            {notice.token ? (
              <p>
                Username <code>{notice.token.username}</code>, token <code class="token" id="new-token">{notice.token.token}</code>{" "}
                <button type="button" class="secondary" data-copy="new-token" hidden>
                  Copy token
                </button>
                <br />
                Copy it now: it is not shown again.
              </p>
            ) : null}
          </div>
        ) : null}
        {!ui.session ? <p class="notice info">Sign in with your password to change settings.</p> : null}
        <AccessForm c={c} ctx={ctx} />
        <section aria-labelledby="tokens-heading">
          <h2 id="tokens-heading">Deploy tokens</h2>
          <TokenTable c={c} ctx={ctx} tokens={tokens} />
          <TokenForm c={c} ctx={ctx} />
        </section>
        <ProtectionSection c={c} ctx={ctx} rules={rules} />
      </>
    ),
  });
}

function AccessForm({ c, ctx }: { c: UiContext; ctx: ProjectContext }) {
  const current = ctx.project.packageRegistryAccessLevel;
  return (
    <section aria-labelledby="access-heading">
      <h2 id="access-heading">Visibility</h2>
      <form method="post" action={urls.settings(ctx.project.fullPath)}>
        <CsrfField c={c} />
        <fieldset>
          <legend>Who can install packages (project visibility: {ctx.project.visibility})</legend>
          {ACCESS_LEVELS.map((level) => (
            <div class="choice">
              <input type="radio" id={`access-${level.value}`} name="package_registry_access_level" value={level.value} checked={current === level.value} aria-describedby={`access-${level.value}-help`} />
              <label for={`access-${level.value}`}>
                <strong>{level.label}</strong> <span id={`access-${level.value}-help`} class="muted">{level.help}</span>
              </label>
            </div>
          ))}
        </fieldset>
        <button type="submit">Save changes</button>
      </form>
    </section>
  );
}

function TokenTable({ c, ctx, tokens }: { c: UiContext; ctx: ProjectContext; tokens: (typeof deployTokens.$inferSelect)[] }) {
  if (tokens.length === 0) return <p class="muted">This project has no deploy tokens.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Username</th>
            <th scope="col">Scopes</th>
            <th scope="col" class="opt">
              Expires
            </th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr>
              <td>{t.name}</td>
              <td>
                <code>{t.username}</code>
              </td>
              <td>{t.scopes.join(", ")}</td>
              <td class="opt">{t.expiresAt ? formatDate(t.expiresAt) : "never"}</td>
              <td>
                {t.revoked ? (
                  "revoked"
                ) : (
                  <form method="post" action={urls.revokeDeployToken(ctx.project.fullPath, t.id)} class="inline">
                    <CsrfField c={c} />
                    <button type="submit" class="danger" aria-label={`Revoke deploy token ${t.name}`}>
                      Revoke
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TokenForm({ c, ctx }: { c: UiContext; ctx: ProjectContext }) {
  return (
    <form method="post" action={urls.createDeployToken(ctx.project.fullPath)}>
      <CsrfField c={c} />
      <h3>New deploy token</h3>
      <div class="stack">
        <label for="token-name">Name</label>
        <input id="token-name" name="name" required maxlength={255} />
      </div>
      <div class="stack">
        <label for="token-username">Username (optional)</label>
        <input id="token-username" name="username" maxlength={255} aria-describedby="token-username-help" />
        <span id="token-username-help" class="muted">
          Defaults to gitlab+deploy-token-N.
        </span>
      </div>
      <div class="stack">
        <label for="token-expires">Expires (optional)</label>
        <input id="token-expires" name="expires_at" type="date" />
      </div>
      <fieldset>
        <legend>Scopes</legend>
        {DEPLOY_SCOPES.map((scope) => (
          <div class="choice">
            <input type="checkbox" id={`scope-${scope}`} name="scopes" value={scope} />
            <label for={`scope-${scope}`}>{scope}</label>
          </div>
        ))}
      </fieldset>
      <button type="submit">Create deploy token</button>
    </form>
  );
}

/** Authorise first, then read the form (never the other way round). */
async function authorizeSettingsForm(c: UiContext, projectPath: string) {
  const ctx = await loadProjectPage(c.get("ui"), projectPath, "admin_project");
  const form = await readForm(c);
  verifyCsrf(c, form, "session");
  return { ctx, form };
}

/** POST /<project>/-/settings/packages: change the access level (the same core write as PUT /projects/:id). */
export async function saveAccessLevel(c: UiContext, projectPath: string) {
  const { ctx, form } = await authorizeSettingsForm(c, projectPath);
  const parsed = accessSchema.safeParse(form);
  if (!parsed.success) return settingsPage(c, projectPath, { kind: "error", text: "Choose one of the access levels." }, 400);
  const registry = c.var.registry;
  await updateProject(registry.db, ctx.project, { registryAccessLevel: parsed.data.package_registry_access_level }, callerRoleOf(registry.actor, ctx.accessLevel));
  await purgeAccessRecords(ctx);
  return c.redirect(`${urls.settings(ctx.project.fullPath)}?saved=1`, 303);
}

/** POST …/deploy_tokens: the response page shows the new token once (no redirect, so it is never in a URL). */
export async function createDeployTokenAction(c: UiContext, projectPath: string) {
  const { ctx, form } = await authorizeSettingsForm(c, projectPath);
  const scopes = form.scopes === undefined ? [] : Array.isArray(form.scopes) ? form.scopes : [form.scopes];
  const parsed = tokenSchema.safeParse({ ...form, scopes });
  if (!parsed.success) return settingsPage(c, projectPath, { kind: "error", text: parsed.error.issues[0]?.message ?? "The deploy token is invalid." }, 400);
  const { name, username, expires_at: expires } = parsed.data;
  const input = { name, username: username || null, scopes: parsed.data.scopes, expiresAt: expires ? new Date(`${expires}T00:00:00Z`) : null };
  const registry = c.var.registry;
  const { row, token } = await createDeployToken(registry.db, { projectId: ctx.project.id }, input, callerRoleOf(registry.actor, ctx.accessLevel));
  return settingsPage(c, ctx.project.fullPath, { kind: "ok", text: `Deploy token "${name}" created.`, token: { username: row.username, token } }, 201);
}

/** POST …/deploy_tokens/<id>/revoke (another project's token id is a 404 page). */
export async function revokeDeployTokenAction(c: UiContext, projectPath: string, tokenId: number) {
  const { ctx } = await authorizeSettingsForm(c, projectPath);
  const registry = c.var.registry;
  await revokeDeployToken(registry.db, { projectId: ctx.project.id }, tokenId, callerRoleOf(registry.actor, ctx.accessLevel));
  return c.redirect(`${urls.settings(ctx.project.fullPath)}?revoked=1`, 303);
}
