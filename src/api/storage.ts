// Storage figures over the API (docs/storage.md): `statistics` of GET /projects/:id and /groups(/:id) as GitLab
// shapes them (every figure but packages_size is 0: Packyard stores packages only), and the instance's figures
// for administrators (GET /application/storage, Packyard).
import { Hono } from "hono";
import type { AppEnv } from "../env";
import type { Actor } from "../core/auth/actor";
import { AppError } from "../core/errors";
import { instanceStorage } from "../core/storage/statistics";
import { requireUser } from "./current-actor";

export const isAdmin = (actor: Actor) => actor.kind === "user" && actor.user.isAdmin;

/** GitLab's ProjectStatistics fields. */
export function projectStatisticsJson(packagesSize: number) {
  return {
    commit_count: 0,
    storage_size: packagesSize,
    repository_size: 0,
    wiki_size: 0,
    lfs_objects_size: 0,
    job_artifacts_size: 0,
    pipeline_artifacts_size: 0,
    packages_size: packagesSize,
    snippets_size: 0,
    uploads_size: 0,
    container_registry_size: 0,
  };
}

/** GitLab's group statistics (Namespace::RootStorageStatistics fields as GET /groups?statistics=true shows them). */
export function groupStatisticsJson(packagesSize: number) {
  return {
    storage_size: packagesSize,
    repository_size: 0,
    wiki_size: 0,
    lfs_objects_size: 0,
    job_artifacts_size: 0,
    pipeline_artifacts_size: 0,
    packages_size: packagesSize,
    snippets_size: 0,
    uploads_size: 0,
  };
}

export const storageRoutes = new Hono<AppEnv>();

/** The instance's figures, cached copies of request forwarding included: administrators only. */
storageRoutes.get("/application/storage", async (c) => {
  const me = requireUser(c);
  if (!me.isAdmin) throw new AppError("forbidden");
  return c.json(await instanceStorage(c.var.registry.db));
});
