// Starts a real Packyard the way `npm start` does (scripts/start.mjs → scripts/serve.mjs: the bundled Worker
// served by Miniflare directly, migrations applied first), on a free loopback port and its own fresh local
// state, with request logging on for `logs()`. End-to-end tests point real clients at `registry.url`.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const START = path.join(ROOT, "scripts", "start.mjs");
/** wrangler needs Node 22+: use the node@24 devDependency's binary when the runner is older. */
export const NODE = Number(process.versions.node.split(".")[0]) >= 22 ? process.execPath : path.join(ROOT, "node_modules", ".bin", "node");
const ENV = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" };

export interface Registry {
  /** http://127.0.0.1:<port>, or https:// when started with `tls` */
  url: string;
  /** With `tls`: the self-signed certificate (PEM file) clients must trust (SSL_CERT_FILE, --cacert). */
  caFile?: string;
  host: string;
  port: number;
  adminToken: string;
  stateDir: string;
  /** The server's output: one line per request (`GET /path 200 OK (3ms)`), the Worker's console output. */
  logs: () => string;
  /** The workerd processes running the Worker (for memory checks). */
  runtimePids: () => number[];
  /** Stops the server; the state directory is removed unless `keepState` (to start again on it). */
  stop: (options?: { keepState?: boolean }) => Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

export interface StartOptions {
  /** Serve HTTPS with a throwaway certificate for 127.0.0.1 and localhost (Go sends credentials and Terraform talks only over HTTPS). */
  tls?: boolean;
  /** Start on this existing state directory (a restart) instead of a fresh one. */
  stateDir?: string;
  /** The admin token (a restart keeps the first start's). */
  adminToken?: string;
}

/** Child pids of `pid` whose command is workerd (Miniflare runs one workerd per server). */
function workerdChildren(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent === pid && readFileSync(`/proc/${entry}/comm`, "utf8").startsWith("workerd")) found.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return found;
}

export async function startRegistry(vars: Record<string, string> = {}, options: StartOptions = {}): Promise<Registry> {
  const stateDir = options.stateDir ?? mkdtempSync(path.join(tmpdir(), "packyard-e2e-"));
  const adminToken = options.adminToken ?? `e2e-admin-${Math.random().toString(36).slice(2)}`;
  const tlsArgs: string[] = [];
  const caFile = options.tls ? process.env.PACKYARD_E2E_TLS_CERT : undefined;
  if (options.tls) {
    const key = process.env.PACKYARD_E2E_TLS_KEY;
    if (!key || !caFile) throw new Error("tls needs the certificate vitest.e2e.config.ts makes (PACKYARD_E2E_TLS_KEY/CERT)");
    tlsArgs.push("--https-key-path", key, "--https-cert-path", caFile);
  }
  // vitest.e2e.config.ts bundles the Worker once per run; without it, start.mjs bundles it itself.
  const bundleArgs = process.env.PACKYARD_E2E_BUNDLE ? ["--bundle", process.env.PACKYARD_E2E_BUNDLE] : [];
  const port = await freePort();
  const varArgs = Object.entries({ ADMIN_TOKEN: adminToken, ...vars }).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const child: ChildProcess = spawn(NODE, [START, "--port", String(port), "--persist-to", stateDir, "--config", path.join(ROOT, "wrangler.toml"), "--log", ...bundleArgs, ...tlsArgs, ...varArgs], {
    cwd: ROOT,
    env: ENV,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `${options.tls ? "https" : "http"}://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start (scripts/start.mjs) exited: ${output}`);
    try {
      const res = await fetch(`${url}/api/v4/user`, { headers: { "PRIVATE-TOKEN": adminToken } });
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`scripts/start.mjs did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    host: `127.0.0.1:${port}`,
    port,
    adminToken,
    stateDir,
    caFile,
    logs: () => output,
    runtimePids: () => workerdChildren(child.pid!),
    stop: async (stopOptions = {}) => {
      await stopChild(child);
      if (!stopOptions.keepState) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** SIGTERM (start.mjs disposes of Miniflare and exits); the whole group is killed if it is still there after 10 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(child.pid!, "SIGTERM");
  } catch {
    return;
  }
  const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 10_000));
  if ((await Promise.race([exited, timer])) === "timeout") {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* gone */
    }
  }
}

/** Seeds through the management API, as an operator would with curl. */
export class Seeder {
  constructor(private readonly registry: Registry) {}

  async api<T = any>(method: string, apiPath: string, body?: unknown, token = this.registry.adminToken): Promise<T> {
    const res = await fetch(`${this.registry.url}/api/v4${apiPath}`, {
      method,
      headers: { "PRIVATE-TOKEN": token, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${apiPath} -> ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  async user(username: string) {
    const user = await this.api("POST", "/users", { username, name: username, password: "password123" });
    const pat = await this.api("POST", `/users/${user.id}/personal_access_tokens`, { name: "e2e", scopes: ["api"] });
    return { ...user, token: pat.token as string };
  }

  group(path: string, visibility = "private", parentId?: number) {
    return this.api("POST", "/groups", { name: path, path, visibility, parent_id: parentId });
  }

  project(namespaceId: number, path: string, visibility = "private", extra: Record<string, unknown> = {}) {
    return this.api("POST", "/projects", { name: path, path, namespace_id: namespaceId, visibility, ...extra });
  }

  member(kind: "projects" | "groups", id: number, userId: number, accessLevel: number) {
    return this.api("POST", `/${kind}/${id}/members`, { user_id: userId, access_level: accessLevel });
  }

  deployToken(kind: "projects" | "groups", id: number, scopes: string[]) {
    return this.api<{ id: number; token: string; username: string }>("POST", `/${kind}/${id}/deploy_tokens`, { name: "e2e", scopes });
  }
}
