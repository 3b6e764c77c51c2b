// Drives the real npm, pnpm and yarn against a running Packyard: temp package folders, per-folder
// .npmrc files with the registry and `_authToken` lines GitLab's docs give, fresh caches per call.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { NODE } from "../support/registry";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const PNPM = path.join(ROOT, "node_modules", "pnpm", "bin", "pnpm.cjs");
const YARN = path.join(ROOT, "node_modules", "yarn", "bin", "yarn.js");
/** The system npm (11), as users have it. */
export const NPM = process.env.NPM_BIN ?? (existsSync("/usr/bin/npm") ? "/usr/bin/npm" : "npm");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

const created: string[] = [];

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `packyard-npm-${prefix}-`));
  created.push(dir);
  return dir;
}

/** Remove every folder tempDir made (packages, caches, the 200 MB tarball). */
export function removeTempDirs() {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A registry line plus the `_authToken` line for its host/path ("nerf dart"). */
export function npmrc(lines: { registry: string; scope?: string; token?: string }[]): string {
  const out: string[] = [];
  for (const { registry, scope, token } of lines) {
    const url = registry.endsWith("/") ? registry : `${registry}/`;
    out.push(scope ? `${scope}:registry=${url}` : `registry=${url}`);
    if (token) out.push(`${url.replace(/^https?:/, "")}:_authToken=${token}`);
  }
  return `${out.join("\n")}\n`;
}

/** A package folder with package.json, index.js and a .npmrc. */
export function makePackage(manifest: Record<string, unknown>, rc: string, files: Record<string, string> = {}): string {
  const dir = tempDir("pkg");
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ main: "index.js", license: "MIT", ...manifest }, null, 2));
  writeFileSync(path.join(dir, "index.js"), files["index.js"] ?? `module.exports = ${JSON.stringify(`${manifest.name}@${manifest.version}`)};\n`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  writeFileSync(path.join(dir, ".npmrc"), rc);
  return dir;
}

/** A consumer folder: package.json with these dependencies and a .npmrc. */
export function makeConsumer(dependencies: Record<string, string>, rc: string): string {
  const dir = tempDir("app");
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, dependencies }, null, 2));
  writeFileSync(path.join(dir, ".npmrc"), rc);
  return dir;
}

function run(command: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<RunResult> {
  const userconfig = path.join(tempDir("home"), ".npmrc");
  writeFileSync(userconfig, "");
  const env: Record<string, string | undefined> = {
    ...process.env,
    npm_config_userconfig: userconfig,
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_loglevel: "warn",
    NO_COLOR: "1",
    ...extraEnv,
  };
  // Drop npm_* settings vitest's own `npm run` may have put in the environment.
  for (const key of Object.keys(env)) if (/^npm_(package|lifecycle)_/.test(key)) delete env[key];
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, timeout: 240_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** npm with a fresh cache (npm would otherwise install the tarball it packed itself). */
export function npm(args: string[], cwd: string): Promise<RunResult> {
  return run(NPM, [...args, "--cache", tempDir("cache")], cwd);
}

export function pnpm(args: string[], cwd: string): Promise<RunResult> {
  return run(NODE, [PNPM, ...args, "--store-dir", tempDir("store")], cwd, { npm_config_cache_dir: tempDir("pcache") });
}

export function yarn(args: string[], cwd: string): Promise<RunResult> {
  return run(NODE, [YARN, ...args, "--cache-folder", tempDir("ycache"), "--non-interactive", "--no-lockfile"], cwd);
}

/** Run `require(name)` inside a consumer folder and return what the module exports. */
export async function requireIn(dir: string, name: string): Promise<string> {
  const result = await run(NODE, ["-e", `process.stdout.write(JSON.stringify(require(${JSON.stringify(name)})))`], dir);
  if (result.code !== 0) throw new Error(`require(${name}) failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

export function installedVersion(dir: string, name: string): string {
  return JSON.parse(readFileSync(path.join(dir, "node_modules", name, "package.json"), "utf8")).version;
}

export const expectOk = (result: RunResult, what: string) => {
  if (result.code !== 0) throw new Error(`${what} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result;
};
