import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// The fuzzer (`npm run fuzz`, scripts/fuzz/run.mjs): the same workerd pool as the unit tests, with the run's
// seed, case count and time budget passed in as bindings.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  const budgetSeconds = Number(process.env.FUZZ_BUDGET_SECONDS ?? 60);
  const fuzz = Object.fromEntries(["FUZZ_SEED", "FUZZ_RUNS", "FUZZ_BUDGET_SECONDS", "FUZZ_ONLY"].flatMap((k) => (process.env[k] ? [[k, process.env[k] as string]] : [])));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: { bindings: { TEST_MIGRATIONS: migrations, ADMIN_TOKEN: "test-admin-token", BLOB_GRACE_SECONDS: "60", ...fuzz } },
      }),
    ],
    test: {
      include: ["test/fuzz/**/*.fuzz.ts"],
      setupFiles: ["./test/apply-migrations.ts"],
      // The budget bounds the requests; fixtures, the invariant check and a slow last request come on top.
      testTimeout: (budgetSeconds + 240) * 1000,
    },
  };
});
