// Worker entry: HTTP, the cron trigger and the Durable Object class; nothing else.
import { createApp } from "./app";
import type { Bindings } from "./env";
import { removeUnreferencedBlobs } from "./core/cleanup";
import { runDueCleanupPolicies } from "./core/storage/cleanup-policy";
import { commitTargetOf } from "./formats";

export { PublishCoordinator } from "./core/publish/coordinator";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    // Policies first: the packages they delete leave blobs the blob cleanup frees once the grace period passes.
    ctx.waitUntil(runDueCleanupPolicies(env, commitTargetOf).catch((error) => console.error("cleanup policies failed", error)).then(() => removeUnreferencedBlobs(env)));
  },
} satisfies ExportedHandler<Bindings>;
