// Cleanup policy of a project (docs/storage.md): GET|PUT /projects/:id/packages/cleanup_policy, GET …/preview,
// POST …/run. GitLab keeps this policy in GraphQL only (`packagesCleanupPolicy { keepNDuplicatedPackageFiles
// nextRunAt }`, mutation `updatePackagesCleanupPolicy`, Maintainers: app/graphql/…/packages/cleanup/policy_type.rb,
// app/services/packages/cleanup/update_policy_service.rb); Packyard serves the same fields over REST, spelled as
// GitLab's column names, plus its own `rules`. Every route is for Maintainers (GitLab's admin_package).
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { commitTargetOf } from "../formats";
import { ACCESS_LEVELS } from "../core/auth/actor";
import { RULE_PACKAGE_TYPES } from "../core/protection";
import { KEEP_N_DUPLICATED_VALUES, rulesProblems, type CleanupPolicy } from "../core/storage/cleanup-rules";
import { getCleanupPolicy, normaliseRule, previewCleanup, remainingIds, runCleanupPolicy, saveCleanupPolicy, type CleanupPreview, type StoredPolicy } from "../core/storage/cleanup-policy";
import type { ProjectContext } from "../core/tenancy";
import { loadAdministeredContainer } from "./containers";
import { AppError } from "../core/errors";
import { parseBody } from "./validate";

const pattern = z.string().min(1).max(255).nullable().optional();
const count = z.coerce.number().int().min(0).max(10_000).nullable().optional();

const ruleSchema = z
  .object({
    package_type: z.enum(RULE_PACKAGE_TYPES),
    keep_n_latest: count,
    older_than_days: z.coerce.number().int().min(1).max(36_500).nullable().optional(),
    name_regex: pattern,
    name_regex_keep: pattern,
    version_regex: pattern,
    version_regex_keep: pattern,
  })
  .strict();

const policySchema = z
  .object({
    keep_n_duplicated_package_files: z.enum(KEEP_N_DUPLICATED_VALUES, { message: "is invalid" }).optional(),
    rules: z.array(ruleSchema).optional(),
  })
  .strict();

export const cleanupPolicyRoutes = new Hono<AppEnv>();

/** Package commits one run request makes at most (the scheduled run has its own per-tick budget). */
const RUN_BUDGET = 100;

const POLICY = "/projects/:id/packages/cleanup_policy";

cleanupPolicyRoutes.get(POLICY, async (c) => {
  const project = await maintainedProject(c, "read");
  return c.json(policyJson(await getCleanupPolicy(c.var.registry.db, project.project.id)));
});

cleanupPolicyRoutes.put(POLICY, async (c) => {
  const project = await maintainedProject(c, "write");
  const body = await parseBody(c, policySchema);
  const rules = body.rules?.map(normaliseRule);
  const problems = rules ? rulesProblems(rules) : [];
  if (problems.length) return c.json({ message: { error: problems } }, 400);
  const changes: Partial<CleanupPolicy> = { keepNDuplicatedPackageFiles: body.keep_n_duplicated_package_files, rules };
  return c.json(policyJson(await saveCleanupPolicy(c.var.registry.db, project.project.id, changes)));
});

/** What a run would delete now, listed: the same selection the run's commits make. */
cleanupPolicyRoutes.get(`${POLICY}/preview`, async (c) => {
  const project = await maintainedProject(c, "read");
  return c.json(previewJson(await previewCleanup(c.var.registry.db, project.project.id)));
});

/** Run the policy now (Packyard): answers what it deleted, by the rows gone afterwards. */
cleanupPolicyRoutes.post(`${POLICY}/run`, async (c) => {
  const project = await maintainedProject(c, "write");
  const db = c.var.registry.db;
  const now = Date.now();
  const before = await previewCleanup(db, project.project.id, now);
  const run = await runCleanupPolicy(c.env, project, commitTargetOf, now, RUN_BUDGET);
  const packageIds = before.packages.flatMap((p) => p.deletions.versionIds);
  const fileIds = before.packages.flatMap((p) => p.deletions.fileIds);
  const left = await remainingIds(db, packageIds, fileIds);
  return c.json({
    packages_deleted: packageIds.filter((id) => !left.packages.has(id)).length,
    package_files_deleted: fileIds.filter((id) => !left.files.has(id)).length,
    failed: run.failed,
    // false: more packages had something to delete than one request commits; call again for the rest.
    complete: run.complete,
  });
});

async function maintainedProject(c: Context<AppEnv>, access: "read" | "write"): Promise<ProjectContext> {
  if (c.var.registry.actor.kind === "anonymous") throw new AppError("unauthorized");
  const container = await loadAdministeredContainer(c, "projects", c.req.param("id") ?? "", ACCESS_LEVELS.maintainer, access);
  if (container.kind !== "projects") throw new AppError("internal");
  return container.project;
}

export function policyJson(policy: StoredPolicy) {
  return {
    keep_n_duplicated_package_files: policy.keepNDuplicatedPackageFiles,
    next_run_at: policy.nextRunAt ? policy.nextRunAt.toISOString() : null,
    rules: policy.rules,
  };
}

export function previewJson(preview: CleanupPreview) {
  const packages = preview.packages.flatMap((p) =>
    p.versions
      .filter((v) => p.deletions.versionIds.includes(v.id))
      .map((v) => ({
        id: v.id,
        name: p.name,
        version: v.version,
        package_type: p.packageType,
        created_at: v.createdAt.toISOString(),
        size: (v.files ?? []).reduce((sum, f) => sum + (preview.sizes.get(f.id) ?? 0), 0),
      })),
  );
  const package_files = preview.packages.flatMap((p) =>
    p.versions.flatMap((v) =>
      (v.files ?? [])
        .filter((f) => p.deletions.fileIds.includes(f.id))
        .map((f) => ({ id: f.id, package_id: v.id, name: p.name, version: v.version, package_type: p.packageType, file_name: f.fileName, created_at: f.createdAt.toISOString(), size: preview.sizes.get(f.id) ?? 0 })),
    ),
  );
  return { packages, package_files, size: packages.reduce((s, p) => s + p.size, 0) + package_files.reduce((s, f) => s + f.size, 0) };
}
