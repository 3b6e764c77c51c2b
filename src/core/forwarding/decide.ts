// Whether a miss at a level is forwarded, decided as GitLab decides it plus Packyard's guards:
//
//   forwardingFor(level, format, name):
//     no namespace behind the level (Maven's instance level)            → no (GitLab forwards Maven only at project and group level)
//     the level's namespace's setting (cascaded: locks, ancestors, instance) is off → no   (one round trip)
//     a deny pattern of the namespace or an ancestor matches, or an allow pattern does not → no
//     the name exists at this level in any project, any status, readable
//       by the caller or not, or a project there still reserves it        → no: local always wins, and a deleted name stays reserved
//     otherwise → the format's upstream
// Spec: GitLab lib/api/helpers/packages/dependency_proxy_helpers.rb (redirect_registry_request_available?);
// docs/forwarding.md "Dependency confusion".
import { and, eq, sql, type SQLWrapper } from "drizzle-orm";
import type { Db } from "../../db/client";
import { namespaces, packageNameReservations, packages, projects } from "../../db/schema";
import { anchoredMatch } from "../publish/duplicates";
import type { ReadScope } from "../registry/read-scope";
import { cascadedForwarding, type ForwardingFormat, type PackageSettings } from "../settings/package-settings";
import { getInstanceForwarding, getSettingsChain } from "../settings/store";
import { upstreamOf, type Upstream, type UpstreamEnv } from "./upstream";

/** Where the level's packages live: one project, or every project under a namespace. */
type LevelHolder = { kind: "project"; projectId: number } | { kind: "namespace"; traversalIds: string };

function levelOf(scope: ReadScope): { holder: LevelHolder; namespace: { id: number; traversalIds: string } } | null {
  if (scope.level === "project") {
    const ctx = scope.projects[0];
    return ctx ? { holder: { kind: "project", projectId: ctx.project.id }, namespace: ctx.namespace } : null;
  }
  return scope.namespace ? { holder: { kind: "namespace", traversalIds: scope.namespace.traversalIds }, namespace: scope.namespace } : null;
}

export async function forwardingFor(db: Db, env: UpstreamEnv, scope: ReadScope, format: ForwardingFormat, normalizedName: string): Promise<Upstream | null> {
  const level = levelOf(scope);
  if (!level) return null;
  // Settings first: with forwarding off (the default) a miss costs one more round trip, not two.
  const { chain, instance } = await getSettingsChain(db, level.namespace);
  if (!cascadedForwarding(format, chain, instance).value || !patternsAllow(chain, normalizedName)) return null;
  if (await nameHeld(db, level.holder, format, normalizedName)) return null;
  return upstreamOf(env, format);
}

/** Whether the level forwards the format at all, for requests about no one name (npm audit). No scope: the instance. */
export async function levelForwards(db: Db, env: UpstreamEnv, scope: ReadScope | null, format: ForwardingFormat): Promise<Upstream | null> {
  const level = scope ? levelOf(scope) : null;
  const { chain, instance } = level ? await getSettingsChain(db, level.namespace) : { chain: [], instance: await getInstanceForwarding(db) };
  return cascadedForwarding(format, chain, instance).value ? upstreamOf(env, format) : null;
}

/** Every deny pattern of the chain must miss; every allow pattern set in the chain must match (anchored, RE2). */
export function patternsAllow(chain: PackageSettings[], name: string): boolean {
  return chain.every((s) => {
    if (s.package_requests_forwarding_deny_regex && anchoredMatch(s.package_requests_forwarding_deny_regex, name)) return false;
    return !s.package_requests_forwarding_allow_regex || anchoredMatch(s.package_requests_forwarding_allow_regex, name);
  });
}

/** Whether any project of the level holds the name (any version, any status) or reserves it: one query. */
export async function nameHeld(db: Db, holder: LevelHolder, packageType: string, normalizedName: string): Promise<boolean> {
  const inLevel = (projectId: SQLWrapper) =>
    holder.kind === "project"
      ? sql`${projectId} = ${holder.projectId}`
      : sql`${projectId} IN (SELECT ${projects.id} FROM ${projects} JOIN ${namespaces} ON ${namespaces.id} = ${projects.namespaceId} WHERE ${namespaces.traversalIds} = ${holder.traversalIds} OR ${namespaces.traversalIds} LIKE ${`${holder.traversalIds}/%`})`;
  const [local, reserved] = await db.batch([
    db.select({ id: packages.id }).from(packages).where(and(eq(packages.packageType, packageType), eq(packages.normalizedName, normalizedName), inLevel(packages.projectId))).limit(1),
    db
      .select({ projectId: packageNameReservations.projectId })
      .from(packageNameReservations)
      .where(and(eq(packageNameReservations.packageType, packageType), eq(packageNameReservations.normalizedName, normalizedName), inLevel(packageNameReservations.projectId)))
      .limit(1),
  ]);
  return local.length > 0 || reserved.length > 0;
}
