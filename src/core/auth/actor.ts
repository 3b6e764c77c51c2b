// Who is making a request, after credentials were resolved (src/core/auth/resolve-actor.ts).

export const ACCESS_LEVELS = { none: 0, guest: 10, reporter: 20, developer: 30, maintainer: 40, owner: 50 } as const;
export type AccessLevel = 0 | 10 | 20 | 30 | 40 | 50;

/** The one list of token scopes. Personal access tokens: `api` (read and write), `read_api` (read). */
export const PAT_SCOPES = ["api", "read_api"] as const;
/** Deploy-token scopes that grant something here: pull, and push (which also pulls). */
export const PACKAGE_DEPLOY_TOKEN_SCOPES = ["read_package_registry", "write_package_registry"] as const;
/** Every deploy-token scope GitLab accepts (repository and container scopes are stored but grant nothing here). */
export const DEPLOY_TOKEN_SCOPES = [...PACKAGE_DEPLOY_TOKEN_SCOPES, "read_repository", "read_registry", "write_registry"] as const;

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
      user: UserRecord;
      projectId: number;
      pipeline: { id: number; ref: string; sha: string };
    };

export const ANONYMOUS: Actor = { kind: "anonymous" };

/** The user behind an actor, if any (deploy tokens have none). */
export function userOf(actor: Actor): UserRecord | null {
  return actor.kind === "user" || actor.kind === "job_token" ? actor.user : null;
}
