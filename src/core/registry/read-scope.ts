// Which projects a read looks in, at project, group or instance level, resolved once per request
// with one caching rule for every format:
//   a response may be stored for anonymous callers only when the scope holds at least one project and
//   every project in it lets anyone pull; its cache key carries every project's revision.
// Unknown and hidden places answer alike, so an outsider cannot tell them apart: 401 for anonymous
// callers (clients then send credentials), 404 for everyone else.
// Spec: ../shared/reference/gitlab-spec.md §0.4 (auth), §1/§2/§3 (route prefixes and levels).
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { Db } from "../../db/client";
import { compiledFamily, slot } from "../../db/compiled";
import type { Actor } from "../auth/actor";
import { AppError } from "../errors";
import {
  authorizeFound,
  keepReadable,
  mayReadGroup,
  memberOfAnyProject,
  namespaceByRefQueryOf,
  parseTraversal,
  projectIdsWhere,
  projectPathsCondition,
  joinProjectRows,
  projectRefConditionOf,
  refKindOf,
  refValueOf,
  projectRowQueries,
  throwFor,
  underNamespaceRefOf,
  type NamespaceRow,
  type ProjectContext,
  type ProjectRow,
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

/**
 * A level whose statements are compiled (src/db/compiled.ts): `variant` names their shape (`project:id`,
 * `group:path:1`, `root:path`, …), `values` binds them. Reads in the same batch compile against it too, their
 * projects subquery rebuilt from `variant` by `levelProjectIds`. Instance levels that name paths or every
 * readable project are not compiled.
 */
export interface CompiledLevel {
  variant: string;
  values: { ref: number | string };
}

function compiledLevelOf(level: ScopeLevel): CompiledLevel | null {
  switch (level.kind) {
    case "project":
      return { variant: `project:${refKindOf(level.ref)}`, values: { ref: refValueOf(level.ref) } };
    case "group":
      return { variant: `group:${refKindOf(level.ref)}:${level.includeSubgroups === false ? 0 : 1}`, values: { ref: refValueOf(level.ref) } };
    case "root_namespace":
      return { variant: `root:${refKindOf(level.path)}`, values: { ref: refValueOf(level.path) } };
    default:
      return null;
  }
}

/** What a variant says: the level's kind, whether its ref is an id or a path, and (groups) whether subgroups count. */
function partsOf(variant: string) {
  const [kind, refKind, subgroups] = variant.split(":") as ["project" | "group" | "root", "id" | "path", string | undefined];
  return { kind, refKind, includeSubgroups: subgroups !== "0" };
}

/** The condition on projects ⋈ namespaces selecting a namespace level's projects. */
function underLevel(variant: string, ref: number | string | SQLWrapper): SQL {
  const { kind, refKind, includeSubgroups } = partsOf(variant);
  return underNamespaceRefOf(refKind, ref, kind === "group" ? "group" : undefined, includeSubgroups);
}

/** The projects of a compiled level as a subquery; `ref` is a placeholder in compiled statements. */
export function levelProjectIds(db: Db, variant: string, ref: number | string | SQLWrapper): SQLWrapper {
  const { kind, refKind } = partsOf(variant);
  if (kind !== "project") return projectIdsWhere(db, underLevel(variant, ref));
  // A numeric ref is the project's id itself: the package rows need no join to find it (rows of a project that
  // turns out not to exist, or not to be readable, are dropped once the scope is resolved).
  return refKind === "id" ? sql`(${ref})` : projectIdsWhere(db, projectRefConditionOf("path", ref));
}

const levelFamily = compiledFamily((db, variant) => {
  const { kind, refKind } = partsOf(variant);
  if (kind === "project") return [...projectRowQueries(db, projectRefConditionOf(refKind, slot("ref")))];
  return [namespaceByRefQueryOf(db, refKind, slot("ref"), kind === "group" ? "group" : undefined), ...projectRowQueries(db, underLevel(variant, slot("ref")))];
});

/**
 * The statements a level needs (for one batch) and the projects it may cover as a subquery, so package rows
 * can be read in the same batch before anyone knows the project ids.
 */
export function scopeQueries(db: Db, level: ScopeLevel): { queries: readonly unknown[]; projectIds: SQLWrapper; compiled?: CompiledLevel } {
  const compiled = compiledLevelOf(level);
  if (compiled) {
    // Reads that are not compiled use `projectIds` with the value bound; compiled ones rebuild it with the placeholder.
    return { queries: levelFamily(db, compiled.variant, compiled.values), projectIds: levelProjectIds(db, compiled.variant, compiled.values.ref), compiled };
  }
  switch (level.kind) {
    case "project_paths": {
      const where = projectPathsCondition(level.paths);
      return { queries: [...projectRowQueries(db, where)], projectIds: projectIdsWhere(db, where) };
    }
    default:
      // `readable` (project, group and top-level namespace levels are compiled above).
      return { queries: [...projectRowQueries(db, sql`1 = 1`)], projectIds: projectIdsWhere(db, sql`1 = 1`) };
  }
}

/** The projects (with namespaces) in the rows of `scopeQueries`. */
const projectsIn = (results: unknown[][], from: number) => joinProjectRows((results[from] ?? []) as ProjectRow[], (results[from + 1] ?? []) as NamespaceRow[]);

/** The read scope from the rows of `scopeQueries` (same order), or the 401/404 the caller gets. */
export function scopeFromRows(actor: Actor, roles: Map<string, number>, level: ScopeLevel, results: unknown[][]): ReadScope {
  switch (level.kind) {
    case "project": {
      const ctx = authorizeFound(actor, projectsIn(results, 0)[0], roles, "read_package");
      return scopeOf("project", [ctx], null, ctx.project.name, false);
    }
    case "group": {
      const group = results[0]?.[0] as NamespaceRow | undefined;
      const all = projectsIn(results, 1);
      if (!group || !(mayReadGroup(actor, group, roles) || memberOfAnyProject(actor, all, roles))) throwFor(actor.kind === "anonymous" ? "unauthorized" : "not_found");
      const readable = keepReadable(actor, all, roles);
      return scopeOf("group", readable, group, group.name, actor.kind === "anonymous" && all.length > readable.length);
    }
    case "root_namespace": {
      const namespace = results[0]?.[0] as NamespaceRow | undefined;
      if (!namespace || parseTraversal(namespace.traversalIds).length !== 1) throw hiddenOrUnknown(actor);
      const all = projectsIn(results, 1);
      const readable = keepReadable(actor, all, roles);
      if (readable.length === 0) throw hiddenOrUnknown(actor);
      return scopeOf("instance", readable, namespace, namespace.name, actor.kind === "anonymous" && all.length > readable.length);
    }
    case "project_paths": {
      const found = projectsIn(results, 0);
      const readable = keepReadable(actor, found, roles);
      if (readable.length === 0) throw hiddenOrUnknown(actor);
      return scopeOf("instance", readable, null, "", actor.kind === "anonymous" && found.length > readable.length);
    }
    case "readable":
      return scopeOf("instance", keepReadable(actor, projectsIn(results, 0), roles), null, "", false);
  }
}

/** The project a project-level `scopeQueries` found, if any. */
export const foundProject = (results: unknown[][]) => projectsIn(results, 0)[0];

/** An instance-level path that is unknown, or whose projects the caller may not read: the same answer for both. */
function hiddenOrUnknown(actor: Actor): AppError {
  return actor.kind === "anonymous" ? new AppError("unauthorized") : new AppError("not_found", "404 Package Not Found");
}

/** The error for a package or file a scope does not hold. */
export function missIn(scope: ReadScope, what = "Package"): AppError {
  if (scope.challengeOnMiss) return new AppError("unauthorized", "401 Unauthorized - log in to read packages of private projects");
  return new AppError("not_found", `404 ${what} Not Found`);
}

/** The one-project scope of a project authorised for an action. */
export const projectScopeOf = (ctx: ProjectContext): ReadScope => scopeOf("project", [ctx], null, ctx.project.name, false);

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
