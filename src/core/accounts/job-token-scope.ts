// A project's job token scope (GitLab's "Limit access to this project" and its allowlists): which other
// projects' CI job tokens may read this project's packages. Maintainers change it; every change bumps the
// project's packages revision (cached answers are keyed by it). Spec: GitLab doc/api/project_job_token_scopes.md.
import { and, asc, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { jobTokenScopeLinks, namespaces, projects } from "../../db/schema";
import { AppError } from "../errors";

const bump = (db: Db, projectId: number, changes: Partial<typeof projects.$inferInsert> = {}) =>
  db
    .update(projects)
    .set({ ...changes, packagesRevision: sql`${projects.packagesRevision} + 1` })
    .where(eq(projects.id, projectId));

export async function setJobTokenScope(db: Db, projectId: number, enabled: boolean): Promise<void> {
  await bump(db, projectId, { ciJobTokenScopeEnabled: enabled }).run();
}

export type AllowlistKind = "project" | "group";

/** Add a project (its id) or a group to `projectId`'s allowlist; 400 when it is there already. */
export async function addToAllowlist(db: Db, projectId: number, kind: AllowlistKind, targetId: number, creatorId: number | null): Promise<void> {
  const values = kind === "project" ? { sourceProjectId: projectId, targetProjectId: targetId, creatorId } : { sourceProjectId: projectId, targetNamespaceId: targetId, creatorId };
  const [inserted] = await db.batch([db.insert(jobTokenScopeLinks).values(values).onConflictDoNothing().returning({ id: jobTokenScopeLinks.id }), bump(db, projectId)]);
  if (inserted.length === 0) throw new AppError("bad_request", `400 Bad request - Target ${kind} is already in the job token scope`);
}

export async function removeFromAllowlist(db: Db, projectId: number, kind: AllowlistKind, targetId: number): Promise<void> {
  const target = kind === "project" ? eq(jobTokenScopeLinks.targetProjectId, targetId) : eq(jobTokenScopeLinks.targetNamespaceId, targetId);
  const [removed] = await db.batch([db.delete(jobTokenScopeLinks).where(and(eq(jobTokenScopeLinks.sourceProjectId, projectId), target)).returning({ id: jobTokenScopeLinks.id }), bump(db, projectId)]);
  if (removed.length === 0) throw new AppError("not_found", `404 ${kind === "project" ? "Project" : "Group"} Not Found`);
}

/** The allowlisted projects (with their namespaces) or groups, oldest first, a page of them with the total. */
export async function allowlistPage(db: Db, projectId: number, kind: AllowlistKind, limit: number, offset: number) {
  const ofProject = eq(jobTokenScopeLinks.sourceProjectId, projectId);
  const column = kind === "project" ? jobTokenScopeLinks.targetProjectId : jobTokenScopeLinks.targetNamespaceId;
  const where = and(ofProject, isNotNull(column));
  // Joined rows are read on their own (not in a batch, where D1 answers objects and shared column names collide).
  const total = (await db.select({ n: sql<number>`count(*)` }).from(jobTokenScopeLinks).where(where).get())?.n ?? 0;
  if (kind === "project") {
    const rows = await db
      .select({ project: projects, namespace: namespaces })
      .from(jobTokenScopeLinks)
      .innerJoin(projects, eq(projects.id, jobTokenScopeLinks.targetProjectId))
      .innerJoin(namespaces, eq(namespaces.id, projects.namespaceId))
      .where(where)
      .orderBy(asc(jobTokenScopeLinks.id))
      .limit(limit)
      .offset(offset)
      .all();
    return { projects: rows, groups: [], total };
  }
  const rows = await db.select({ group: namespaces }).from(jobTokenScopeLinks).innerJoin(namespaces, eq(namespaces.id, jobTokenScopeLinks.targetNamespaceId)).where(where).orderBy(asc(jobTokenScopeLinks.id)).limit(limit).offset(offset).all();
  return { projects: [], groups: rows.map((r) => r.group), total };
}
