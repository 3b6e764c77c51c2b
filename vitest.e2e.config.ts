import { defineConfig } from "vitest/config";

// End-to-end tests: run in Node, start `wrangler dev` on loopback and drive the real clients.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
