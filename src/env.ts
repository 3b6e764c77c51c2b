// Bindings and per-request context variables, in one place.
import type { ProjectContext, ReadScope, Registry } from "./core/registry";

/**
 * The bindings of wrangler.toml and the secrets of .dev.vars.example, as `wrangler types` generates them
 * (worker-configuration.d.ts, `npm run types`), with the secret and the settings an operator may leave
 * unset (`wrangler secret put`, `.dev.vars`) made optional. Vars are plain strings at run time, whatever default wrangler.toml gives them.
 */
export type Bindings = Omit<Env, "ADMIN_TOKEN" | "MAX_UPLOAD_BYTES" | "BLOB_GRACE_SECONDS" | "EDGE_ACCESS_TTL_SECONDS" | UpstreamUrl> & {
  /** The upstream registries of request forwarding (wrangler.toml has the public ones; `.dev.vars` may point elsewhere). */
  [K in UpstreamUrl]?: string;
} & {
  /** Authenticates as the instance administrator `root`. */
  ADMIN_TOKEN?: string;
  /** Largest single upload (bytes). */
  MAX_UPLOAD_BYTES?: string;
  /** How long an unreferenced blob is kept before the scheduled cleanup removes it (seconds). */
  BLOB_GRACE_SECONDS?: string;
  /** How long anonymous hits are served without asking D1 who may pull (src/core/registry/edge-access.ts). */
  EDGE_ACCESS_TTL_SECONDS?: string;
  /** How long a route waits for the publish coordinator before answering 500 (default 25 s). */
  COMMIT_TIMEOUT_MS?: string;
  /** Seals the Debian distributions' private signing keys (ADMIN_TOKEN when unset; src/formats/debian/signing.ts). */
  DEBIAN_SIGNING_SECRET?: string;
  /** How long request forwarding waits for an upstream registry's answer before a 504 (default 10000 ms). */
  UPSTREAM_TIMEOUT_MS?: string;
  /** How long a forwarded metadata document is served from the cache before it is fetched again (default 300 s). */
  FORWARDING_METADATA_TTL_SECONDS?: string;
};

type UpstreamUrl = "NPM_UPSTREAM_URL" | "PYPI_UPSTREAM_URL" | "MAVEN_UPSTREAM_URL";

export interface Variables {
  requestId: string;
  /** The request's registry context: its only D1 handle (src/core/registry). */
  registry: Registry;
  /** Set by projectAccess(action) (src/http/access.ts). */
  project?: ProjectContext;
  /** Set by readAccess(level) (src/http/access.ts). */
  scope?: ReadScope;
}

export type AppEnv = { Bindings: Bindings; Variables: Variables };
