#!/usr/bin/env node
// `npm start [-- --port N]`: a working local registry on embedded defaults. Creates .dev.vars from
// .dev.vars.example when missing (the admin token), applies the D1 migrations to the local state
// under .wrangler/state, then runs `wrangler dev` on 127.0.0.1.
import { spawnSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const wrangler = path.join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: process.env.CI ?? "true" };

if (!existsSync(path.join(root, ".dev.vars"))) {
  copyFileSync(path.join(root, ".dev.vars.example"), path.join(root, ".dev.vars"));
  console.log("Created .dev.vars from .dev.vars.example");
}
const adminToken = /^ADMIN_TOKEN=(.*)$/m.exec(readFileSync(path.join(root, ".dev.vars"), "utf8"))?.[1]?.trim();

const args = process.argv.slice(2);
const migrate = spawnSync(process.execPath, [wrangler, "d1", "migrations", "apply", "DB", "--local"], { cwd: root, env, stdio: "inherit" });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const hasPort = args.some((a) => a === "--port" || a.startsWith("--port="));
const devArgs = [wrangler, "dev", "--ip", "127.0.0.1", ...(hasPort ? [] : ["--port", "8787"]), ...args];
const port = (() => {
  const i = args.findIndex((a) => a === "--port" || a.startsWith("--port="));
  if (i < 0) return "8787";
  return args[i].includes("=") ? args[i].split("=")[1] : args[i + 1];
})();
console.log(`\nPackyard on http://127.0.0.1:${port}  (admin token: ${adminToken ?? "see .dev.vars"})`);
console.log(`Try: curl -H "PRIVATE-TOKEN: ${adminToken}" http://127.0.0.1:${port}/api/v4/user\n`);
const dev = spawn(process.execPath, devArgs, { cwd: root, env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
