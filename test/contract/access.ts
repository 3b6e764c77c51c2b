// The one expectation table of the contract suite: what a read (download, metadata) and an upload answer
// for each caller on each kind of project. Every format must give these answers; formats differ only in
// how they render them (the body shape, the WWW-Authenticate challenge).
// Derived from src/core/auth/policy.ts and the seed's table (../shared/seed/package-registry.md
// "Package Registry visibility permissions"): pull is anyone / Guest / Reporter for public / internal /
// private, publish is Developer everywhere; anonymous callers get 401, callers who cannot see the project
// 404, callers who see it but may not do this 403; "allow anyone to pull" opens pulls only.

export const PROJECT_KINDS = ["public", "internal", "private", "private_anyone_may_pull"] as const;
export type ProjectKind = (typeof PROJECT_KINDS)[number];
export const PROJECT_KIND_LABELS: Record<ProjectKind, string> = {
  public: "a public project",
  internal: "an internal project",
  private: "a private project",
  private_anyone_may_pull: "a private project that allows anyone to pull",
};

/** How each project kind is created (POST /api/v4/projects fields); its group has the same visibility. */
export const PROJECT_SETTINGS: Record<ProjectKind, { visibility: string; package_registry_access_level?: string }> = {
  public: { visibility: "public" },
  internal: { visibility: "internal" },
  private: { visibility: "private" },
  private_anyone_may_pull: { visibility: "private", package_registry_access_level: "public" },
};

export const CALLERS = [
  "anonymous",
  "unknown_token", // a token the registry does not know (revoked, mistyped)
  "non_member", // personal access token (api) of a user with no role on the project
  "guest",
  "reporter",
  "developer",
  "maintainer",
  "developer_read_api", // a Developer's personal access token with only read_api
  "deploy_token_read", // project deploy token, read_package_registry
  "deploy_token_write", // project deploy token, write_package_registry
  "job_token", // CI job token of this project (pipeline run by a Developer)
  "job_token_other_project", // CI job token of another project (same Developer)
] as const;
export type Caller = (typeof CALLERS)[number];

/** "ok": 200 for a read, the format's success status for an upload. */
export type Outcome = "ok" | 401 | 403 | 404;

/** [read, upload] per caller and project kind. */
export const ACCESS: Record<Caller, Record<ProjectKind, [read: Outcome, upload: Outcome]>> = {
  anonymous: { public: ["ok", 401], internal: [401, 401], private: [401, 401], private_anyone_may_pull: ["ok", 401] },
  unknown_token: { public: [401, 401], internal: [401, 401], private: [401, 401], private_anyone_may_pull: [401, 401] },
  non_member: { public: ["ok", 403], internal: ["ok", 403], private: [404, 404], private_anyone_may_pull: ["ok", 404] },
  guest: { public: ["ok", 403], internal: ["ok", 403], private: [403, 403], private_anyone_may_pull: ["ok", 403] },
  reporter: { public: ["ok", 403], internal: ["ok", 403], private: ["ok", 403], private_anyone_may_pull: ["ok", 403] },
  developer: { public: ["ok", "ok"], internal: ["ok", "ok"], private: ["ok", "ok"], private_anyone_may_pull: ["ok", "ok"] },
  maintainer: { public: ["ok", "ok"], internal: ["ok", "ok"], private: ["ok", "ok"], private_anyone_may_pull: ["ok", "ok"] },
  developer_read_api: { public: ["ok", 403], internal: ["ok", 403], private: ["ok", 403], private_anyone_may_pull: ["ok", 403] },
  deploy_token_read: { public: ["ok", 403], internal: ["ok", 403], private: ["ok", 403], private_anyone_may_pull: ["ok", 403] },
  deploy_token_write: { public: ["ok", "ok"], internal: ["ok", "ok"], private: ["ok", "ok"], private_anyone_may_pull: ["ok", "ok"] },
  job_token: { public: ["ok", "ok"], internal: ["ok", "ok"], private: ["ok", "ok"], private_anyone_may_pull: ["ok", "ok"] },
  job_token_other_project: { public: ["ok", 403], internal: [404, 404], private: [404, 404], private_anyone_may_pull: ["ok", 404] },
};
