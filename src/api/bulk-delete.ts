// Deleting package files in bulk (docs/storage.md): POST /projects/:id/packages/package_files/bulk_delete
// {"ids": [...]}. GitLab's REST API deletes one file at a time (DELETE …/packages/:package_id/package_files/:id);
// its bulk form is the GraphQL mutation `destroyPackageFiles(projectPath, ids)` (app/graphql/mutations/packages/
// destroy_files.rb): at most 100 files, every one in the requested project, `destroy_package` (Maintainers), files of
// deletion-protected packages left with an error. Packyard serves that over REST: one coordinator commit per
// package (every file of a package at once), so protection rules judge each package as they judge any delete.
import { Hono } from "hono";
import { and, eq } from "drizzle-orm";
import { inIds } from "../db/client";
import { z } from "zod";
import type { AppEnv } from "../env";
import { commitTargetOf } from "../formats";
import { packageFiles, packages } from "../db/schema";
import { AppError } from "../core/errors";
import { parseBody } from "./validate";
import { requireUser } from "./current-actor";

/** GitLab's Mutations::Packages::DestroyFiles::MAXIMUM_FILES. */
export const MAXIMUM_FILES = 100;

const bodySchema = z.object({ ids: z.array(z.coerce.number().int().positive()).min(1) }).strict();

export const bulkDeleteRoutes = new Hono<AppEnv>();

bulkDeleteRoutes.post("/projects/:id/packages/package_files/bulk_delete", async (c) => {
  requireUser(c, true);
  const registry = c.var.registry;
  const ctx = await registry.authorize(c.req.param("id"), "destroy_package");
  const body = await parseBody(c, bodySchema);
  const ids = [...new Set(body.ids)];
  if (ids.length > MAXIMUM_FILES) throw new AppError("bad_request", `400 Bad request - Cannot delete more than ${MAXIMUM_FILES} files`);
  const rows = await registry.db
    .select({ fileId: packageFiles.id, pkg: packages })
    .from(packageFiles)
    .innerJoin(packages, eq(packages.id, packageFiles.packageId))
    .where(and(inIds(packageFiles.id, ids), eq(packages.projectId, ctx.project.id)))
    .all();
  // GitLab: every file must be in the requested project, or nothing is deleted.
  if (rows.length !== ids.length) throw new AppError("not_found", "404 Not found - All files must be in the requested project");
  const byPackage = new Map<number, { pkg: (typeof rows)[number]["pkg"]; fileIds: number[] }>();
  for (const row of rows) {
    const entry = byPackage.get(row.pkg.id) ?? { pkg: row.pkg, fileIds: [] };
    entry.fileIds.push(row.fileId);
    byPackage.set(row.pkg.id, entry);
  }
  const deleted: number[] = [];
  const errors: string[] = [];
  for (const { pkg, fileIds } of byPackage.values()) {
    try {
      await registry.commit(
        commitTargetOf(ctx, pkg),
        fileIds.map((fileId) => ({ kind: "remove_file" as const, fileId })),
      );
      deleted.push(...fileIds);
    } catch (error) {
      if (!(error instanceof AppError) || (error.code !== "forbidden" && error.code !== "not_found")) throw error;
      // GitLab's message for a deletion-protected package; a file gone meanwhile is simply not deleted by this call.
      errors.push(error.code === "forbidden" ? `Package '${pkg.name}' is deletion protected.` : `${pkg.name} ${pkg.version}: ${error.message}`);
    }
  }
  return c.json({ deleted: deleted.sort((a, b) => a - b), errors: [...new Set(errors)] });
});
