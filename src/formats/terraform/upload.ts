// PUT of a module archive: GitLab's rules checked before a byte is stored, the body streamed into R2,
// then one coordinator commit that re-checks what may have changed meanwhile.
// Spec: gitlab-spec.md §12; GitLab lib/api/terraform/modules/v1/project_packages.rb `put`,
// app/services/packages/terraform_module/create_package_service.rb.
//
// curl --fail -H "PRIVATE-TOKEN: …" --upload-file hello-local-1.0.0.tgz \
//   https://HOST/api/v4/projects/:id/packages/terraform/modules/hello/local/1.0.0/file   → 201 {"message":"201 Created"}
//
//   access (route: create_package) → same name in another project of the top-level namespace? 403 unless the
//   group allows it → same version in this project? 403 → putBlob (streamed, size limit) → commit
//   {reject_version; uniqueInRootNamespace unless allowed} in the top-level namespace's coordinator
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import type { ProjectContext, Registry } from "../../core/registry";
import { declaredLength, maxUploadBytes } from "../../http/request-body";
import { commitTarget, duplicateNamesAllowed, EXISTING_STATUSES, type TerraformDuplicateSettings } from "./package";
import { fileNameOf, PACKAGE_TYPE, packageNameOf, type ModuleVersion } from "./parse";

export const NAMESPACE_DUPLICATE = "A module with the same name already exists in the namespace.";
export const PROJECT_DUPLICATE = "A module with the same name & version already exists in the project.";

export async function uploadModule(c: Context<AppEnv>, ctx: ProjectContext, module: ModuleVersion): Promise<Response> {
  const registry = c.var.registry;
  const name = packageNameOf(module);
  const contentLength = declaredLength(c); // 413 before any byte is read
  const namesMayRepeat = await checkBeforeUpload(registry, ctx, name, module.version);

  // GitLab keeps sha256 only for module archives.
  const blob = await registry.putBlob(c.req.raw.body, { contentLength, maxBytes: maxUploadBytes(c), contentType: "application/octet-stream", digests: [] });
  // A refused commit (the version appeared meanwhile, here or elsewhere in the namespace) discards the blob.
  await registry.commit(commitTarget(ctx, name), [
    {
      kind: "publish",
      version: module.version,
      files: [{ blob, fileName: fileNameOf(module) }],
      duplicates: { kind: "reject_version" },
      // The name, in any version, stays in one project of the top-level namespace unless the setting allows more.
      uniqueInRootNamespace: namesMayRepeat ? false : "name",
    },
  ]);
  return c.json({ message: "201 Created" }, 201);
}

/**
 * GitLab's two refusals, in its order, answered before the body is stored: the name in another project of
 * the top-level namespace (unless the duplicate setting allows it), then the version in this project.
 * Answers whether the name may repeat across projects. The namespace check sees the projects the uploader
 * may read, for an early answer; the commit's uniqueInRootNamespace guard ("name") sees every project.
 */
async function checkBeforeUpload(registry: Registry, ctx: ProjectContext, name: string, version: string): Promise<boolean> {
  const root = await registry.readScope({ kind: "root_namespace", path: String(ctx.subject.namespaceIds[0] ?? ctx.namespace.id) });
  const settings = [ctx.namespace.packageSettings, root.namespace?.packageSettings].filter((s): s is TerraformDuplicateSettings => s !== undefined);
  const namesMayRepeat = duplicateNamesAllowed(settings, name);
  const rows = await registry.versions(root, PACKAGE_TYPE, name, { statuses: EXISTING_STATUSES });
  if (!namesMayRepeat && rows.some((r) => r.projectId !== ctx.project.id)) throw new AppError("forbidden", NAMESPACE_DUPLICATE);
  if (rows.some((r) => r.projectId === ctx.project.id && r.version === version)) throw new AppError("package_exists", PROJECT_DUPLICATE);
  return namesMayRepeat;
}
