// The three package lists: home (every package the viewer may read), a project's and a group's
// (every readable project of the group and its subgroups). Search, type, sort and page live in the URL.
// Spec: ../shared/seed/package-registry.md "View packages".
import { allows, readableProjects } from "../../core/tenancy";
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
  const page = await listPackagePage(ui.registry.db, [ctx.project.id], state);
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
        <ListBody state={state} page={page} withProject={false} action={action} caption={`Packages of ${ctx.project.fullPath}`} />
      </>
    ),
  });
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
  const page = await listPackagePage(ui.registry.db, projectIds, state);
  const action = urls.groupPackages(group.fullPath);
  return renderPage(c, {
    title: `Packages · ${group.fullPath}`,
    crumbs: [...namespaceCrumbs(group.fullPath, true).slice(0, -1), { label: group.name, href: action }, { label: "Package Registry" }],
    body: (
      <>
        <h1>{group.name}: Package Registry</h1>
        <p class="muted">Packages of every project in this group and its subgroups that you can read.</p>
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
