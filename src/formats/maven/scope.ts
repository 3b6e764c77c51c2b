// Which projects a Maven read looks in, at project, group and instance level, and whether an
// anonymous miss should become a 401 challenge (Maven sends Basic credentials only after one).
// Spec: ../shared/reference/gitlab-spec.md §3 (group: newest wins; instance: the owning project's path).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { createDb } from "../../db/client";
import { decide } from "../../core/auth/policy";
import { AppError } from "../../core/errors";
import {
  authorizeGroupRead,
  authorizeProject,
  getProjectByRef,
  listProjectsInGroup,
  loadRoles,
  readableProjectsInGroup,
  roleOn,
  subjectOf,
  throwFor,
  type ProjectContext,
} from "../../core/tenancy";
import { anonymousMayPull, revisionsOf, type CacheScope } from "../../http/edge-cache";

export interface ReadScope {
  projects: ProjectContext[];
  /** An anonymous caller could not see some projects that might hold the file: answer a miss with 401. */
  challengeOnMiss: boolean;
  cache: CacheScope;
}

function scopeOf(projects: ProjectContext[], challengeOnMiss: boolean): ReadScope {
  return {
    projects,
    challengeOnMiss,
    cache: { anonymousPullable: projects.length > 0 && projects.every((p) => anonymousMayPull(p.subject)), revisions: revisionsOf(projects.map((p) => p.project)) },
  };
}

/** `/projects/:id/packages/maven/…`: the project itself (401 for anonymous callers of private projects). */
export async function projectReadScope(c: Context<AppEnv>): Promise<ReadScope> {
  const ctx = await authorizeProject(createDb(c.env.DB), c.get("actor"), c.req.param("id") ?? "", "read_package");
  return scopeOf([ctx], false);
}

/** `/groups/:id/-/packages/maven/…`: every project of the group and its subgroups the caller may pull from. */
export async function groupReadScope(c: Context<AppEnv>): Promise<ReadScope> {
  const db = createDb(c.env.DB);
  const actor = c.get("actor");
  const group = await authorizeGroupRead(db, actor, c.req.param("id") ?? "");
  const [readable, all] = await Promise.all([readableProjectsInGroup(db, actor, group), actor.kind === "anonymous" ? listProjectsInGroup(db, group) : Promise.resolve([])]);
  return scopeOf(readable, actor.kind === "anonymous" && all.length > readable.length);
}

/**
 * `/packages/maven/…`: only the project whose full path the package path starts with (GitLab: groupId =
 * `group.subgroup`, artifactId = project, or any artifact below that path). Unknown paths are a 404;
 * a project the caller may not read answers as the core does (401 anonymous, 404/403 otherwise).
 */
export async function instanceReadScope(c: Context<AppEnv>, packageName: string): Promise<ReadScope> {
  const db = createDb(c.env.DB);
  const actor = c.get("actor");
  const segments = packageName.split("/");
  const prefixes = segments.slice(1).map((_, i) => segments.slice(0, i + 2).join("/"));
  const found = (await Promise.all(prefixes.map((p) => getProjectByRef(db, p)))).filter((f) => f !== null);
  if (found.length === 0) throw new AppError("not_found", "404 Package Not Found");
  const roles = await loadRoles(db, actor);
  const readable: ProjectContext[] = [];
  let denial: Exclude<ReturnType<typeof decide>, "allow"> | null = null;
  for (const { project, namespace } of found) {
    const subject = subjectOf(project, namespace);
    const accessLevel = roleOn(roles, subject);
    const decision = decide(actor, accessLevel, "read_package", subject);
    if (decision === "allow") readable.push({ project, namespace, subject, accessLevel });
    else denial ??= decision;
  }
  if (readable.length === 0 && denial) throwFor(denial);
  return scopeOf(readable, actor.kind === "anonymous" && denial !== null);
}
