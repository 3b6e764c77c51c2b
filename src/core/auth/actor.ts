// Who is making a request, after credentials were resolved (src/core/auth/resolve-actor.ts).

export const ACCESS_LEVELS = { none: 0, guest: 10, reporter: 20, developer: 30, maintainer: 40, owner: 50 } as const;
export type AccessLevel = 0 | 10 | 20 | 30 | 40 | 50;

/**
 * The one list of token scopes: every scope GitLab gives personal access tokens (Gitlab::Auth
 * non_admin_available_scopes). Here `api` reads and writes, `read_api` reads (the API and the registry),
 * `read_user` reads users (GET /user, /users, /version), `self_rotate` lets a token rotate itself; the rest are
 * accepted and kept but grant nothing, as Packyard has no repositories, container or virtual registry, runners,
 * Kubernetes agent, observability or Duo. Unknown scopes are refused.
 */
export const PAT_SCOPES = [
  "api",
  "read_api",
  "read_user",
  "create_runner",
  "manage_runner",
  "k8s_proxy",
  "self_rotate",
  "read_repository",
  "write_repository",
  "read_registry",
  "write_registry",
  "read_virtual_registry",
  "write_virtual_registry",
  "read_observability",
  "write_observability",
  "ai_features",
] as const;
/** Scopes only administrators' tokens may carry (GitLab's ADMIN_SCOPES); no Sudo header or admin mode here, so they grant nothing more. */
export const ADMIN_PAT_SCOPES = ["sudo", "admin_mode", "read_service_ping"] as const;
/** Project and group access tokens: the personal scopes but read_user (Gitlab::Auth.resource_bot_scopes). */
export const RESOURCE_TOKEN_SCOPES = PAT_SCOPES.filter((s) => s !== "read_user") as Exclude<(typeof PAT_SCOPES)[number], "read_user">[];
/** Deploy-token scopes that grant something here: pull, and push (which also pulls). */
export const PACKAGE_DEPLOY_TOKEN_SCOPES = ["read_package_registry", "write_package_registry"] as const;
/** Every deploy-token scope GitLab accepts (repository, container and virtual registry scopes are stored but grant nothing here). */
export const DEPLOY_TOKEN_SCOPES = [...PACKAGE_DEPLOY_TOKEN_SCOPES, "read_repository", "read_registry", "write_registry", "read_virtual_registry", "write_virtual_registry"] as const;

export interface UserRecord {
  id: number;
  username: string;
  name: string;
  isAdmin: boolean;
}

export type Actor =
  | { kind: "anonymous" }
  | {
      kind: "user";
      user: UserRecord;
      /** api, read_api; a web session and the admin token carry api. */
      scopes: string[];
      via: "personal_access_token" | "admin_token" | "session";
      tokenId?: number;
    }
  | {
      kind: "deploy_token";
      token: { id: number; username: string; projectId: number | null; namespaceId: number | null; scopes: string[] };
    }
  | {
      kind: "job_token";
      /** The user the pipeline runs as; null for a token of the OIDC exchange, which acts as its trusted publisher. */
      user: UserRecord | null;
      projectId: number;
      pipeline: { id: number; ref: string; sha: string; url?: string | null; workflow?: string | null; identity?: string | null };
      /** The trusted publisher's limits on what the token may publish (OIDC exchange tokens only). */
      publisher?: TrustedPublisherLimits;
      /** Projects whose job token allowlist lets this token's project in: it may read their packages. */
      allowedBy?: number[];
    };

export interface TrustedPublisherLimits {
  id: number;
  /** Empty: every package type. */
  packageTypes: string[];
  /** `*` wildcards; empty: every name. */
  namePatterns: string[];
}

export const ANONYMOUS: Actor = { kind: "anonymous" };

/** The user behind an actor, if any (deploy tokens have none). */
export function userOf(actor: Actor): UserRecord | null {
  return actor.kind === "user" || actor.kind === "job_token" ? actor.user : null;
}
