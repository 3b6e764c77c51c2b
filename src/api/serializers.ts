// GitLab's JSON shapes for the management API (the fields python-gitlab and the docs use).
import type { NamespaceRow, ProjectRow } from "../core/tenancy";
import type { deployTokens, jobTokens, personalAccessTokens, users } from "../db/schema";

type UserRow = typeof users.$inferSelect;
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function userJson(origin: string, user: UserRow, withPrivate = false) {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    state: user.state,
    locked: false,
    avatar_url: null,
    web_url: `${origin}/${user.username}`,
    created_at: iso(user.createdAt),
    is_admin: user.isAdmin,
    bot: user.userType === "project_bot",
    ...(withPrivate ? { email: user.email } : {}),
  };
}

export function namespaceJson(origin: string, ns: NamespaceRow) {
  return { id: ns.id, name: ns.name, path: ns.path, kind: ns.kind, full_path: ns.fullPath, parent_id: ns.parentId, web_url: `${origin}/${ns.kind === "group" ? "groups/" : ""}${ns.fullPath}` };
}

export function groupJson(origin: string, group: NamespaceRow) {
  return {
    id: group.id,
    web_url: `${origin}/groups/${group.fullPath}`,
    name: group.name,
    path: group.path,
    description: group.description,
    visibility: group.visibility,
    full_name: group.fullPath.split("/").join(" / "),
    full_path: group.fullPath,
    parent_id: group.parentId,
    created_at: iso(group.createdAt),
    package_settings: group.packageSettings,
  };
}

export function projectJson(origin: string, project: ProjectRow, namespace: NamespaceRow) {
  return {
    id: project.id,
    description: project.description,
    name: project.name,
    name_with_namespace: `${namespace.name} / ${project.name}`,
    path: project.path,
    path_with_namespace: project.fullPath,
    created_at: iso(project.createdAt),
    default_branch: null,
    web_url: `${origin}/${project.fullPath}`,
    visibility: project.visibility,
    namespace: namespaceJson(origin, namespace),
    packages_enabled: project.packageRegistryAccessLevel !== "disabled",
    package_registry_access_level: project.packageRegistryAccessLevel,
    creator_id: project.creatorId,
  };
}

export function memberJson(origin: string, user: UserRow, accessLevel: number, expiresAt: string | null, createdAt: Date) {
  return { ...userJson(origin, user), access_level: accessLevel, expires_at: expiresAt, created_at: iso(createdAt) };
}

export function deployTokenJson(row: typeof deployTokens.$inferSelect, token?: string) {
  const expired = row.expiresAt !== null && row.expiresAt.getTime() <= Date.now();
  return {
    id: row.id,
    name: row.name,
    username: row.username,
    expires_at: iso(row.expiresAt),
    scopes: row.scopes,
    revoked: row.revoked,
    expired,
    ...(token ? { token } : {}),
  };
}

export function personalTokenJson(row: typeof personalAccessTokens.$inferSelect, token?: string) {
  const expired = row.expiresAt !== null && Date.parse(`${row.expiresAt}T00:00:00Z`) <= Date.now();
  return {
    id: row.id,
    name: row.name,
    revoked: row.revoked,
    created_at: iso(row.createdAt),
    description: row.description,
    scopes: row.scopes,
    user_id: row.userId,
    last_used_at: iso(row.lastUsedAt),
    active: !row.revoked && !expired,
    expires_at: row.expiresAt,
    ...(token ? { token } : {}),
  };
}

/** A CI job token as its project's Maintainers see it: never the token (only its digest is stored, and not shown). */
export function jobTokenJson(row: typeof jobTokens.$inferSelect, now = Date.now()) {
  return {
    id: row.id,
    project_id: row.projectId,
    user_id: row.userId,
    pipeline_id: row.pipelineId,
    ref: row.ref,
    sha: row.sha,
    trusted_publisher_id: row.trustedPublisherId,
    created_at: iso(row.createdAt),
    expires_at: iso(row.expiresAt),
    active: row.expiresAt.getTime() > now,
  };
}
