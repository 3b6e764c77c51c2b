#!/usr/bin/env node
// Packyard for the benches: `npm start`'s server (scripts/serve.mjs), optionally with the bench-only D1 meter
// (bench/lib/d1-meter.js) as the Worker's entry in front of the unchanged bundle.
//
//   node bench/lib/serve.mjs [--d1-meter] [--d1-delay-ms N] [--d1-replica-delay-ms N] <npm start options>
//
// --d1-delay-ms / --d1-replica-delay-ms imply --d1-meter. The counts are at GET /__bench/d1 (see d1-meter.js).
import { readFileSync } from "node:fs";
import path from "node:path";
import { unstable_readConfig } from "wrangler";
import { ROOT, parseServeArgs, serve, stopOnSignal } from "../../scripts/serve.mjs";

const METER = path.join(import.meta.dirname, "d1-meter.js");

/** The entry and bindings that put the D1 meter in front of the bundle, after checking it wraps every Durable Object class. */
export function meterEntry(config, { delayMs = 0, replicaDelayMs } = {}) {
  const contents = readFileSync(METER, "utf8");
  const wrapped = new Set([...contents.matchAll(/^export class (\w+) extends bundle\.\1\b/gm)].map((m) => m[1]));
  const bound = unstable_readConfig({ config }).durable_objects.bindings.map((b) => b.class_name);
  const missing = bound.filter((name) => !wrapped.has(name));
  if (missing.length) throw new Error(`bench/lib/d1-meter.js does not wrap the Durable Object class(es) ${missing.join(", ")}: add them there`);
  const bindings = { BENCH_D1_DELAY_MS: String(delayMs) };
  if (replicaDelayMs !== undefined) bindings.BENCH_D1_REPLICA_DELAY_MS = String(replicaDelayMs);
  return { entry: { name: "__bench_d1_meter.js", contents }, bindings };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const take = (flag) => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const [, value] = argv.splice(i, 2);
    if (value === undefined || !/^\d+(\.\d+)?$/.test(value)) throw new Error(`${flag} wants a number of milliseconds`);
    return Number(value);
  };
  const delayMs = take("--d1-delay-ms");
  const replicaDelayMs = take("--d1-replica-delay-ms");
  const meterAt = argv.indexOf("--d1-meter");
  const meter = meterAt >= 0 || delayMs !== undefined || replicaDelayMs !== undefined;
  if (meterAt >= 0) argv.splice(meterAt, 1);
  const options = parseServeArgs(argv);
  const config = options.config ?? path.join(ROOT, "wrangler.toml");
  const server = await serve({ ...options, quiet: true, ...(meter ? meterEntry(config, { delayMs, replicaDelayMs }) : {}) });
  stopOnSignal(server);
  console.log(`Packyard on ${server.url}${meter ? ` (D1 meter: ${delayMs ?? 0} ms per primary round trip, ${replicaDelayMs ?? delayMs ?? 0} ms per replica read)` : ""}`);
}
