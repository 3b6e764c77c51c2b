// Worker entry: HTTP, the cron trigger and the Durable Object class; nothing else.
import { createApp } from "./app";
import type { Bindings } from "./env";
import { removeUnreferencedBlobs } from "./core/cleanup";

export { PublishCoordinator } from "./core/publish/coordinator";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(removeUnreferencedBlobs(env));
  },
} satisfies ExportedHandler<Bindings>;
