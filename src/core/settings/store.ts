// Reads and writes of the package settings: a namespace's chain (top-level namespace first) with the
// instance settings in one round trip, GitLab's update rules (./package-settings.ts) applied before one
// atomic write that also clears the locks below a namespace that locks a setting.
// Spec: GitLab app/services/namespaces/package_settings/update_service.rb.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { inIds } from "../../db/client";
import { applicationSettings, namespaces, type NamespacePackageSettings } from "../../db/schema";
import type { NamespaceRow } from "../tenancy";
import { parseTraversal } from "../tenancy";
import { applyChanges, lockField, packageSettingsOf, type InstanceForwarding, type PackageSettings } from "./package-settings";

export const DEFAULT_INSTANCE_FORWARDING: InstanceForwarding = {
  npm_package_requests_forwarding: false,
  lock_npm_package_requests_forwarding: false,
  pypi_package_requests_forwarding: false,
  lock_pypi_package_requests_forwarding: false,
  maven_package_requests_forwarding: false,
  lock_maven_package_requests_forwarding: false,
};

type AppRow = typeof applicationSettings.$inferSelect;

function instanceOf(row: AppRow | undefined): InstanceForwarding {
  if (!row) return { ...DEFAULT_INSTANCE_FORWARDING };
  return {
    npm_package_requests_forwarding: row.npmPackageRequestsForwarding,
    lock_npm_package_requests_forwarding: row.lockNpmPackageRequestsForwarding,
    pypi_package_requests_forwarding: row.pypiPackageRequestsForwarding,
    lock_pypi_package_requests_forwarding: row.lockPypiPackageRequestsForwarding,
    maven_package_requests_forwarding: row.mavenPackageRequestsForwarding,
    lock_maven_package_requests_forwarding: row.lockMavenPackageRequestsForwarding,
  };
}

export async function getInstanceForwarding(db: Db): Promise<InstanceForwarding> {
  return instanceOf(await db.select().from(applicationSettings).where(eq(applicationSettings.id, 1)).get());
}

/** Save the instance's forwarding settings (only the fields given). */
export async function updateInstanceForwarding(db: Db, changes: Partial<InstanceForwarding>): Promise<InstanceForwarding> {
  const columns = {
    npmPackageRequestsForwarding: changes.npm_package_requests_forwarding,
    lockNpmPackageRequestsForwarding: changes.lock_npm_package_requests_forwarding,
    pypiPackageRequestsForwarding: changes.pypi_package_requests_forwarding,
    lockPypiPackageRequestsForwarding: changes.lock_pypi_package_requests_forwarding,
    mavenPackageRequestsForwarding: changes.maven_package_requests_forwarding,
    lockMavenPackageRequestsForwarding: changes.lock_maven_package_requests_forwarding,
  };
  const set = Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
  if (Object.keys(set).length > 0) {
    const [row] = await db
      .insert(applicationSettings)
      .values({ id: 1, ...set })
      .onConflictDoUpdate({ target: applicationSettings.id, set: { ...set, updatedAt: new Date() } })
      .returning();
    return instanceOf(row);
  }
  return getInstanceForwarding(db);
}

export interface SettingsChain {
  /** Top-level namespace first, the namespace itself last. */
  chain: PackageSettings[];
  instance: InstanceForwarding;
}

/** A namespace's settings and its ancestors', with the instance settings: one round trip. */
export async function getSettingsChain(db: Db, namespace: Pick<NamespaceRow, "id" | "traversalIds">): Promise<SettingsChain> {
  const ids = parseTraversal(namespace.traversalIds);
  const chainIds = ids.length > 0 ? ids : [namespace.id];
  const [rows, app] = await db.batch([
    db.select({ id: namespaces.id, packageSettings: namespaces.packageSettings }).from(namespaces).where(inIds(namespaces.id, chainIds)),
    db.select().from(applicationSettings).where(eq(applicationSettings.id, 1)),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r.packageSettings]));
  return { chain: chainIds.filter((id) => byId.has(id)).map((id) => packageSettingsOf(byId.get(id))), instance: instanceOf(app[0]) };
}

export type UpdateOutcome = { ok: true; settings: SettingsChain } | { ok: false; errors: string[] };

/**
 * GitLab's UpdateService after its permission check (the caller's): validate against the chain, then in one
 * batch merge the changed keys into the namespace's JSON (json_patch: a null removes the key, i.e. inherit)
 * and clear the locks of every descendant of a namespace that now locks a setting.
 */
export async function updateNamespacePackageSettings(db: Db, namespace: NamespaceRow, changes: NamespacePackageSettings): Promise<UpdateOutcome> {
  const before = await getSettingsChain(db, namespace);
  const applied = applyChanges(before.chain, before.instance, changes);
  if (!applied.ok) return applied;
  const current = before.chain.at(-1)!;
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(applied.stored) as [keyof PackageSettings, unknown][]) {
    if (value !== current[key] || key in changes) patch[key] = value;
  }
  const descendants = sql`${namespaces.traversalIds} LIKE ${`${namespace.traversalIds}/%`}`;
  await db.batch([
    db
      .update(namespaces)
      .set({ packageSettings: sql`json_patch(${namespaces.packageSettings}, ${JSON.stringify(patch)})` })
      .where(eq(namespaces.id, namespace.id)),
    ...applied.locked.map((format) =>
      db
        .update(namespaces)
        .set({ packageSettings: sql`json_set(${namespaces.packageSettings}, ${`$.${lockField(format)}`}, json('false'))` })
        .where(descendants),
    ),
  ]);
  return { ok: true, settings: await getSettingsChain(db, namespace) };
}
