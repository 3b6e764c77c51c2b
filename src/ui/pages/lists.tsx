// The three package lists: home (every package the viewer may read), a project's and a group's
// (every readable project of the group and its subgroups). Search, type, sort and page live in the URL.
// Spec: ../shared/seed/package-registry.md "View packages".
import { allows, readableProjects, roleOnNamespace, type NamespaceRow } from "../../core/tenancy";
import { ACCESS_LEVELS, userOf } from "../../core/auth/actor";
import type { Db } from "../../db/client";
import { getCleanupPolicy } from "../../core/storage/cleanup-policy";
import { settingsAboveQuery, storageSettingsQuery, type StorageSettingsRow } from "../../core/storage/quota";
import { groupPackagesSizeQuery, projectPackagesSizeQuery, sizeOf } from "../../core/storage/statistics";
import { formatBytes } from "../format";
import { AppError } from "../../core/errors";
import type { UiContext } from "../context";
import { renderPage } from "../layout";
import { ListFilters, PackageTable, Pager } from "../components";
import { listPackagePage, type PackagePage } from "../list-data";
import { parseListState, type ListState } from "../list-query";
import { loadGroupPage, loadProjectPage } from "../access";
import { urls } from "../paths";

function ListBody({ state, page, withProject, action, caption }: { state: ListState; page: PackagePage; withProject: boolean; action: string; caption: string }) {
  return (
    <section aria-labelledby="packages-heading">
      <h2 id="packages-heading">Packages</h2>
      <ListFilters state={state} types={page.types} withProject={withProject} action={action} />
      <Pager state={state} total={page.total} action={action} />
      <PackageTable page={page} withProject={withProject} caption={caption} />
    </section>
  );
}

/** GET / : public packages, and signed in, every package the viewer may read. */
export async function homePage(c: UiContext) {
  const ui = c.get("ui");
  const state = parseListState(new URL(c.req.url).searchParams, true);
  const { db, actor, roles } = ui.registry;
  const projects = await readableProjects(db, actor, roles);
  const page = await listPackagePage(db, projects.map((p) => p.project.id), state);
  return renderPage(c, {
    title: "Packages",
    body: (
      <>
        <h1>Packages</h1>
        <p class="muted">{ui.user ? "Packages you can read on this registry." : "Public packages on this registry. Sign in to see the packages of your projects."}</p>
        <ListBody state={state} page={page} withProject={true} action={urls.home()} caption="Packages on this registry" />
      </>
    ),
  });
}

/** GET /<namespace>/<project>/-/packages */
export async function projectPackagesPage(c: UiContext, projectPath: string) {
  const ui = c.get("ui");
  const ctx = await loadProjectPage(ui, projectPath, "read_package").catch((error) => registryDisabledPage(c, projectPath, error));
  if (ctx instanceof Response) return ctx;
  const state = parseListState(new URL(c.req.url).searchParams, false);
  const isAdmin = userOf(ui.actor)?.isAdmin === true;
  // The storage view: Reporters and above, as `statistics` on the API (one more batch, beside the list's).
  const [page, storage] = await Promise.all([
    listPackagePage(ui.registry.db, [ctx.project.id], state),
    isAdmin || ctx.accessLevel >= ACCESS_LEVELS.reporter ? projectStorage(ui.registry.db, ctx.project.id, isAdmin || ctx.accessLevel >= ACCESS_LEVELS.maintainer) : null,
  ]);
  const action = urls.projectPackages(ctx.project.fullPath);
  return renderPage(c, {
    title: `Packages · ${ctx.project.fullPath}`,
    crumbs: [...namespaceCrumbs(ctx.namespace.fullPath, ctx.namespace.kind === "group"), { label: ctx.project.name, href: action }, { label: "Package Registry" }],
    body: (
      <>
        <h1>{ctx.project.name}: Package Registry</h1>
        {ctx.project.description ? <p>{ctx.project.description}</p> : null}
        {c.req.query("deleted") ? (
          <p class="notice ok" role="status">
            Deleted {c.req.query("deleted")}.
          </p>
        ) : null}
        {allows(ui.actor, ctx, "admin_project") ? (
          <p>
            <a href={urls.settings(ctx.project.fullPath)}>Package registry settings</a>
          </p>
        ) : null}
        {storage ? <StorageView storage={storage} /> : null}
        <ListBody state={state} page={page} withProject={false} action={action} caption={`Packages of ${ctx.project.fullPath}`} />
      </>
    ),
  });
}

interface StorageFigures {
  size: number;
  own: StorageSettingsRow | undefined;
  inheritedImmutable: boolean;
  /** Maintainers: when the cleanup policy runs next (null: it deletes nothing). */
  nextCleanup?: Date | null;
}

async function projectStorage(db: Db, projectId: number, withPolicy: boolean): Promise<StorageFigures> {
  const [[size, settings], policy] = await Promise.all([db.batch([projectPackagesSizeQuery(db, projectId), settingsAboveQuery(db, projectId)]), withPolicy ? getCleanupPolicy(db, projectId) : null]);
  return {
    size: sizeOf(size),
    own: settings.find((r) => r.projectId === projectId),
    inheritedImmutable: settings.some((r) => r.namespaceId !== null && r.immutableVersions),
    ...(policy ? { nextCleanup: policy.nextRunAt } : {}),
  };
}

async function groupStorage(db: Db, group: NamespaceRow): Promise<StorageFigures> {
  const [size, settings] = await db.batch([groupPackagesSizeQuery(db, group), storageSettingsQuery(db, { namespaceId: group.id })]);
  return { size: sizeOf(size), own: settings[0], inheritedImmutable: false };
}

/** Storage used (per stored blob, shared files once), the quota and how much of it is used, immutability, the next cleanup. */
function StorageView({ storage }: { storage: StorageFigures }) {
  const limit = storage.own?.packagesSizeLimit ?? null;
  const immutable = storage.own?.immutableVersions ? "on" : storage.inheritedImmutable ? "on (set by a group above)" : "off";
  return (
    <section aria-labelledby="storage-heading">
      <h2 id="storage-heading">Storage</h2>
      <dl>
        <dt>Packages use</dt>
        <dd>
          {formatBytes(storage.size)}
          {limit !== null ? ` of ${formatBytes(limit)} (${limit === 0 ? 100 : Math.min(100, Math.round((storage.size / limit) * 100))}% of the quota)` : " (no quota)"}
        </dd>
        <dt>Immutable versions</dt>
        <dd>{immutable}</dd>
        {storage.nextCleanup !== undefined ? (
          <>
            <dt>Cleanup policy</dt>
            <dd>{storage.nextCleanup ? `next run ${storage.nextCleanup.toISOString().replace("T", " ").slice(0, 16)} UTC` : "off"}</dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

/** A disabled registry, told to viewers who may see the project; Maintainers get the way to turn it on. */
async function registryDisabledPage(c: UiContext, projectPath: string, error: unknown): Promise<Response> {
  if (!(error instanceof AppError) || error.code !== "registry_disabled") throw error;
  const ui = c.get("ui");
  const admin = await ui.registry.authorize(projectPath, "admin_project").catch(() => null);
  return renderPage(c, {
    title: "Package registry disabled",
    status: 403,
    body: (
      <>
        <h1>Package registry disabled</h1>
        <p>The package registry is disabled for this project.</p>
        {admin ? (
          <p>
            <a href={urls.settings(admin.project.fullPath)}>Turn it on in the package registry settings</a>
          </p>
        ) : null}
      </>
    ),
  });
}

/** GET /groups/<group>/-/packages: only projects the viewer may read are included. */
export async function groupPackagesPage(c: UiContext, groupPath: string) {
  const ui = c.get("ui");
  const { namespace: group, projectIds } = await loadGroupPage(ui, groupPath);
  const state = parseListState(new URL(c.req.url).searchParams, true);
  const owner = userOf(ui.actor)?.isAdmin === true || (ui.user !== null && roleOnNamespace(await ui.registry.roles(), group) >= ACCESS_LEVELS.owner);
  const [page, storage] = await Promise.all([listPackagePage(ui.registry.db, projectIds, state), owner ? groupStorage(ui.registry.db, group) : null]);
  const action = urls.groupPackages(group.fullPath);
  return renderPage(c, {
    title: `Packages · ${group.fullPath}`,
    crumbs: [...namespaceCrumbs(group.fullPath, true).slice(0, -1), { label: group.name, href: action }, { label: "Package Registry" }],
    body: (
      <>
        <h1>{group.name}: Package Registry</h1>
        <p class="muted">Packages of every project in this group and its subgroups that you can read.</p>
        {storage ? <StorageView storage={storage} /> : null}
        <ListBody state={state} page={page} withProject={true} action={action} caption={`Packages of group ${group.fullPath}`} />
      </>
    ),
  });
}

/** One crumb per group on the way down (their package pages); a user namespace is plain text. */
export function namespaceCrumbs(fullPath: string, isGroup: boolean) {
  const parts = fullPath.split("/");
  return parts.map((part, i) => ({ label: part, href: isGroup ? urls.groupPackages(parts.slice(0, i + 1).join("/")) : undefined }));
}
