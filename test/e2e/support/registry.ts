// Starts a real Packyard with `wrangler dev` on a free loopback port, on its own fresh local state, and
// seeds tenants through the management API. End-to-end tests point real clients at `registry.url`.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const WRANGLER = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
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
  logs: () => string;
  stop: () => Promise<void>;
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
}

export async function startRegistry(vars: Record<string, string> = {}, options: StartOptions = {}): Promise<Registry> {
  const stateDir = mkdtempSync(path.join(tmpdir(), "packyard-e2e-"));
  const adminToken = `e2e-admin-${Math.random().toString(36).slice(2)}`;
  const tlsArgs: string[] = [];
  const caFile = options.tls ? process.env.PACKYARD_E2E_TLS_CERT : undefined;
  if (options.tls) {
    const key = process.env.PACKYARD_E2E_TLS_KEY;
    if (!key || !caFile) throw new Error("tls needs the certificate vitest.e2e.config.ts makes (PACKYARD_E2E_TLS_KEY/CERT)");
    tlsArgs.push("--local-protocol", "https", "--https-key-path", key, "--https-cert-path", caFile);
  }
  const migrate = spawnSync(NODE, [WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], { cwd: ROOT, env: ENV, encoding: "utf8" });
  if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stdout}${migrate.stderr}`);
  const port = await freePort();
  const varArgs = Object.entries({ ADMIN_TOKEN: adminToken, ...vars }).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const child: ChildProcess = spawn(NODE, [WRANGLER, "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", stateDir, "--inspector-port", String(await freePort()), ...tlsArgs, ...varArgs], {
    cwd: ROOT,
    env: ENV,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `${options.tls ? "https" : "http"}://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited: ${output}`);
    try {
      const res = await fetch(`${url}/api/v4/user`, { headers: { "PRIVATE-TOKEN": adminToken } });
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`wrangler dev did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    host: `127.0.0.1:${port}`,
    port,
    adminToken,
    stateDir,
    caFile,
    logs: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        try {
          process.kill(-child.pid!, "SIGTERM");
        } catch {
          /* already gone */
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
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
