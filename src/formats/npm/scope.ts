// Which projects a request at project, group or instance level reads from, and the versions, tags and
// files of one package name across them (the newest package per version wins).
// Spec: ../shared/reference/gitlab-spec.md §1 "Route prefixes", "Naming rules" (instance: @<root namespace>/…).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { createDb, type Db } from "../../db/client";
import { AppError } from "../../core/errors";
import { getPackageVersions, getTags, newestPerVersion, type PackageWithFiles } from "../../core/packages";
import {
  authorizeGroupRead,
  authorizeProject,
  getNamespaceByRef,
  listProjectsInGroup,
  parseTraversal,
  readableProjectsInGroup,
  type NamespaceRow,
  type ProjectContext,
} from "../../core/tenancy";
import { anonymousMayPull, revisionsOf } from "../../http/edge-cache";
import type { VersionRecord } from "./metadata";
import { scopeOf } from "./parse";

export const PACKAGE_TYPE = "npm";

export type Level = { kind: "project"; ref: string } | { kind: "group"; ref: string } | { kind: "instance" };

export interface ReadScope {
  projects: ProjectContext[];
  /** true when every project behind the answer lets anonymous users pull */
  anonymousPullable: boolean;
  revisions: string[];
  /** the group or namespace read (group and instance level): to tell anonymous callers to log in */
  namespace: NamespaceRow | null;
}

/**
 * The projects whose packages named `name` a caller may read at this level. Instance level needs a
 * scope that is a top-level namespace path; a name without one is 404 there (as GitLab).
 */
export async function resolveReadScope(c: Context<AppEnv>, level: Level, name: string | null): Promise<ReadScope> {
  const db = createDb(c.env.DB);
  const actor = c.get("actor");
  let projects: ProjectContext[];
  let namespace: NamespaceRow | null = null;
  if (level.kind === "project") {
    projects = [await authorizeProject(db, actor, level.ref, "read_package")];
  } else if (level.kind === "group") {
    namespace = await authorizeGroupRead(db, actor, level.ref);
    projects = await readableProjectsInGroup(db, actor, namespace);
  } else {
    const scope = name ? scopeOf(name) : null;
    if (!scope) throw new AppError("not_found", "404 Not Found - the instance endpoint serves only @scope/name packages whose scope is a top-level group or user");
    namespace = await getNamespaceByRef(db, scope);
    if (!namespace || parseTraversal(namespace.traversalIds).length !== 1) throw new AppError("not_found", `404 Namespace ${scope} Not Found`);
    projects = await readableProjectsInGroup(db, actor, namespace);
  }
  return { projects, anonymousPullable: projects.every((p) => anonymousMayPull(p.subject)), revisions: revisionsOf(projects.map((p) => p.project)), namespace };
}

/**
 * A package that is not found: 404, except for anonymous callers at group or instance level when
 * projects there are hidden from them, who get 401 so that npm tells them to log in.
 */
export async function notFoundFor(c: Context<AppEnv>, scope: ReadScope, what: string): Promise<AppError> {
  if (c.get("actor").kind === "anonymous" && scope.namespace) {
    const all = await listProjectsInGroup(createDb(c.env.DB), scope.namespace);
    if (all.length > scope.projects.length) return new AppError("unauthorized", "401 Unauthorized - log in to read packages of private projects");
  }
  return new AppError("not_found", `404 ${what} Not Found`);
}

export interface NamedPackage {
  versions: VersionRecord[];
  rows: PackageWithFiles[];
  /** tag → version, only tags pointing at the chosen rows */
  tags: Map<string, string>;
}

/** Every installable version of `name` in these projects, newest package per version, with its tags. */
export async function getNamedPackage(db: Db, projects: ProjectContext[], name: string): Promise<NamedPackage> {
  const all = await getPackageVersions(db, { projectIds: projects.map((p) => p.project.id), packageType: PACKAGE_TYPE, normalizedName: name });
  const rows = newestPerVersion(all);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const tags = new Map<string, { version: string; at: number }>();
  const owners = [...new Set(rows.map((r) => r.projectId))];
  const tagMaps = await Promise.all(owners.map((id) => getTags(db, id, PACKAGE_TYPE, name)));
  for (const tagMap of tagMaps) {
    for (const [tag, packageId] of tagMap) {
      const row = byId.get(packageId);
      if (!row) continue;
      const current = tags.get(tag);
      if (!current || row.createdAt.getTime() > current.at) tags.set(tag, { version: row.version, at: row.createdAt.getTime() });
    }
  }
  return {
    rows,
    versions: rows.map(toVersionRecord),
    tags: new Map([...tags].map(([tag, v]) => [tag, v.version])),
  };
}

export function toVersionRecord(row: PackageWithFiles): VersionRecord {
  const file = row.files.find((f) => f.fileName.endsWith(".tgz")) ?? row.files[0];
  return {
    version: row.version,
    manifest: row.metadata ?? {},
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    file: file ? { fileName: file.fileName, sha1: file.sha1, sha512: file.sha512 } : null,
  };
}
