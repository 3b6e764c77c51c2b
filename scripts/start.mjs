#!/usr/bin/env node
// `npm start [-- --port N] [--log] [--persist-to DIR] [--https-key-path K --https-cert-path C] [--var NAME:VALUE]`:
// a working local registry. Creates .dev.vars from .dev.vars.example when missing (the admin token), bundles
// the Worker, applies the D1 migrations to the local state (.wrangler/state, shared with `npm run dev`) and
// serves it through Miniflare directly on http://127.0.0.1:8787 (scripts/serve.mjs). Ctrl-C stops it.
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT, USAGE, parseServeArgs, serve, stopOnSignal } from "./serve.mjs";

let options;
try {
  options = parseServeArgs(process.argv.slice(2));
} catch (error) {
  console.error(error.message);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

const devVars = path.join(ROOT, ".dev.vars");
if (!existsSync(devVars)) {
  copyFileSync(path.join(ROOT, ".dev.vars.example"), devVars);
  console.log("Created .dev.vars from .dev.vars.example");
}
const adminToken = options.vars.ADMIN_TOKEN ?? /^ADMIN_TOKEN=(.*)$/m.exec(readFileSync(devVars, "utf8"))?.[1]?.trim();

const server = await serve(options);
stopOnSignal(server);
console.log(`\nPackyard on ${server.url}  (admin token: ${adminToken ?? "see .dev.vars"}; state in ${path.relative(ROOT, server.persistTo) || "."})`);
console.log(`Try: curl -H "PRIVATE-TOKEN: ${adminToken}" ${server.url}/api/v4/user`);
console.log(`Request logging is ${options.logRequests ? "on" : "off (npm start -- --log turns it on)"}; Ctrl-C stops.\n`);
