import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

// End-to-end tests: run in Node, start `wrangler dev` on loopback and drive the real clients.
// One throwaway certificate for 127.0.0.1 and localhost serves every HTTPS registry (Go sends credentials and
// Terraform talks only over HTTPS); test processes trust it through NODE_EXTRA_CA_CERTS, read at their start.
const tlsDir = mkdtempSync(path.join(tmpdir(), "packyard-e2e-tls-"));
const tlsKey = path.join(tlsDir, "key.pem");
const tlsCert = path.join(tlsDir, "cert.pem");
const made = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", tlsKey, "-out", tlsCert, "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], { encoding: "utf8" });
if (made.status !== 0) throw new Error(`openssl could not make the e2e certificate: ${made.stderr}`);

export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    environment: "node",
    pool: "forks",
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
    env: { PACKYARD_E2E_TLS_KEY: tlsKey, PACKYARD_E2E_TLS_CERT: tlsCert, NODE_EXTRA_CA_CERTS: tlsCert },
  },
});
