// Worker entry: HTTP, the cron trigger and the Durable Object class; nothing else.
import { createApp } from "./app";
import type { Bindings } from "./env";
import { removeUnreferencedBlobs } from "./core/cleanup";
import { removeExpiredFiles } from "./core/expiring-files";
import { runDueCleanupPolicies } from "./core/storage/cleanup-policy";
import { commitTargetOf, EXPIRING_FILES } from "./formats";

export { PublishCoordinator } from "./core/publish/coordinator";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    // Expired bookkeeping files (Debian's unclaimed incoming files) and due cleanup policies first: what they
    // delete leaves blobs the blob cleanup frees once the grace period passes. One failing does not stop the rest.
    ctx.waitUntil(
      removeExpiredFiles(env, EXPIRING_FILES)
        .catch((error) => console.error("expired files cleanup failed", error))
        .then(() => runDueCleanupPolicies(env, commitTargetOf))
        .catch((error) => console.error("cleanup policies failed", error))
        .then(() => removeUnreferencedBlobs(env)),
    );
  },
} satisfies ExportedHandler<Bindings>;
