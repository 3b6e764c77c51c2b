// The issuers' key cache (src/core/ci/jwks.ts) over time, with its clock and fetch given (the keys come from a
// simulated issuer): kept for KEEP_MS, refetched after; an unknown kid refetches at most once per FORCED_REFETCH_MS.
import { describe, expect, it } from "vitest";
import { FORCED_REFETCH_MS, JwksCache, KEEP_MS } from "../../src/core/ci/jwks";
import { TestIssuer } from "./support/issuer";

function cacheFor(issuer: TestIssuer) {
  let now = 1_000_000;
  const cache = new JwksCache(
    async (url) => {
      issuer.fetches.push(url);
      return issuer.answer(url) ?? new Response("nope", { status: 404 });
    },
    () => now,
  );
  return { cache, advance: (ms: number) => (now += ms) };
}

describe("JwksCache", () => {
  it("keeps keys, refetches when old, and bounds refetches for unknown kids", async () => {
    const issuer = await TestIssuer.create("ES256");
    const { cache, advance } = cacheFor(issuer);
    const first = issuer.key.kid;
    expect((await cache.keysFor(issuer.url, null, first)).map((k) => k.kid)).toEqual([first]);
    expect(issuer.jwksFetches()).toBe(1);
    advance(KEEP_MS - 1);
    await cache.keysFor(issuer.url, null, first);
    expect(issuer.jwksFetches()).toBe(1);
    // Unknown kid: one forced refetch, then none until FORCED_REFETCH_MS passed.
    expect(await cache.keysFor(issuer.url, null, "ghost")).toEqual([]);
    expect(issuer.jwksFetches()).toBe(2);
    for (let i = 0; i < 5; i++) expect(await cache.keysFor(issuer.url, null, `ghost-${i}`)).toEqual([]);
    expect(issuer.jwksFetches()).toBe(2);
    const rotated = await issuer.rotate("RS256");
    advance(FORCED_REFETCH_MS - 1);
    expect(await cache.keysFor(issuer.url, null, rotated.kid)).toEqual([]);
    advance(1);
    expect((await cache.keysFor(issuer.url, null, rotated.kid)).map((k) => k.kid)).toEqual([rotated.kid]);
    expect(issuer.jwksFetches()).toBe(3);
    // Old after KEEP_MS: refetched even for a known kid.
    advance(KEEP_MS);
    await cache.keysFor(issuer.url, null, rotated.kid);
    expect(issuer.jwksFetches()).toBe(4);
  });

  it("refuses a discovery document naming another issuer", async () => {
    const issuer = await TestIssuer.create();
    issuer.answer = (url) => (url.endsWith("openid-configuration") ? Response.json({ issuer: "https://impostor.test", jwks_uri: `${issuer.url}/jwks` }) : null);
    const { cache } = cacheFor(issuer);
    await expect(cache.keysFor(issuer.url, null, "k")).rejects.toThrow(/names another issuer/);
  });
});
