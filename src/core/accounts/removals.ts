// Deleting a project, a group (with its subgroups and projects) or a user, as DELETE /projects/:id,
// DELETE /groups/:id and DELETE /users/:id do. Only rows go: the bytes stay in R2 until the scheduled
// cleanup (src/core/cleanup.ts) finds their blobs unreferenced, so no row ever points at a missing object.
// Protection rules do not hold here (GitLab deletes a project's packages with skip_protection_check).
//
//   removeProject(p):
//     repeat: up to CHUNK package ids of p → one batch: their tags, build infos, files, packages
//     one batch: what is left of p's packages (a publish that raced the loop), rules, tokens, uploads,
//                memberships, the bots of its access tokens, the project row
//   A commit that reads the project before that batch and writes after it fails on the foreign keys
//   (D1 enforces them), so nothing outlives the project.
//   removeGroup(g): removeProject for every project under g, then one batch for the namespaces, their
//                   memberships, deploy tokens and access-token bots
//   removeUser(u): personal namespace and its projects, (hard delete) groups u alone owns, then u's
//                  tokens, sessions and memberships; authorship columns become null (GitLab's ghost user)
import { and, eq, inArray, or, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { inIds, type Db } from "../../db/client";
import {
  deployTokens,
  jobTokens,
  jobTokenScopeLinks,
  members,
  namespaces,
  packageBuildInfos,
  packageFiles,
  packageProtectionRules,
  packages,
  packagesCleanupPolicies,
  storageSettings,
  packageFileTombstones,
  packageTags,
  personalAccessTokens,
  projects,
  trustedPublishers,
  uploadSessions,
  users,
  webSessions,
} from "../../db/schema";
import { ACCESS_LEVELS } from "../auth/actor";
import { ROOT_USER_ID } from "../auth/resolve-actor";
import { AppError } from "../errors";
import type { NamespaceRow, ProjectRow } from "../tenancy";

type Statement = BatchItem<"sqlite">;
const CHUNK = 500;

/** An R2 multipart upload that was open in a removed project: the caller aborts it (best effort). */
export interface OpenUpload {
  blobId: string;
  r2UploadId: string;
}

export async function removeProject(db: Db, project: Pick<ProjectRow, "id">): Promise<OpenUpload[]> {
  for (let round = 0; ; round++) {
    const ids = (await db.select({ id: packages.id }).from(packages).where(eq(packages.projectId, project.id)).limit(CHUNK).all()).map((r) => r.id);
    if (ids.length === 0) break;
    await batch(db, packageRows(db, inIds(sql`id`, ids)));
    if (ids.length < CHUNK || round > 10_000) break;
  }
  const open = await db
    .select({ blobId: uploadSessions.blobId, r2UploadId: uploadSessions.r2UploadId })
    .from(uploadSessions)
    .where(and(eq(uploadSessions.projectId, project.id), eq(uploadSessions.state, "open")))
    .all();
  const projectSource = and(eq(members.sourceType, "Project"), eq(members.sourceId, project.id));
  await batch(db, [
    ...packageRows(db, sql`project_id = ${project.id}`),
    ...botRows(db, projectSource),
    db.delete(members).where(projectSource),
    db.delete(packageProtectionRules).where(eq(packageProtectionRules.projectId, project.id)),
    db.delete(packagesCleanupPolicies).where(eq(packagesCleanupPolicies.projectId, project.id)),
    db.delete(storageSettings).where(eq(storageSettings.projectId, project.id)),
    db.delete(packageFileTombstones).where(eq(packageFileTombstones.projectId, project.id)),
    db.delete(deployTokens).where(eq(deployTokens.projectId, project.id)),
    db.delete(jobTokens).where(eq(jobTokens.projectId, project.id)),
    // Its trusted publishers and the job token allowlist entries it has or is named in (the audit log stays).
    db.delete(trustedPublishers).where(eq(trustedPublishers.projectId, project.id)),
    db.delete(jobTokenScopeLinks).where(or(eq(jobTokenScopeLinks.sourceProjectId, project.id), eq(jobTokenScopeLinks.targetProjectId, project.id))),
    db.delete(uploadSessions).where(eq(uploadSessions.projectId, project.id)),
    db.delete(projects).where(eq(projects.id, project.id)),
    orphanBots(db),
  ]);
  return open;
}

export async function removeGroup(db: Db, group: Pick<NamespaceRow, "id" | "traversalIds">): Promise<OpenUpload[]> {
  const inTree = or(eq(namespaces.traversalIds, group.traversalIds), sql`substr(${namespaces.traversalIds}, 1, ${group.traversalIds.length + 1}) = ${`${group.traversalIds}/`}`);
  const tree = (await db.select({ id: namespaces.id }).from(namespaces).where(and(eq(namespaces.kind, "group"), inTree)).all()).map((n) => n.id);
  const open: OpenUpload[] = [];
  const doomed = await db.select({ id: projects.id }).from(projects).where(inIds(projects.namespaceId, tree)).all();
  for (const project of doomed) open.push(...(await removeProject(db, project)));
  const groupSources = and(eq(members.sourceType, "Namespace"), inIds(members.sourceId, tree));
  await batch(db, [
    ...botRows(db, groupSources),
    db.delete(members).where(groupSources),
    db.delete(deployTokens).where(inIds(deployTokens.namespaceId, tree)),
    db.delete(jobTokenScopeLinks).where(inIds(jobTokenScopeLinks.targetNamespaceId, tree)),
    db.delete(storageSettings).where(inIds(storageSettings.namespaceId, tree)),
    // A project created in the tree while the projects above were removed keeps its namespace (the foreign key refuses).
    db.delete(namespaces).where(inIds(namespaces.id, tree)),
    orphanBots(db),
  ]);
  return open;
}

/** Groups in which `userId` is the only Owner among the direct members (GitLab's solo_owned_groups). */
export async function soloOwnedGroups(db: Db, userId: number): Promise<NamespaceRow[]> {
  return db
    .select({ ns: namespaces })
    .from(members)
    .innerJoin(namespaces, eq(namespaces.id, members.sourceId))
    .where(
      and(
        eq(members.sourceType, "Namespace"),
        eq(members.userId, userId),
        eq(members.accessLevel, ACCESS_LEVELS.owner),
        sql`NOT EXISTS (SELECT 1 FROM members o WHERE o.source_type = 'Namespace' AND o.source_id = ${members.sourceId} AND o.access_level = ${ACCESS_LEVELS.owner} AND o.user_id <> ${userId})`,
      ),
    )
    .all()
    .then((rows) => rows.map((r) => r.ns));
}

/**
 * DELETE /users/:id: 409 while the user alone owns a group, unless `hardDelete`, which removes those groups
 * too. The root administrator is never removed.
 */
export async function removeUser(db: Db, userId: number, hardDelete: boolean): Promise<OpenUpload[]> {
  if (userId === ROOT_USER_ID) throw new AppError("forbidden", "403 Forbidden - root cannot be removed");
  const user = await db.select({ id: users.id }).from(users).where(eq(users.id, userId)).get();
  if (!user) throw new AppError("not_found", "404 User Not Found");
  const solo = await soloOwnedGroups(db, userId);
  if (solo.length && !hardDelete) throw new AppError("conflict", "409 Conflict - User cannot be removed while is the sole-owner of a group");
  const open: OpenUpload[] = [];
  // Outermost groups first: removing one removes its subgroups.
  for (const group of solo.sort((a, b) => a.traversalIds.length - b.traversalIds.length)) {
    const still = await db.select().from(namespaces).where(eq(namespaces.id, group.id)).get();
    if (still) open.push(...(await removeGroup(db, still)));
  }
  const personal = await db.select().from(namespaces).where(and(eq(namespaces.kind, "user"), eq(namespaces.ownerId, userId))).all();
  for (const ns of personal) {
    for (const project of await db.select({ id: projects.id }).from(projects).where(eq(projects.namespaceId, ns.id)).all()) open.push(...(await removeProject(db, project)));
  }
  await db.batch([
    db.update(packages).set({ creatorId: null }).where(eq(packages.creatorId, userId)),
    db.update(packageBuildInfos).set({ userId: null }).where(eq(packageBuildInfos.userId, userId)),
    db.update(projects).set({ creatorId: null }).where(eq(projects.creatorId, userId)),
    db.update(uploadSessions).set({ creatorId: null }).where(eq(uploadSessions.creatorId, userId)),
    db.update(trustedPublishers).set({ creatorId: null }).where(eq(trustedPublishers.creatorId, userId)),
    db.update(jobTokenScopeLinks).set({ creatorId: null }).where(eq(jobTokenScopeLinks.creatorId, userId)),
    db.delete(members).where(eq(members.userId, userId)),
    db.delete(personalAccessTokens).where(eq(personalAccessTokens.userId, userId)),
    db.delete(jobTokens).where(eq(jobTokens.userId, userId)),
    db.delete(webSessions).where(eq(webSessions.userId, userId)),
    db.delete(namespaces).where(and(eq(namespaces.kind, "user"), eq(namespaces.ownerId, userId))),
    db.delete(users).where(eq(users.id, userId)),
  ]);
  return open;
}

const batch = (db: Db, statements: Statement[]) => db.batch(statements as [Statement, ...Statement[]]);

/** A package's rows, children first (no ON DELETE CASCADE), for the packages `where` selects (SQL over `packages`). */
function packageRows(db: Db, where: ReturnType<typeof sql>): Statement[] {
  const ids = sql`(SELECT id FROM packages WHERE ${where})`;
  return [
    db.delete(packageTags).where(sql`${packageTags.packageId} IN ${ids}`),
    db.delete(packageBuildInfos).where(sql`${packageBuildInfos.packageId} IN ${ids}`),
    db.delete(packageFiles).where(sql`${packageFiles.packageId} IN ${ids}`),
    db.delete(packages).where(sql`${packages.id} IN ${ids}`),
  ];
}

/**
 * The bots of a project's or group's access tokens (its members of type project_bot): their tokens go, their
 * authorship becomes null, and their memberships go; `orphanBots` then removes the bot users themselves.
 */
function botRows(db: Db, source: ReturnType<typeof and>): Statement[] {
  const bots = db.select({ id: members.userId }).from(members).innerJoin(users, eq(users.id, members.userId)).where(and(source, eq(users.userType, "project_bot")));
  return [
    db.delete(personalAccessTokens).where(inArray(personalAccessTokens.userId, bots)),
    db.delete(jobTokens).where(inArray(jobTokens.userId, bots)),
    db.delete(webSessions).where(inArray(webSessions.userId, bots)),
    db.update(packages).set({ creatorId: null }).where(inArray(packages.creatorId, bots)),
    db.update(packageBuildInfos).set({ userId: null }).where(inArray(packageBuildInfos.userId, bots)),
    db.update(projects).set({ creatorId: null }).where(inArray(projects.creatorId, bots)),
    db.update(uploadSessions).set({ creatorId: null }).where(inArray(uploadSessions.creatorId, bots)),
    db.update(trustedPublishers).set({ creatorId: null }).where(inArray(trustedPublishers.creatorId, bots)),
    db.update(jobTokenScopeLinks).set({ creatorId: null }).where(inArray(jobTokenScopeLinks.creatorId, bots)),
    db.delete(members).where(inArray(members.userId, bots)),
  ];
}

/** Bot users left without a membership (their resource is gone). */
const orphanBots = (db: Db): Statement => db.delete(users).where(and(eq(users.userType, "project_bot"), sql`${users.id} NOT IN (SELECT user_id FROM members)`));
