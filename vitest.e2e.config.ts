import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

// End-to-end tests: run in Node, start Packyard as `npm start` does (test/e2e/support/registry.ts) on loopback
// and drive the real clients. The Worker is bundled once per run (`wrangler deploy --dry-run`), here, and every
// server of the run serves that bundle (PACKYARD_E2E_BUNDLE).
// One throwaway certificate for 127.0.0.1 and localhost serves every HTTPS registry (Go sends credentials and
// Terraform talks only over HTTPS); test processes trust it through NODE_EXTRA_CA_CERTS, read at their start.
const runDir = mkdtempSync(path.join(tmpdir(), "packyard-e2e-run-"));
process.on("exit", () => rmSync(runDir, { recursive: true, force: true }));
const tlsKey = path.join(runDir, "key.pem");
const tlsCert = path.join(runDir, "cert.pem");
const made = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", tlsKey, "-out", tlsCert, "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], { encoding: "utf8" });
if (made.status !== 0) throw new Error(`openssl could not make the e2e certificate: ${made.stderr}`);

const root = import.meta.dirname;
const node = Number(process.versions.node.split(".")[0]) >= 22 ? process.execPath : path.join(root, "node_modules", ".bin", "node");
const bundleDir = path.join(runDir, "bundle");
const bundled = spawnSync(node, [path.join(root, "node_modules", "wrangler", "bin", "wrangler.js"), "deploy", "--dry-run", "--outdir", bundleDir], {
  cwd: root,
  encoding: "utf8",
  env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" },
});
if (bundled.status !== 0) throw new Error(`wrangler deploy --dry-run failed: ${bundled.stdout}${bundled.stderr}`);

export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    environment: "node",
    pool: "forks",
    // Two files at a time on the two cores CI has: each file starts its own servers on free loopback ports and
    // gives every client its own home, cache and config; the two Verdaccios install into separate folders.
    // 25 files took 466 s this way against 712 s one at a time (2026-11-28, this machine).
    maxWorkers: 2,
    testTimeout: 300_000,
    hookTimeout: 120_000,
    env: { PACKYARD_E2E_TLS_KEY: tlsKey, PACKYARD_E2E_TLS_CERT: tlsCert, NODE_EXTRA_CA_CERTS: tlsCert, PACKYARD_E2E_BUNDLE: bundleDir },
  },
});
