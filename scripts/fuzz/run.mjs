#!/usr/bin/env node
// `npm run fuzz [-- --seed N] [--runs N] [--budget-seconds N] [--only N]`: runs test/fuzz in workerd
// (vitest.fuzz.config.ts). Without --seed a seed is drawn and printed; the same seed and runs send the same requests.
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    seed: { type: "string" },
    runs: { type: "string", default: "300" },
    "budget-seconds": { type: "string", default: "60" },
    only: { type: "string" },
  },
});
const positive = (name, value) => {
  if (!/^\d+$/.test(value)) {
    console.error(`--${name} takes a non-negative integer, not ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return value;
};
const seed = positive("seed", values.seed ?? String(Math.floor(Math.random() * 2 ** 31)));
const runs = positive("runs", values.runs);
const budget = positive("budget-seconds", values["budget-seconds"]);
console.log(`fuzz: seed ${seed}, at most ${runs} cases, budget ${budget} s${values.only ? `, only case ${values.only}` : ""}`);
const env = { ...process.env, FUZZ_SEED: seed, FUZZ_RUNS: runs, FUZZ_BUDGET_SECONDS: budget };
if (values.only) env.FUZZ_ONLY = positive("only", values.only);
const run = spawnSync("npx", ["vitest", "run", "--config", "vitest.fuzz.config.ts"], { stdio: "inherit", env });
process.exit(run.status ?? 1);
