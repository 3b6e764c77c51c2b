// The edge cache: anonymous pulls of pullable packages hit; credentials never touch it; a revision change misses.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../src/env";
import { withEdgeCache } from "../../src/http/edge-cache";

function appWith(scope: { anonymousPullable: boolean; revision: () => string }, builds: { count: number }) {
  const app = new Hono<AppEnv>();
  app.get("/doc", (c) =>
    withEdgeCache(c, { anonymousPullable: scope.anonymousPullable, revisions: [scope.revision()] }, async () => {
      builds.count++;
      return new Response(`doc ${scope.revision()} for ${c.req.header("accept") ?? "*"}`, { headers: { "Cache-Control": "no-cache", "content-type": "text/plain" } });
    }),
  );
  return async (headers: Record<string, string> = {}, path = "/doc", origin = "http://cache.test") => {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`${origin}${path}`, { headers }), env, ctx);
    const body = await res.text();
    await waitOnExecutionContext(ctx);
    return { status: res.headers.get("x-packyard-cache"), body, cacheControl: res.headers.get("cache-control") };
  };
}

describe("edge cache", () => {
  it("keys on scheme and host, since documents embed absolute URLs", async () => {
    const builds = { count: 0 };
    const get = appWith({ anonymousPullable: true, revision: () => "p9r1" }, builds);
    expect((await get({}, "/doc", "http://one.test")).status).toBe("MISS");
    expect((await get({}, "/doc", "http://one.test")).status).toBe("HIT");
    expect((await get({}, "/doc", "https://one.test")).status).toBe("MISS");
    expect((await get({}, "/doc", "http://two.test")).status).toBe("MISS");
    expect(builds.count).toBe(3);
  });


  it("serves the second anonymous request from the cache with the client's own Cache-Control", async () => {
    const builds = { count: 0 };
    const get = appWith({ anonymousPullable: true, revision: () => "p1r1" }, builds);
    expect((await get()).status).toBe("MISS");
    const hit = await get();
    expect(hit).toMatchObject({ status: "HIT", body: "doc p1r1 for *", cacheControl: "no-cache" });
    expect(builds.count).toBe(1);
  });

  it("never stores or serves cached responses for requests with credentials", async () => {
    const builds = { count: 0 };
    let revision = "p2r1";
    const get = appWith({ anonymousPullable: true, revision: () => revision }, builds);
    for (const headers of [{ authorization: "Bearer x" }, { "private-token": "x" }, { "job-token": "x" }, { "x-nuget-apikey": "x" }] as Record<string, string>[]) {
      const res = await get(headers);
      expect(res.status).toBe("BYPASS");
      expect(res.cacheControl).toContain("private");
    }
    expect((await get({}, "/doc?token=abc")).status).toBe("BYPASS");
    expect(builds.count).toBe(5);
    revision = "p2r1";
    expect((await get()).status).toBe("MISS"); // nothing was stored by the credentialed requests
  });

  it("misses after the revision changes, so a publish is visible at once", async () => {
    const builds = { count: 0 };
    let revision = "p3r1";
    const get = appWith({ anonymousPullable: true, revision: () => revision }, builds);
    await get();
    expect((await get()).status).toBe("HIT");
    revision = "p3r2";
    const after = await get();
    expect(after).toMatchObject({ status: "MISS", body: "doc p3r2 for *" });
  });

  it("keeps variants apart by the headers the response varies on", async () => {
    const get = appWith({ anonymousPullable: true, revision: () => "p4r1" }, { count: 0 });
    await get({ accept: "application/json" });
    const html = await get({ accept: "text/html" });
    expect(html).toMatchObject({ status: "MISS", body: "doc p4r1 for text/html" });
    expect((await get({ accept: "application/json" })).body).toBe("doc p4r1 for application/json");
  });

  it("bypasses the cache for packages that not everyone may pull", async () => {
    const builds = { count: 0 };
    const get = appWith({ anonymousPullable: false, revision: () => "p5r1" }, builds);
    expect((await get()).status).toBe("BYPASS");
    expect((await get()).status).toBe("BYPASS");
    expect(builds.count).toBe(2);
  });
});
