// Delete buttons: a version (Maintainer) or one file (Developer), through the publish coordinator exactly
// as the Packages API's DELETE routes do (src/api/packages.ts).
import { and, eq } from "drizzle-orm";
import { packages } from "../../db/schema";
import { authorOf } from "../../core/registry";
import { commitPackage } from "../../core/publish/client";
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
  const pkg = await ui.db.select().from(packages).where(and(eq(packages.id, packageId), eq(packages.projectId, ctx.project.id))).get();
  if (!pkg) throw new AppError("not_found", "Page not found");
  if (!allows(ui.actor, ctx, action)) throw new AppError("forbidden", "You are not allowed to delete this.");
  verifyCsrf(c, await readForm(c), "session");
  return { ctx, pkg };
}

/** POST /<project>/-/packages/<id>/delete */
export async function deletePackageAction(c: UiContext, projectPath: string, packageId: number) {
  const { ctx, pkg } = await loadForDelete(c, projectPath, packageId, "destroy_package");
  await commitPackage(c.env, { projectId: ctx.project.id, packageType: pkg.packageType, name: pkg.name, normalizedName: pkg.normalizedName, ops: [{ kind: "remove_package", packageId: pkg.id }], author: authorOf(c.get("actor")) });
  return c.redirect(`${urls.projectPackages(ctx.project.fullPath)}?deleted=${encodeURIComponent(`${pkg.name} ${pkg.version}`)}`, 303);
}

/** POST /<project>/-/packages/<id>/files/<file id>/delete */
export async function deleteFileAction(c: UiContext, projectPath: string, packageId: number, fileId: number) {
  const { ctx, pkg } = await loadForDelete(c, projectPath, packageId, "destroy_package_file");
  await commitPackage(c.env, { projectId: ctx.project.id, packageType: pkg.packageType, name: pkg.name, normalizedName: pkg.normalizedName, ops: [{ kind: "remove_file", fileId }], author: authorOf(c.get("actor")) });
  return c.redirect(`${urls.package(ctx.project.fullPath, pkg.id)}?deleted_file=1`, 303);
}
