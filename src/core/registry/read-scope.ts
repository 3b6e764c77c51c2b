// Which projects a read looks in, at project, group or instance level, resolved once per request
// with one caching rule for every format:
//   a response may be stored for anonymous callers only when the scope holds at least one project and
//   every project in it lets anyone pull; its cache key carries every project's revision.
// Unknown and hidden places answer alike, so an outsider cannot tell them apart: 401 for anonymous
// callers (clients then send credentials), 404 for everyone else.
// Spec: ../shared/reference/gitlab-spec.md §0.4 (auth), §1/§2/§3 (route prefixes and levels).
import type { Db } from "../../db/client";
import type { Actor } from "../auth/actor";
import { AppError } from "../errors";
import {
  authorizeGroupRead,
  authorizeProject,
  getNamespaceByRef,
  getProjectsByPaths,
  keepReadable,
  listProjectsInGroup,
  parseTraversal,
  readableProjects,
  type NamespaceRow,
  type ProjectContext,
} from "../tenancy";
import { anonymousMayPull, type CacheScope } from "../../http/edge-cache";

export type ScopeLevel =
  /** `/projects/:id/packages/<format>/…` */
  | { kind: "project"; ref: string }
  /** `/groups/:id/-/packages/<format>/…`: the group and (unless excluded) its subgroups */
  | { kind: "group"; ref: string; includeSubgroups?: boolean }
  /** Instance level by a top-level namespace path (npm: `@<root namespace>/name`) */
  | { kind: "root_namespace"; path: string }
  /** Instance level by project full paths (Maven: the project whose path the package path starts with) */
  | { kind: "project_paths"; paths: string[] }
  /** Instance level, every project whose packages the caller may read (Conan's instance-level search) */
  | { kind: "readable" };

export interface ReadScope {
  level: "project" | "group" | "instance";
  /** Projects whose packages the caller may read, with their role; the answer comes from these only. */
  projects: ProjectContext[];
  projectIds: number[];
  /** The group read (group level) or the top-level namespace (npm's instance level). */
  namespace: NamespaceRow | null;
  /** A name for index pages: the project's or the group's name. */
  title: string;
  /** The caller is anonymous and some projects here are hidden from them: a miss asks for credentials (401). */
  challengeOnMiss: boolean;
  cache: CacheScope;
}

export async function resolveReadScope(db: Db, actor: Actor, roles: () => Promise<Map<string, number>>, level: ScopeLevel): Promise<ReadScope> {
  switch (level.kind) {
    case "project": {
      const ctx = await authorizeProject(db, actor, level.ref, "read_package", roles);
      return scopeOf("project", [ctx], null, ctx.project.name, false);
    }
    case "group": {
      const group = await authorizeGroupRead(db, actor, level.ref, roles);
      const [all, roleMap] = await Promise.all([listProjectsInGroup(db, group, level.includeSubgroups ?? true), roles()]);
      const readable = keepReadable(actor, all, roleMap);
      return scopeOf("group", readable, group, group.name, actor.kind === "anonymous" && all.length > readable.length);
    }
    case "root_namespace": {
      const namespace = await getNamespaceByRef(db, level.path);
      if (!namespace || parseTraversal(namespace.traversalIds).length !== 1) throw hiddenOrUnknown(actor);
      const [all, roleMap] = await Promise.all([listProjectsInGroup(db, namespace, true), roles()]);
      const readable = keepReadable(actor, all, roleMap);
      if (readable.length === 0) throw hiddenOrUnknown(actor);
      return scopeOf("instance", readable, namespace, namespace.name, actor.kind === "anonymous" && all.length > readable.length);
    }
    case "project_paths": {
      const [found, roleMap] = await Promise.all([getProjectsByPaths(db, level.paths), roles()]);
      const readable = keepReadable(actor, found, roleMap);
      if (readable.length === 0) throw hiddenOrUnknown(actor);
      return scopeOf("instance", readable, null, "", actor.kind === "anonymous" && found.length > readable.length);
    }
    case "readable":
      return scopeOf("instance", await readableProjects(db, actor, roles), null, "", false);
  }
}

/** An instance-level path that is unknown, or whose projects the caller may not read: the same answer for both. */
function hiddenOrUnknown(actor: Actor): AppError {
  return actor.kind === "anonymous" ? new AppError("unauthorized") : new AppError("not_found", "404 Package Not Found");
}

/** The error for a package or file a scope does not hold. */
export function missIn(scope: ReadScope, what = "Package"): AppError {
  if (scope.challengeOnMiss) return new AppError("unauthorized", "401 Unauthorized - log in to read packages of private projects");
  return new AppError("not_found", `404 ${what} Not Found`);
}

function scopeOf(level: ReadScope["level"], projects: ProjectContext[], namespace: NamespaceRow | null, title: string, challengeOnMiss: boolean): ReadScope {
  return {
    level,
    projects,
    projectIds: projects.map((p) => p.project.id),
    namespace,
    title,
    challengeOnMiss,
    cache: {
      anonymousPullable: projects.length > 0 && projects.every((p) => anonymousMayPull(p.subject)),
      revisions: projects.map((p) => `p${p.project.id}r${p.project.packagesRevision}`).sort(),
    },
  };
}
