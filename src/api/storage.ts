// Storage figures over the API (docs/storage.md): `statistics` of GET /projects/:id and /groups(/:id) as GitLab
// shapes them (every figure but packages_size is 0: Packyard stores packages only), and the instance's figures
// for administrators (GET /application/storage, Packyard).
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { ACCESS_LEVELS, type Actor } from "../core/auth/actor";
import { AppError } from "../core/errors";
import { groupPackagesSizeQuery, instanceStorage, projectPackagesSizeQuery, sizeOf } from "../core/storage/statistics";
import { saveStorageSettings, settingsAboveQuery, storageSettingsQuery, type StorageSettingsRow } from "../core/storage/quota";
import { authorizeGroupRead, roleOnNamespace } from "../core/tenancy";
import { requireUser } from "./current-actor";
import { booleanish, parseBody } from "./validate";

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

/** GitLab's group statistics (Namespace::RootStorageStatistics fields as GET /groups?statistics=true shows them): the project's without commits and the container registry. */
export function groupStatisticsJson(packagesSize: number) {
  const { commit_count: _commits, container_registry_size: _containers, ...fields } = projectStatisticsJson(packagesSize);
  return fields;
}

export const storageRoutes = new Hono<AppEnv>();

/** The instance's figures, cached copies of request forwarding included: administrators only. */
storageRoutes.get("/application/storage", async (c) => {
  const me = requireUser(c);
  if (!me.isAdmin) throw new AppError("forbidden");
  return c.json(await instanceStorage(c.var.registry.db));
});

/** Bytes; 0 or null removes the quota. */
const settingsSchema = z
  .object({
    packages_size_limit: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
    immutable_versions: booleanish.optional(),
  })
  .strict();

const settingsJson = (size: number, row: StorageSettingsRow | undefined, inherited?: boolean) => ({
  packages_size: size,
  packages_size_limit: row?.packagesSizeLimit ?? null,
  immutable_versions: row?.immutableVersions ?? false,
  ...(inherited === undefined ? {} : { immutable_versions_inherited: inherited }),
});

const limitOf = (value: number | null | undefined) => (value === undefined ? undefined : value === 0 ? null : value);

/** A project's storage: its packages_size and settings. Reporters read (as statistics); administrators set the quota. */
storageRoutes.get("/projects/:id/storage", async (c) => {
  const registry = c.var.registry;
  const ctx = await registry.authorize(c.req.param("id"), "read_project");
  if (!isAdmin(registry.actor) && ctx.accessLevel < ACCESS_LEVELS.reporter) throw new AppError("forbidden");
  const db = registry.db;
  const [size, settings] = await db.batch([projectPackagesSizeQuery(db, ctx.project.id), settingsAboveQuery(db, ctx.project.id)]);
  return c.json(projectSettingsJson(ctx.project.id, sizeOf(size), settings));
});

storageRoutes.put("/projects/:id/storage", async (c) => {
  requireUser(c, true);
  const registry = c.var.registry;
  const ctx = await registry.authorize(c.req.param("id"), "read_project");
  const body = await parseBody(c, settingsSchema);
  const admin = isAdmin(registry.actor);
  if (body.packages_size_limit !== undefined && !admin) throw new AppError("forbidden", "403 Forbidden - only administrators set storage quotas");
  if (body.immutable_versions !== undefined && !admin && ctx.accessLevel < ACCESS_LEVELS.maintainer) throw new AppError("forbidden");
  const db = registry.db;
  await saveStorageSettings(db, { projectId: ctx.project.id }, { packagesSizeLimit: limitOf(body.packages_size_limit), immutableVersions: body.immutable_versions });
  const [size, settings] = await db.batch([projectPackagesSizeQuery(db, ctx.project.id), settingsAboveQuery(db, ctx.project.id)]);
  return c.json(projectSettingsJson(ctx.project.id, sizeOf(size), settings));
});

/** A group's storage (its whole tree): Owners and administrators read; administrators set the quota. */
storageRoutes.get("/groups/:id/storage", async (c) => {
  const { db, actor, roles } = c.var.registry;
  const group = await authorizeGroupRead(db, actor, c.req.param("id"), roles);
  if (!isAdmin(actor) && roleOnNamespace(await roles(), group) < ACCESS_LEVELS.owner) throw new AppError("forbidden");
  const [size, settings] = await db.batch([groupPackagesSizeQuery(db, group), storageSettingsQuery(db, { namespaceId: group.id })]);
  return c.json(settingsJson(sizeOf(size), settings[0]));
});

storageRoutes.put("/groups/:id/storage", async (c) => {
  requireUser(c, true);
  const { db, actor, roles } = c.var.registry;
  const group = await authorizeGroupRead(db, actor, c.req.param("id"), roles);
  const body = await parseBody(c, settingsSchema);
  const admin = isAdmin(actor);
  if (body.packages_size_limit !== undefined && !admin) throw new AppError("forbidden", "403 Forbidden - only administrators set storage quotas");
  if (body.immutable_versions !== undefined && !admin && roleOnNamespace(await roles(), group) < ACCESS_LEVELS.owner) throw new AppError("forbidden");
  const row = await saveStorageSettings(db, { namespaceId: group.id }, { packagesSizeLimit: limitOf(body.packages_size_limit), immutableVersions: body.immutable_versions });
  return c.json(settingsJson(sizeOf(await groupPackagesSizeQuery(db, group).all()), row));
});

/** A project's own settings, and whether a group above it has immutable versions on. */
function projectSettingsJson(projectId: number, size: number, rows: StorageSettingsRow[]) {
  return settingsJson(
    size,
    rows.find((r) => r.projectId === projectId),
    rows.some((r) => r.namespaceId !== null && r.immutableVersions),
  );
}
