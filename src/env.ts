// Bindings and per-request context variables, in one place.
import type { Actor } from "./core/auth/actor";
import type { PublishCoordinator } from "./core/publish/coordinator";
import type { ProjectContext, ReadScope, Registry } from "./core/registry";

export interface Bindings {
  DB: D1Database;
  BLOBS: R2Bucket;
  PUBLISH_COORDINATOR: DurableObjectNamespace<PublishCoordinator>;
  ADMIN_TOKEN?: string;
  MAX_UPLOAD_BYTES?: string;
  BLOB_GRACE_SECONDS?: string;
  /** How long a route waits for the publish coordinator before answering 500 (default 25 s). */
  COMMIT_TIMEOUT_MS?: string;
}

export interface Variables {
  requestId: string;
  actor: Actor;
  /** The request's registry context: its only D1 handle (src/core/registry). */
  registry: Registry;
  /** Set by projectAccess(action) (src/http/access.ts). */
  project?: ProjectContext;
  /** Set by readAccess(level) (src/http/access.ts). */
  scope?: ReadScope;
}

export type AppEnv = { Bindings: Bindings; Variables: Variables };
