// The HTTPS harness that clients which send credentials only over TLS (Go) or speak only TLS (Terraform)
// run against: `startRegistry({}, { tls: true })` serves wrangler dev with the certificate vitest.e2e.config.ts
// makes, which this process trusts (NODE_EXTRA_CA_CERTS) and clients are given as `caFile` (SSL_CERT_FILE).
import { expect, it } from "vitest";
import { Seeder, startRegistry } from "./support/registry";

it("serves the registry over HTTPS with a certificate the tests trust", async () => {
  const registry = await startRegistry({}, { tls: true });
  try {
    expect(registry.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(registry.caFile).toBeTruthy();
    const group = await new Seeder(registry).group("tls-group", "public");
    const res = await fetch(`${registry.url}/api/v4/groups/${group.id}`);
    expect(res.status).toBe(200);
  } finally {
    await registry.stop();
  }
});
