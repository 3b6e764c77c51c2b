// What an ID token's claims say about the CI run, per provider, and whether they satisfy a trusted publisher.
// Claim names: GitHub "About security hardening with OpenID Connect" (repository, ref, sha, environment,
// job_workflow_ref, workflow_ref, run_id, run_attempt); GitLab doc/ci/secrets/id_token_authentication.md
// (project_path, ref, ref_type, sha, environment, ci_config_ref_uri, pipeline_id); Forgejo/Gitea Actions
// issue GitHub's names. A generic issuer (`oidc`) is read with GitHub's names, then GitLab's.
import type { TrustedPublisherRow } from "../accounts";

export type Claims = Record<string, unknown>;

const str = (claims: Claims, name: string): string | null => {
  const value = claims[name];
  return typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : null;
};

/** The run as the ID token describes it, in the provider's terms normalised. */
export interface CiRun {
  repository: string | null;
  /** The workflow / CI configuration file path (`.github/workflows/release.yml`, `.gitlab-ci.yml`). */
  workflow: string | null;
  /** A full git ref (`refs/heads/main`, `refs/tags/v1.0.0`). */
  ref: string | null;
  sha: string | null;
  environment: string | null;
  pipelineId: number | null;
  pipelineUrl: string | null;
}

/** `owner/repo/.github/workflows/x.yml@refs/heads/main` → `.github/workflows/x.yml`. */
function workflowOfGithubRef(value: string | null, repository: string | null): string | null {
  if (!value) return null;
  const path = value.split("@")[0]!;
  const prefix = repository ? `${repository}/` : "";
  return repository && path.toLowerCase().startsWith(prefix.toLowerCase()) ? path.slice(prefix.length) : path.split("/").slice(2).join("/") || null;
}

/** `gitlab.example.com/group/project//.gitlab-ci.yml@refs/heads/main` → `.gitlab-ci.yml`. */
function workflowOfGitlabUri(value: string | null): string | null {
  if (!value) return null;
  const at = value.lastIndexOf("@");
  const path = at >= 0 ? value.slice(0, at) : value;
  const split = path.indexOf("//");
  return split >= 0 ? path.slice(split + 2) : null;
}

const positiveInt = (value: string | null): number | null => {
  if (!value || !/^[0-9]{1,15}$/.test(value)) return null;
  const n = Number(value);
  return n > 0 ? n : null;
};

/** Where a run's page is, on the CI service behind the issuer. */
function githubWebOrigin(issuer: string): string {
  // GitHub.com's issuer is a token service; GitHub Enterprise Server's is https://HOST/_services/token.
  return issuer === "https://token.actions.githubusercontent.com" ? "https://github.com" : new URL(issuer).origin;
}

export function runOf(provider: TrustedPublisherRow["provider"], issuer: string, claims: Claims): CiRun {
  const gitlabish = provider === "gitlab" || (provider === "oidc" && str(claims, "repository") === null && str(claims, "project_path") !== null);
  if (gitlabish) {
    const repository = str(claims, "project_path");
    const rawRef = str(claims, "ref");
    const refType = str(claims, "ref_type");
    const ref = rawRef === null ? null : rawRef.startsWith("refs/") ? rawRef : `refs/${refType === "tag" ? "tags" : "heads"}/${rawRef}`;
    const pipelineId = positiveInt(str(claims, "pipeline_id"));
    return {
      repository,
      workflow: workflowOfGitlabUri(str(claims, "ci_config_ref_uri")),
      ref,
      sha: str(claims, "sha"),
      environment: str(claims, "environment"),
      pipelineId,
      pipelineUrl: repository && pipelineId && provider === "gitlab" ? `${issuer}/${repository}/-/pipelines/${pipelineId}` : null,
    };
  }
  const repository = str(claims, "repository");
  const runId = positiveInt(str(claims, "run_id"));
  const workflow = workflowOfGithubRef(str(claims, "job_workflow_ref") ?? str(claims, "workflow_ref"), repository);
  const origin = provider === "github" ? githubWebOrigin(issuer) : provider === "forgejo" ? new URL(issuer).origin : null;
  return {
    repository,
    workflow,
    ref: str(claims, "ref"),
    sha: str(claims, "sha"),
    environment: str(claims, "environment"),
    pipelineId: runId,
    pipelineUrl: origin && repository && runId ? `${origin}/${repository}/actions/runs/${runId}` : null,
  };
}

/** `*` is any run of characters; everything else literal (case-sensitive, as git refs are). */
export function globMatches(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, caseInsensitive ? "is" : "s").test(value);
}

/** Why the token does not satisfy the publisher (the first claim that fails), or null when it does. */
export function publisherMismatch(publisher: TrustedPublisherRow, claims: Claims): string | null {
  const run = runOf(publisher.provider, publisher.issuer, claims);
  if (!run.repository || run.repository.toLowerCase() !== publisher.repository.toLowerCase()) return "repository does not match";
  if (publisher.workflow !== null) {
    const wanted = publisher.workflow.replace(/^\/+/, "");
    // `release.yml` names the file in the provider's workflow directory; a path names it exactly.
    const ok = run.workflow !== null && (run.workflow === wanted || (!wanted.includes("/") && run.workflow.split("/").at(-1) === wanted));
    if (!ok) return "workflow does not match";
  }
  if (publisher.ref !== null && (run.ref === null || !globMatches(publisher.ref, run.ref))) return "ref does not match";
  if (publisher.environment !== null && run.environment !== publisher.environment) return "environment does not match";
  for (const [name, pattern] of Object.entries(publisher.claims)) {
    const value = str(claims, name);
    if (value === null || !globMatches(pattern, value)) return `claim ${name} does not match`;
  }
  return null;
}
