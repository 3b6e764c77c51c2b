#!/usr/bin/env node
// `npm run bench -- <format> [options]`: runs one format's side-by-side benchmark (bench/<format>/run.mjs).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

const here = import.meta.dirname;
const formats = readdirSync(here).filter((d) => existsSync(path.join(here, d, "run.mjs")));
const [format, ...rest] = process.argv.slice(2);
if (!format || !formats.includes(format)) {
  console.error(`usage: npm run bench -- <${formats.join("|")}> [options]\nResults are recorded in docs/benchmarks.md.`);
  process.exit(format ? 2 : 0);
}
const run = spawnSync(process.execPath, [path.join(here, format, "run.mjs"), ...rest], { stdio: "inherit" });
process.exit(run.status ?? 1);
