// Bindings and per-request context variables, in one place.
import type { Actor } from "./core/auth/actor";
import type { PublishCoordinator } from "./core/publish/coordinator";

export interface Bindings {
  DB: D1Database;
  BLOBS: R2Bucket;
  PUBLISH_COORDINATOR: DurableObjectNamespace<PublishCoordinator>;
  ADMIN_TOKEN?: string;
  MAX_UPLOAD_BYTES?: string;
  BLOB_GRACE_SECONDS?: string;
}

export interface Variables {
  requestId: string;
  actor: Actor;
}

export type AppEnv = { Bindings: Bindings; Variables: Variables };
