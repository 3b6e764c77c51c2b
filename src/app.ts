// Builds the Hono app: request id → credentials → management API, Packages API and every format
// under /api/v4 → web pages. Errors render in the shape the caller's client understands.
import { Hono, type Context } from "hono";
import type { AppEnv } from "./env";
import { matchedRoutes } from "hono/route";
import { Registry } from "./core/registry";
import { readCredential, type CredentialSource } from "./core/auth/credentials";
import { createDb } from "./db/client";
import { resolveSessionActor } from "./core/auth/sessions";
import { ANONYMOUS } from "./core/auth/actor";
import { AppError } from "./core/errors";
import { renderGitlabError, toAppError } from "./http/errors";
import { userRoutes } from "./api/users";
import { groupRoutes } from "./api/groups";
import { projectRoutes } from "./api/projects";
import { memberRoutes } from "./api/members";
import { deployTokenRoutes } from "./api/deploy-tokens";
import { jobTokenRoutes } from "./api/job-tokens";
import { trustedPublisherRoutes } from "./api/trusted-publishers";
import { ciOidcRoutes } from "./api/ci-oidc";
import { jobTokenScopeRoutes } from "./api/job-token-scope";
import { packageApiRoutes } from "./api/packages";
import { protectionRuleRoutes } from "./api/protection-rules";
import { cleanupPolicyRoutes } from "./api/cleanup-policy";
import { storageRoutes } from "./api/storage";
import { bulkDeleteRoutes } from "./api/bulk-delete";
import { accessTokenRoutes } from "./api/access-tokens";
import { versionRoutes } from "./api/version";
import { applicationSettingsRoutes } from "./api/application-settings";
import { forwardingRoutes } from "./api/forwarding";
import { graphqlRoutes } from "./api/graphql";
import { FORMATS } from "./formats";
import type { FormatModule } from "./formats/format";
import { uiRoutes } from "./ui";
import { makeInert } from "./http/inert";
import { setResponseHeaders } from "./http/response-headers";
import { noteDownloadOf } from "./http/downloads";

const API_PREFIX = "/api/v4";

export function createApp() {
  const app = new Hono<AppEnv>();
  // The format whose handler a request matched renders its errors (even those thrown before the handler
  // ran) and decides which credential forms are accepted.
  const formatOfHandler = new WeakMap<object, FormatModule>();
  for (const format of FORMATS) for (const route of [...format.routes.routes, ...(format.rootRoutes?.routes ?? [])]) formatOfHandler.set(route.handler, format);
  const formatOf = (c: Context<AppEnv>) => matchedRoutes(c).map((route) => formatOfHandler.get(route.handler)).find((f) => f !== undefined);

  app.use(async (c, next) => {
    const requestId = c.req.header("cf-ray") ?? crypto.randomUUID();
    c.set("requestId", requestId);
    await next();
    noteDownloadOf(c);
    setResponseHeaders(c, { "X-Request-Id": requestId });
  });

  // Every /api/v4 response is inert, errors thrown before the /api/v4 sub-app runs included (a path trick, a
  // bad credential); so are format routes outside /api/v4 and /api/graphql, refusals of its credentials included.
  app.use(async (c, next) => {
    await next();
    if (isApiPath(c.req.path) || formatOf(c) || c.req.path === GRAPHQL_PATH) makeInert(c);
  });

  app.use(async (c, next) => {
    rejectPathTricks(new URL(c.req.url).pathname);
    let credential = readCredential(c.req.raw.headers, new URL(c.req.url));
    if (credential && BROWSER_KEPT.has(credential.source) && !formatOf(c)) {
      // A browser replays Basic credentials it was once given on cross-site requests to this host: outside
      // package endpoints they carry no authority, so a forged form post cannot use them. Pages ignore them
      // (the session cookie decides); the management API refuses them.
      if (!isApiPath(c.req.path)) credential = null;
      else throw new AppError("unauthorized", "401 Unauthorized - this endpoint accepts a token header (PRIVATE-TOKEN, JOB-TOKEN or Authorization: Bearer), not Basic credentials", { challenge: 'Bearer realm="GitLab API"' });
    }
    const defer = (work: Promise<unknown>) => c.executionCtx.waitUntil(work.catch(() => undefined));
    // The matched format: its own minted tokens (Conan's) are accepted on its routes only.
    const options = { adminToken: c.env.ADMIN_TOKEN, defer, format: formatOf(c)?.packageType };
    if (!credential) {
      // Web pages (never /api/v4, so API clients keep token semantics) accept the session cookie.
      const session = !isApiPath(c.req.path) ? await resolveSessionActor(createDb(c.env.DB), c.req.raw) : null;
      c.set("registry", new Registry(c.env, session ?? ANONYMOUS));
      return next();
    }
    // A package route resolves the credential in the same D1 batch as the project and package rows it reads;
    // everything else resolves it now.
    const registry = new Registry(c.env, { credential, options });
    c.set("registry", registry);
    if (!formatOf(c)) await registry.resolveActor();
    await next();
    // A package route that read nothing still answers 401 to a credential that is not valid.
    if (registry.actorPending) await registry.resolveActor();
  });

  const api = new Hono<AppEnv>();
  for (const routes of [userRoutes, groupRoutes, projectRoutes, memberRoutes, deployTokenRoutes, jobTokenRoutes, trustedPublisherRoutes, ciOidcRoutes, jobTokenScopeRoutes, accessTokenRoutes, protectionRuleRoutes, cleanupPolicyRoutes, storageRoutes, bulkDeleteRoutes, versionRoutes, packageApiRoutes, applicationSettingsRoutes, forwardingRoutes]) {
    api.route("/", routes);
  }
  for (const format of FORMATS) api.route("/", format.routes);
  api.all("*", (c) => c.json({ error: "404 Not Found" }, 404));
  app.route(API_PREFIX, api);
  // GitLab's GraphQL endpoint sits beside /api/v4 and takes the same token credentials (isApiPath).
  app.route("/", graphqlRoutes);
  // The few paths a client protocol fixes outside /api/v4 (Terraform's /.well-known/terraform.json), before the pages.
  for (const format of FORMATS) if (format.rootRoutes) app.route("/", format.rootRoutes);
  app.route("/", uiRoutes);

  app.notFound((c) => c.json({ error: "404 Not Found" }, 404));
  app.onError((error, c) => {
    const format = formatOf(c);
    return format ? format.renderError(c, toAppError(c, error)) : renderGitlabError(c, error);
  });
  return app;
}

/** Credential forms only package clients send; everything else under /api/v4 takes token headers. */
const BROWSER_KEPT = new Set<CredentialSource>(["basic", "raw", "nuget_api_key"]);

const GRAPHQL_PATH = "/api/graphql";

const isApiPath = (path: string) => path === API_PREFIX || path.startsWith(`${API_PREFIX}/`) || path === GRAPHQL_PATH;

/** `..`, encoded traversal and NUL bytes never reach a route (a raw path keeps them percent-encoded). */
function rejectPathTricks(rawPath: string) {
  if (/%(?![0-9a-f]{2})/i.test(rawPath)) throw new AppError("bad_request", "400 Bad request - malformed percent-encoding in the path");
  let decoded = rawPath;
  for (let i = 0; i < 3 && /%[0-9a-f]{2}/i.test(decoded); i++) {
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      throw new AppError("bad_request", "400 Bad request - malformed percent-encoding in the path");
    }
  }
  if (decoded.includes("\0") || decoded.split(/[/\\]/).some((segment) => segment === ".." || segment === ".")) {
    throw new AppError("bad_request", "400 Bad request - the path contains '..', '.' or a NUL byte");
  }
}
