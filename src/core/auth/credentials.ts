// Reads a token out of a request in every form GitLab's package endpoints accept (pure; no lookups).
// Spec: ../shared/reference/gitlab-spec.md §0.4 and §18 "Auth resolver order";
//       ../shared/reference/clients.md "Things the server has to get right" 1.

export type CredentialSource =
  | "private_token" // PRIVATE-TOKEN header or ?private_token=
  | "deploy_token" // DEPLOY-TOKEN header
  | "job_token" // JOB-TOKEN header or ?job_token=
  | "bearer" // Authorization: Bearer (npm, terraform)
  | "basic" // Authorization: Basic, resolved by the password (pip, twine, maven, nuget reads, apt…)
  | "raw" // Authorization: <token> with no scheme (gem push, cargo)
  | "nuget_api_key"; // X-NuGet-ApiKey (nuget push)

export interface Credential {
  token: string;
  source: CredentialSource;
  /** The Basic username, when there was one (gitlab-ci-token marks a job token). */
  username?: string;
}

export function readCredential(headers: Headers, url: URL): Credential | null {
  const header = (name: string) => headers.get(name)?.trim() || null;
  const privateToken = header("private-token");
  if (privateToken) return { token: privateToken, source: "private_token" };
  const deployToken = header("deploy-token");
  if (deployToken) return { token: deployToken, source: "deploy_token" };
  const jobToken = header("job-token");
  if (jobToken) return { token: jobToken, source: "job_token" };

  const authorization = header("authorization");
  if (authorization) {
    const [scheme = "", ...rest] = authorization.split(/\s+/);
    const value = rest.join(" ");
    if (/^bearer$/i.test(scheme) && value) return { token: value, source: "bearer" };
    if (/^basic$/i.test(scheme) && value) return decodeBasic(value);
    if (rest.length === 0) return { token: authorization, source: "raw" };
  }
  const apiKey = header("x-nuget-apikey");
  if (apiKey) return { token: apiKey, source: "nuget_api_key" };

  const queryPrivate = url.searchParams.get("private_token");
  if (queryPrivate) return { token: queryPrivate, source: "private_token" };
  const queryJob = url.searchParams.get("job_token");
  if (queryJob) return { token: queryJob, source: "job_token" };
  return null;
}

function decodeBasic(value: string): Credential | null {
  let decoded: string;
  try {
    decoded = new TextDecoder().decode(Uint8Array.from(atob(value), (ch) => ch.charCodeAt(0)));
  } catch {
    return null;
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (!password) return null;
  return { token: password, source: "basic", username };
}

/** True when a request carries anything that looks like a credential (such requests never touch the cache). */
export function carriesCredentials(headers: Headers, url: URL): boolean {
  return (
    headers.has("authorization") ||
    headers.has("private-token") ||
    headers.has("deploy-token") ||
    headers.has("job-token") ||
    headers.has("x-nuget-apikey") ||
    headers.has("cookie") ||
    url.searchParams.has("private_token") ||
    url.searchParams.has("job_token") ||
    url.searchParams.has("token")
  );
}
