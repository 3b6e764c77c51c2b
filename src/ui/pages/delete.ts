// Delete buttons: a version (Maintainer) or one file (Developer), through the publish coordinator exactly
// as the Packages API's DELETE routes do (src/api/packages.ts).
import { commitTargetOf } from "../../formats";
import { and, eq } from "drizzle-orm";
import { packages } from "../../db/schema";
import { AppError } from "../../core/errors";
import { allows } from "../../core/tenancy";
import type { UiContext } from "../context";
import { loadProjectPage } from "../access";
import { verifyCsrf } from "../csrf";
import { readForm } from "../form";
import { urls } from "../paths";

async function loadForDelete(c: UiContext, projectPath: string, packageId: number, action: "destroy_package" | "destroy_package_file") {
  const ui = c.get("ui");
  const ctx = await loadProjectPage(ui, projectPath, "read_package");
  const pkg = await ui.registry.db.select().from(packages).where(and(eq(packages.id, packageId), eq(packages.projectId, ctx.project.id))).get();
  if (!pkg) throw new AppError("not_found", "Page not found");
  if (!allows(ui.actor, ctx, action)) throw new AppError("forbidden", "You are not allowed to delete this.");
  verifyCsrf(c, await readForm(c), "session");
  return { ctx, pkg };
}

/** POST /<project>/-/packages/<id>/delete */
export async function deletePackageAction(c: UiContext, projectPath: string, packageId: number) {
  const { ctx, pkg } = await loadForDelete(c, projectPath, packageId, "destroy_package");
  await c.var.registry.commit(commitTargetOf(ctx, pkg), [{ kind: "remove_package", packageId: pkg.id }]);
  return c.redirect(`${urls.projectPackages(ctx.project.fullPath)}?deleted=${encodeURIComponent(`${pkg.name} ${pkg.version}`)}`, 303);
}

/** POST /<project>/-/packages/<id>/files/<file id>/delete */
export async function deleteFileAction(c: UiContext, projectPath: string, packageId: number, fileId: number) {
  const { ctx, pkg } = await loadForDelete(c, projectPath, packageId, "destroy_package_file");
  await c.var.registry.commit(commitTargetOf(ctx, pkg), [{ kind: "remove_file", fileId }]);
  return c.redirect(`${urls.package(ctx.project.fullPath, pkg.id)}?deleted_file=1`, 303);
}

