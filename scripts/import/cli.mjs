#!/usr/bin/env node
// `npm run import -- --from <source> --to <project or group> [--formats …] [--dry-run] [--concurrency N]`:
// moves packages from a GitLab/Packyard project or group, an npm registry or Verdaccio, a PyPI simple index,
// a Maven repository or a directory into a Packyard project, through its normal publish endpoints.
// A re-run skips what the target already has (name, version, file, digest) and retries what failed.
// docs/import.md describes sources, layout and behaviour.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { RateLimiter } from "./lib/http.mjs";
import { formatReport, parseArgs, USAGE } from "./lib/parse.mjs";
import { runImport } from "./lib/run.mjs";
import { Target } from "./lib/target.mjs";
import { dirSource } from "./sources/dir.mjs";
import { gitlabSource } from "./sources/gitlab.mjs";
import { mavenSource } from "./sources/maven.mjs";
import { npmSource } from "./sources/npm.mjs";
import { pypiSource } from "./sources/pypi.mjs";
import { verdaccioStorageSource } from "./sources/verdaccio-storage.mjs";

const ROOT = path.resolve(import.meta.dirname, "../..");

function devToken() {
  try {
    return /^ADMIN_TOKEN=(.*)$/m.exec(readFileSync(path.join(ROOT, ".dev.vars"), "utf8"))?.[1]?.trim();
  } catch {
    return undefined;
  }
}

const SOURCES = { gitlab: gitlabSource, npm: npmSource, pypi: pypiSource, maven: mavenSource, dir: dirSource, verdaccio: verdaccioStorageSource };

async function main(argv) {
  let options;
  try {
    options = parseArgs(argv);
  } catch (error) {
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const toToken = options.toToken ?? process.env.PACKYARD_TOKEN ?? devToken();
  if (!toToken) {
    console.error("no target token: pass --to-token (or PACKYARD_TOKEN); .dev.vars has none");
    return 2;
  }
  const limiter = new RateLimiter(options.rate);
  let source;
  try {
    source = SOURCES[options.source.kind](options.source, {
      token: options.fromToken ?? process.env.IMPORT_FROM_TOKEN,
      user: options.fromUser,
      formats: options.formats,
      packages: options.packages,
      artifacts: options.artifacts,
      limiter,
      attempts: options.retries,
    });
  } catch (error) {
    console.error(error.message);
    return 2;
  }
  const target = new Target({ url: options.toUrl, token: toToken, attempts: options.retries });

  const tty = process.stderr.isTTY && !options.quiet;
  const counts = { imported: 0, skipped: 0, failed: 0, planned: 0 };
  const started = Date.now();
  const progress = (last) => {
    if (!tty) return;
    const seconds = Math.round((Date.now() - started) / 1000);
    const line = `[${seconds}s] imported ${counts.imported}  skipped ${counts.skipped}  failed ${counts.failed}${options.dryRun ? `  to import ${counts.planned}` : ""}  ${last}`;
    process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
  };
  if (!options.quiet) console.error(`Importing from ${source.describe} into ${options.to} on ${options.toUrl}${options.dryRun ? " (dry run)" : ""}`);

  let results;
  try {
    results = await runImport({
      source,
      target,
      options,
      onResult: (r) => {
        counts[r.outcome] += 1;
        progress(`${r.format} ${r.name}@${r.version}`);
      },
    });
  } catch (error) {
    if (tty) process.stderr.write("\n");
    console.error(`import failed: ${error.message}`);
    return 1;
  }
  if (tty) process.stderr.write("\n");
  const report = formatReport(results, { dryRun: options.dryRun });
  console.log(report.text);
  if (options.report) writeFileSync(options.report, `${JSON.stringify({ counts: report.counts, results }, null, 2)}\n`);
  return report.counts.failed > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
