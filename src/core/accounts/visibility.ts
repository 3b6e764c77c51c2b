// The visibility hierarchy: a project or subgroup is never more visible than its parent group, so a group
// never drops below a child. GitLab: Project#visibility_level_allowed_by_group, Group#visibility_level_allowed_by_
// {parent,projects,sub_groups} (app/models/project.rb, app/models/group.rb); the messages below are theirs.
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { Visibility } from "../../db/schema";
import { AppError } from "../errors";
import type { NamespaceRow } from "../tenancy";

/** Gitlab::VisibilityLevel: PRIVATE 0, INTERNAL 10, PUBLIC 20. */
export const VISIBILITY_LEVELS: Record<Visibility, number> = { private: 0, internal: 10, public: 20 };

/** The same order in SQL, for guards that re-check the hierarchy inside the write itself. */
export function visibilityRank(value: SQLWrapper | Visibility): SQL {
  return sql`(CASE ${value} WHEN 'public' THEN 20 WHEN 'internal' THEN 10 ELSE 0 END)`;
}

/** A project in a group may not be more visible than the group (personal namespaces set no limit). */
export function projectVisibilityProblem(visibility: Visibility, namespace: Pick<NamespaceRow, "kind" | "visibility">): string | null {
  if (namespace.kind !== "group" || VISIBILITY_LEVELS[visibility] <= VISIBILITY_LEVELS[namespace.visibility]) return null;
  return `${visibility} is not allowed in a ${namespace.visibility} group.`;
}

/** A subgroup may not be more visible than its parent group. */
export function subgroupVisibilityProblem(visibility: Visibility, parent: Pick<NamespaceRow, "visibility"> | null): string | null {
  if (!parent || VISIBILITY_LEVELS[visibility] <= VISIBILITY_LEVELS[parent.visibility]) return null;
  return `${visibility} is not allowed since the parent group has a ${parent.visibility} visibility.`;
}

/** What keeps a group from taking `visibility`: its parent, and children more visible than that. */
export function groupVisibilityProblems(visibility: Visibility, facts: { parent: Pick<NamespaceRow, "visibility"> | null; moreVisibleProjects: boolean; moreVisibleSubgroups: boolean }): string[] {
  const problems: string[] = [];
  const parent = subgroupVisibilityProblem(visibility, facts.parent);
  if (parent) problems.push(parent);
  if (facts.moreVisibleProjects) problems.push(`${visibility} is not allowed since this group contains projects with higher visibility.`);
  if (facts.moreVisibleSubgroups) problems.push(`${visibility} is not allowed since there are sub-groups with higher visibility.`);
  return problems;
}

/**
 * GitLab's 400 for an update (PUT /projects/:id, PUT /groups/:id: `render_validation_error!`, whose body is
 * `{"message":{"visibility_level":[…]}}`), in this API's string form of validation errors.
 */
export function visibilityRefusal(problems: string[]): AppError {
  return new AppError("bad_request", `400 Bad request - ${JSON.stringify({ visibility_level: problems })}`, { field: "visibility_level", problems });
}

/** GitLab's 400 for POST /groups (`render_api_error!("Failed to save group #{group.errors.messages}", 400)`). */
export function groupCreationRefusal(problems: string[]): AppError {
  const list = problems.map((p) => JSON.stringify(p)).join(", ");
  return new AppError("bad_request", `400 Bad request - Failed to save group {:visibility_level=>[${list}]}`, { field: "visibility_level", problems });
}
