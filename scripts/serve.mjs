// Serves the built Worker through Miniflare's API directly: no `wrangler dev` proxy in front of it and no
// file watcher. `npm start` (scripts/start.mjs), the end-to-end harness (test/e2e/support/registry.ts) and
// the benches (bench/lib/serve.mjs) all start Packyard through this module, so they run the same thing.
//
//   1. bundle: `wrangler deploy --dry-run --outdir <dir>` (the same esbuild build a deploy uploads);
//   2. migrate: `wrangler d1 migrations apply DB --local --persist-to <state>`;
//   3. serve: the bindings, vars and compatibility settings wrangler derives from wrangler.toml (+ .dev.vars)
//      (`unstable_getMiniflareWorkerOptions`), persisted under <state>/v3/{d1,r2,do,cache}: the layout
//      `wrangler dev` and `wrangler d1 … --local` use, so `npm run dev` sees the same data.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { Log, LogLevel, Miniflare, convertV4MiniflareOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const DEFAULT_PERSIST_TO = path.join(ROOT, ".wrangler", "state");
export const DEFAULT_BUNDLE_DIR = path.join(ROOT, ".wrangler", "start", "bundle");
const WRANGLER = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
/** wrangler needs Node 22+: the node@24 devDependency's binary when this one is older. */
export const NODE = Number(process.versions.node.split(".")[0]) >= 22 ? process.execPath : path.join(ROOT, "node_modules", ".bin", "node");
/** No Request.cf fetch, no telemetry, no prompts, no colours. */
export const QUIET_ENV = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" };

/**
 * V8 flags for workerd. Miniflare puts MINIFLARE_WORKERD_V8_FLAGS into workerd's config; serve() sets it to these
 * unless it is set already ("" for V8's defaults).
 *
 * workerd frees a request's C++ memory only when V8 collects the JavaScript objects that hold it: a Request, a
 * Response, a D1 result. Its tcmalloc then keeps the freed pages. V8's defaults let every isolate pile up that
 * garbage before it collects; the isolates are the Worker and Miniflare's D1, R2 and cache simulators. A 4 MiB
 * young generation and an 8 MiB first old-generation limit make V8 collect sooner, at no measured CPU cost.
 * Under `npm run bench -- load` the RSS then stays at about 400 MiB; it climbed to 800–900 MiB without them
 * (docs/reliability.md, "Where the memory goes").
 */
export const WORKERD_V8_FLAGS = "--max-semi-space-size=4 --initial-old-space-size=8";

function wrangler(args) {
  const run = spawnSync(NODE, [WRANGLER, ...args], { cwd: ROOT, env: QUIET_ENV, encoding: "utf8", maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed (${run.status}): ${run.stdout}${run.stderr}`);
  return run.stdout;
}

/** Bundles the Worker into `outDir` (emptied first) and returns it. */
export function bundle(outDir = DEFAULT_BUNDLE_DIR, { config = path.join(ROOT, "wrangler.toml"), quiet = true } = {}) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const out = wrangler(["deploy", "--dry-run", "--outdir", outDir, "--config", config]);
  if (!existsSync(path.join(outDir, "index.js"))) throw new Error(`no index.js in ${outDir} after wrangler deploy --dry-run`);
  if (!quiet) console.log(`Bundled the Worker into ${path.relative(ROOT, outDir)} (${/Total Upload: (.*)/.exec(out)?.[1] ?? "?"})`);
  return outDir;
}

/** Applies the D1 migrations to the local database under `persistTo` (idempotent). */
export function migrate(persistTo = DEFAULT_PERSIST_TO, { config = path.join(ROOT, "wrangler.toml"), quiet = true } = {}) {
  const out = wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo, "--config", config]);
  if (quiet) return;
  const applied = [...new Set([...out.matchAll(/(\d{4}_[\w.-]+\.sql)\s*│\s*✅/g)].map((m) => m[1]))];
  console.log(applied.length ? `Applied D1 migrations: ${applied.join(", ")}` : "D1 migrations: up to date");
}

/** A glob of wrangler's module rules ("**" + "/*.wasm", …) as a regular expression over a path relative to the bundle. */
function globToRegExp(glob) {
  const source = glob
    .split("**/")
    .map((part) => part.replace(/[.+^${}()|[\]\\?]/g, "\\$&").replace(/\*/g, "[^/]*"))
    .join("(?:.*/)?");
  return new RegExp(`^${source}$`);
}

/** The bundle's modules: index.js first, then the extra modules it imports (WebAssembly, text, data) typed by wrangler's rules. */
function bundleModules(bundleDir, rules) {
  const modules = [{ type: "ESModule", path: path.join(bundleDir, "index.js") }];
  for (const file of readdirSync(bundleDir, { recursive: true })) {
    const name = String(file).split(path.sep).join("/");
    if (name === "index.js" || name.endsWith(".map") || name === "README.md") continue;
    const rule = rules.find((r) => r.include.some((g) => globToRegExp(g).test(name)));
    if (rule) modules.push({ type: rule.type, path: path.join(bundleDir, name) });
    else if (/\.m?js$/.test(name)) modules.push({ type: "ESModule", path: path.join(bundleDir, name) });
  }
  return modules;
}

/**
 * Starts Packyard. Options:
 * - `bundleDir`: a bundle made by `bundle()` (default: build one into .wrangler/start/bundle);
 * - `persistTo`: the state directory (default .wrangler/state; wrangler's `--persist-to`); migrations are applied first;
 * - `host` (127.0.0.1), `port` (8787; 0 for any free port);
 * - `https`: true (a self-signed certificate from Miniflare) or `{ keyPath, certPath }`;
 * - `vars`: overrides of wrangler.toml's [vars] and .dev.vars (as `wrangler dev --var`);
 * - `logRequests`: one line per request (off by default); `quiet`: no wrangler output;
 * - `entry`: `{ name, contents }` of an ES module served as the Worker's entry in place of the bundle's index.js,
 *   which it imports as "./index.js" (the benches' D1 meter); `bindings`: extra plain-text bindings for it.
 * Returns `{ url, mf, stop }`; `stop()` disposes of Miniflare and its workerd.
 */
export async function serve(options = {}) {
  const config = options.config ?? path.join(ROOT, "wrangler.toml");
  const persistTo = path.resolve(options.persistTo ?? DEFAULT_PERSIST_TO);
  const quiet = options.quiet ?? false;
  const bundleDir = options.bundleDir ? path.resolve(options.bundleDir) : bundle(DEFAULT_BUNDLE_DIR, { config, quiet });
  migrate(persistTo, { config, quiet });

  const { workerOptions } = unstable_getMiniflareWorkerOptions(config);
  const { modulesRules = [], ...worker } = workerOptions;
  const modules = bundleModules(bundleDir, modulesRules);
  if (options.entry) modules.unshift({ type: "ESModule", path: path.join(bundleDir, options.entry.name), contents: options.entry.contents });

  let https = {};
  if (options.https === true) https = { https: true };
  else if (options.https) https = { https: true, httpsKey: readFileSync(options.https.keyPath, "utf8"), httpsCert: readFileSync(options.https.certPath, "utf8") };
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 8787;
  const logRequests = options.logRequests ?? false;
  // Clients reach the Worker through a socket of workerd's own (Miniflare's unsafeDirectSockets) rather than
  // through Miniflare's entry Worker, which serves every request through a second Worker and costs about
  // 0.4 ms each: a bare Worker answers ~1,900 requests/s behind the entry Worker and ~7,000/s directly
  // (docs/benchmarks.md). The entry Worker stays for HTTPS and the request log, which only it provides; it
  // then listens on the given port, otherwise on a free loopback port nobody is told about.
  const direct = !options.https && !logRequests;

  process.env.MINIFLARE_WORKERD_V8_FLAGS ??= WORKERD_V8_FLAGS;
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      ...worker,
      name: readWorkerName(config),
      rootPath: ROOT,
      modulesRoot: bundleDir,
      modules,
      bindings: { ...worker.bindings, ...options.vars, ...options.bindings },
      ...(direct ? { host: "127.0.0.1", port: 0, unsafeDirectSockets: [{ host, port }] } : { host, port }),
      ...https,
      cf: false,
      logRequests,
      log: new Log(logRequests ? LogLevel.INFO : LogLevel.WARN),
      telemetry: { enabled: false },
      // Profiling: PACKYARD_INSPECTOR_PORT=9229 opens workerd's inspector (Chrome DevTools protocol; the Worker is
      // the target "core:user:packyard"), which is how docs/benchmarks.md's per-request costs were found.
      ...(process.env.PACKYARD_INSPECTOR_PORT ? { inspectorPort: Number(process.env.PACKYARD_INSPECTOR_PORT) } : {}),
      resourcePersistencePath: path.join(persistTo, "v3"),
    }),
  );
  let url;
  try {
    const ready = await mf.ready;
    url = (direct ? await mf.unsafeGetDirectURL(readWorkerName(config)) : ready).href.replace(/\/$/, "");
  } catch (error) {
    await mf.dispose().catch(() => {});
    throw error;
  }
  let stopped = null;
  return { url, mf, persistTo, bundleDir, stop: () => (stopped ??= mf.dispose()) };
}

/** The Worker's name in wrangler.toml: Durable Objects persist under do/<name>-<class>, as wrangler dev keeps them. */
function readWorkerName(config) {
  const name = /^\s*name\s*=\s*"([^"]+)"/m.exec(readFileSync(config, "utf8"))?.[1];
  if (!name) throw new Error(`${config}: no top-level name`);
  return name;
}

const USAGE = `usage: npm start -- [--port N] [--ip ADDR] [--persist-to DIR] [--log] [--var NAME:VALUE]...
                    [--https | --https-key-path KEY.pem --https-cert-path CERT.pem] [--config wrangler.toml] [--bundle DIR]
  --port N          listen on 127.0.0.1:N (default 8787; 0 picks a free port)
  --persist-to DIR  local D1/R2/Durable Objects/Cache state (default .wrangler/state, shared with npm run dev)
  --log             one line per request (off by default)
  --var NAME:VALUE  override a var of wrangler.toml or .dev.vars (e.g. --var ADMIN_TOKEN:secret)
  --https…          serve HTTPS: Miniflare's self-signed certificate, or your key and certificate (PEM files)
  --bundle DIR      serve a bundle already made with \`wrangler deploy --dry-run --outdir DIR\` (default: build one)`;

/** Parses npm start's flags (wrangler dev's names). Unknown flags are an error, so typos do not pass silently. */
export function parseServeArgs(argv) {
  const options = { vars: {} };
  let keyPath;
  let certPath;
  for (let i = 0; i < argv.length; i++) {
    let [flag, value] = argv[i].includes("=") && argv[i].startsWith("--") ? [argv[i].slice(0, argv[i].indexOf("=")), argv[i].slice(argv[i].indexOf("=") + 1)] : [argv[i], undefined];
    const takeValue = () => {
      if (value !== undefined) return value;
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value\n${USAGE}`);
      value = argv[++i];
      return value;
    };
    switch (flag) {
      case "--port": {
        const port = Number(takeValue());
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port: ${value}`);
        options.port = port;
        break;
      }
      case "--ip":
        options.host = takeValue();
        break;
      case "--persist-to":
        options.persistTo = takeValue();
        break;
      case "--config":
        options.config = path.resolve(takeValue());
        break;
      case "--bundle":
        options.bundleDir = takeValue();
        break;
      case "--log":
        options.logRequests = true;
        break;
      case "--https":
        options.https = true;
        break;
      case "--local-protocol":
        if (takeValue() === "https") options.https = true;
        break;
      case "--https-key-path":
        keyPath = takeValue();
        break;
      case "--https-cert-path":
        certPath = takeValue();
        break;
      case "--var": {
        const pair = takeValue();
        const at = pair.indexOf(":");
        if (at < 1) throw new Error(`--var wants NAME:VALUE, got ${pair}`);
        options.vars[pair.slice(0, at)] = pair.slice(at + 1);
        break;
      }
      case "--help":
      case "-h":
        options.help = true;
        break;
      default:
        throw new Error(`unknown option ${argv[i]}\n${USAGE}`);
    }
  }
  if (Boolean(keyPath) !== Boolean(certPath)) throw new Error("--https-key-path and --https-cert-path go together");
  if (keyPath) options.https = { keyPath, certPath };
  return options;
}

/**
 * Runs until SIGINT/SIGTERM, then disposes of Miniflare (workerd stops) and exits 0; a second signal exits at once.
 * Under `npm start` it also stops when npm goes away (npm forwards SIGTERM to the script's shell, and a shell that
 * does not `exec` would leave this process running; package.json's script execs, this covers a killed npm).
 */
export function stopOnSignal(server) {
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    server.stop().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, stop);
  if (process.env.npm_lifecycle_event) {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent && !stopping) stop();
    }, 1000).unref();
  }
}

export { USAGE };
