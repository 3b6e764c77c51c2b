// Worker entry: HTTP, the cron trigger and the Durable Object class; nothing else.
import { createApp } from "./app";
import type { Bindings } from "./env";
import { removeUnreferencedBlobs } from "./core/cleanup";
import { removeExpiredFiles } from "./core/expiring-files";
import { EXPIRING_FILES } from "./formats";

export { PublishCoordinator } from "./core/publish/coordinator";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    // Expired bookkeeping files first (Debian's unclaimed incoming files), so their blobs become unreferenced.
    ctx.waitUntil(
      removeExpiredFiles(env, EXPIRING_FILES)
        .catch((error) => console.error("expired files cleanup failed", error))
        .then(() => removeUnreferencedBlobs(env)),
    );
  },
} satisfies ExportedHandler<Bindings>;
