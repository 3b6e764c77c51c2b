// The permission policy, in one place and pure: the seed's visibility × role table, the project's
// package_registry_access_level, token scopes and reach. Every route and page asks `decide`.
// Spec: ../shared/seed/package-registry.md "Package Registry visibility permissions",
//       ../shared/reference/gitlab-spec.md §0.4, §14, §15.
import { ACCESS_LEVELS, type Actor } from "./actor";
import type { RegistryAccessLevel, Visibility } from "../../db/schema";

export type PackageAction =
  | "read_project" // know that the project exists (management API, pages)
  | "read_package" // view the registry and pull
  | "create_package" // publish
  | "destroy_package_file" // delete one file (Maintainer: GitLab's package_files API authorises destroy_package)
  | "destroy_package" // delete a package or version, deprecate, move tags away (Maintainer)
  | "admin_project"; // change settings, manage deploy tokens and members (Maintainer)

export interface ProjectSubject {
  id: number;
  visibility: Visibility;
  registryAccessLevel: RegistryAccessLevel;
  /** Ids of the namespaces above the project, root first (including its own namespace). */
  namespaceIds: number[];
  /**
   * A group standing in the project's place (its own package records, src/core/group-records.ts): a CI job
   * token of a user reaches it through that user's role on the group, as GitLab's GroupPolicy judges the job's user.
   */
  group?: boolean;
  /** GitLab's "Limit access to this project" (job token scope inbound_enabled); absent = on. */
  jobTokenScopeEnabled?: boolean;
}

export type Decision = "allow" | "unauthorized" | "not_found" | "forbidden" | "registry_disabled";

/**
 * Decide whether `actor`, whose role on the project is `accessLevel` (inherited membership,
 * 0 for none), may do `action` on `project`.
 */
export function decide(actor: Actor, accessLevel: number, action: PackageAction, project: ProjectSubject): Decision {
  const seesProject = canReadProject(actor, accessLevel, project);
  const deny = (): Decision => (actor.kind === "anonymous" ? "unauthorized" : seesProject ? "forbidden" : "not_found");

  if (action === "read_project") return seesProject ? "allow" : deny();
  if (action === "admin_project") {
    // Settings, members and deploy tokens: people only (a CI job token cannot reconfigure its project).
    const person = actor.kind === "user" && actor.scopes.includes("api");
    return person && (isAdmin(actor) || accessLevel >= ACCESS_LEVELS.maintainer) ? "allow" : deny();
  }

  if (project.registryAccessLevel === "disabled") {
    return seesProject ? "registry_disabled" : deny();
  }
  switch (action) {
    case "read_package":
      return canPull(actor, accessLevel, project) ? "allow" : deny();
    case "create_package":
      return canWrite(actor, accessLevel, project, ACCESS_LEVELS.developer, true) ? "allow" : deny();
    case "destroy_package_file":
      return canWrite(actor, accessLevel, project, ACCESS_LEVELS.maintainer, false) ? "allow" : deny();
    case "destroy_package":
      return canWrite(actor, accessLevel, project, ACCESS_LEVELS.maintainer, false) ? "allow" : deny();
  }
}

function isAdmin(actor: Actor): boolean {
  return actor.kind === "user" && actor.user.isAdmin;
}

function isUserWith(actor: Actor, scope: "api" | "read_api"): boolean {
  if (actor.kind === "job_token") return true;
  if (actor.kind !== "user") return false;
  return actor.scopes.includes("api") || (scope === "read_api" && actor.scopes.includes("read_api"));
}

function deployTokenReaches(actor: Actor, project: ProjectSubject): boolean {
  if (actor.kind !== "deploy_token") return false;
  const { projectId, namespaceId } = actor.token;
  if (projectId !== null) return projectId === project.id;
  return namespaceId !== null && project.namespaceIds.includes(namespaceId);
}

function jobTokenInProject(actor: Actor, project: ProjectSubject): boolean {
  return actor.kind === "job_token" && (actor.projectId === project.id || groupOfTheJobsUser(actor, project));
}

/** A group's own records (no project of their own): reached by a job token with a user, never by a publisher's. */
const groupOfTheJobsUser = (actor: Actor, project: ProjectSubject) => project.group === true && actor.kind === "job_token" && actor.user !== null;

/**
 * Whether a job token may read in the project: its own, one whose allowlist lets its project in, or (for a
 * user's token) one whose job token scope is off, as GitLab. Writes stay in the token's own project.
 */
function jobTokenReaches(actor: Actor, project: ProjectSubject): boolean {
  if (actor.kind !== "job_token") return false;
  if (actor.projectId === project.id || (actor.allowedBy ?? []).includes(project.id) || groupOfTheJobsUser(actor, project)) return true;
  return actor.user !== null && project.jobTokenScopeEnabled === false;
}

/** A job token of the OIDC exchange: no user, the trusted publisher's rights (read and publish) in its project. */
function publisherToken(actor: Actor): boolean {
  return actor.kind === "job_token" && actor.user === null;
}

function canReadProject(actor: Actor, accessLevel: number, project: ProjectSubject): boolean {
  if (project.visibility === "public") return true;
  if (isAdmin(actor)) return true;
  if (deployTokenReaches(actor, project)) return true;
  if (actor.kind === "job_token" && !jobTokenReaches(actor, project)) return false;
  if (publisherToken(actor)) return true;
  if (project.visibility === "internal") return actor.kind === "user" || actor.kind === "job_token";
  return accessLevel >= ACCESS_LEVELS.guest;
}

/** The registry's effective visibility: access level `private` narrows it to members, `public` opens it. */
function registryVisibility(project: ProjectSubject): Visibility {
  if (project.registryAccessLevel === "public") return "public";
  if (project.registryAccessLevel === "private") return "private";
  return project.visibility;
}

function canPull(actor: Actor, accessLevel: number, project: ProjectSubject): boolean {
  const visibility = registryVisibility(project);
  if (visibility === "public") return true;
  if (actor.kind === "anonymous") return false;
  if (actor.kind === "deploy_token") {
    const scopes = actor.token.scopes;
    return deployTokenReaches(actor, project) && (scopes.includes("read_package_registry") || scopes.includes("write_package_registry"));
  }
  if (actor.kind === "job_token" && !jobTokenReaches(actor, project)) return false;
  if (publisherToken(actor)) return true;
  if (!isUserWith(actor, "read_api")) return false;
  if (isAdmin(actor)) return true;
  if (visibility === "internal") return true;
  return accessLevel >= ACCESS_LEVELS.reporter;
}

function canWrite(actor: Actor, accessLevel: number, project: ProjectSubject, minimum: number, deployTokensMay: boolean): boolean {
  if (actor.kind === "anonymous") return false;
  if (actor.kind === "deploy_token") {
    return deployTokensMay && deployTokenReaches(actor, project) && actor.token.scopes.includes("write_package_registry");
  }
  if (actor.kind === "job_token" && !jobTokenInProject(actor, project)) return false;
  // write_package_registry only: publish, never delete (the publisher's types and names are checked in the commit).
  if (publisherToken(actor)) return deployTokensMay;
  if (!isUserWith(actor, "api")) return false;
  return isAdmin(actor) || accessLevel >= minimum;
}
