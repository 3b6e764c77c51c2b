// Sign-in with username and password, the session cookie's attributes, sign-out, CSRF on the sign-in
// form, and that the session cookie means nothing to /api/v4 (API clients keep token semantics).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, createUser, ok } from "../support/api";
import { browser, csrfTokenIn, signIn, textOf } from "./support";
import { createDb } from "../../src/db/client";
import { webSessions } from "../../src/db/schema";
import { tokenDigest } from "../../src/core/auth/secrets";
import { eq } from "drizzle-orm";

describe("sign-in", () => {
  it("signs in with the right password, sets an HttpOnly SameSite=Lax cookie and returns to the page asked for", async () => {
    const user = await createUser();
    const b = browser();
    const form = await b.get("/users/sign_in?return_to=%2Fgroups%2Fx%2F-%2Fpackages");
    expect(form.status).toBe(200);
    expect(form.html).toMatch(/<label for="username">Username<\/label>/);
    expect(form.html).toMatch(/<label for="password">Password<\/label>/);
    const res = await b.post("/users/sign_in?return_to=%2Fgroups%2Fx%2F-%2Fpackages", { authenticity_token: csrfTokenIn(form.html), username: user.username.toUpperCase(), password: "password123" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/groups/x/-/packages");
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("packyard_session="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/Secure/); // packyard.test is not localhost
    const value = cookie.split(";")[0]!.split("=")[1]!;
    const row = await createDb(env.DB).select().from(webSessions).where(eq(webSessions.id, await tokenDigest(value))).get();
    expect(row?.userId).toBe(user.id);
    expect(textOf((await b.get("/")).html)).toContain(`Signed in as ${user.username}`);
  });

  it("omits Secure on localhost, where development runs on plain http", async () => {
    const user = await createUser();
    const { exports } = await import("cloudflare:workers");
    const fetchWorker = (request: Request): Promise<Response> => (exports as any).default.fetch(request);
    const form = await fetchWorker(new Request("http://localhost:8787/users/sign_in"));
    const csrfCookie = form.headers.getSetCookie()[0]!.split(";")[0]!;
    const token = csrfTokenIn(await form.text());
    const res = await fetchWorker(
      new Request("http://localhost:8787/users/sign_in", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
        body: new URLSearchParams({ authenticity_token: token, username: user.username, password: "password123" }),
        redirect: "manual",
      }),
    );
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("packyard_session="))!;
    expect(cookie).not.toMatch(/Secure/);
    expect(cookie).toMatch(/HttpOnly/);
  });

  it("refuses a wrong password, an unknown user, a blocked user and a user without a password with the same message", async () => {
    const user = await createUser();
    const blocked = await createUser();
    await ok(call(`/api/v4/users/${blocked.id}/block`, { method: "POST", token: ADMIN_TOKEN }), 201);
    const noPassword = await ok(call("/api/v4/users", { method: "POST", token: ADMIN_TOKEN, json: { username: `nopw-${Date.now()}`, name: "No password" } }), 201);
    for (const [username, password] of [
      [user.username, "wrong-password"],
      ["nobody-here", "password123"],
      [blocked.username, "password123"],
      [noPassword.username, ""],
    ]) {
      const b = browser();
      const form = await b.get("/users/sign_in");
      const res = await b.post("/users/sign_in", { authenticity_token: csrfTokenIn(form.html), username, password });
      expect(res.status).toBe(401);
      expect(textOf(await res.text())).toContain("Invalid username or password.");
      expect(res.headers.getSetCookie().some((c) => c.startsWith("packyard_session="))).toBe(false);
    }
  });

  it("refuses a sign-in form without its CSRF cookie and token, or posted from another site", async () => {
    const user = await createUser();
    const stranger = browser();
    expect((await stranger.post("/users/sign_in", { username: user.username, password: "password123" })).status).toBe(403);
    const b = browser();
    const token = csrfTokenIn((await b.get("/users/sign_in")).html);
    expect((await browser().post("/users/sign_in", { authenticity_token: token, username: user.username, password: "password123" })).status).toBe(403);
    expect((await b.post("/users/sign_in", { authenticity_token: token, username: user.username, password: "password123" }, { origin: "https://evil.example" })).status).toBe(403);
    expect((await b.post("/users/sign_in", { authenticity_token: token, username: user.username, password: "password123" }, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await b.post("/users/sign_in", { authenticity_token: token, username: user.username, password: "password123" })).status).toBe(303);
  });

  it("never follows a return_to that leaves the site", async () => {
    const user = await createUser();
    const b = browser();
    const form = await b.get("/users/sign_in");
    for (const returnTo of ["%2F%2Fevil.example%2F", "/%09/evil.example", "/%0a/evil.example", "/%5C/evil.example"]) {
      const res = await b.post(`/users/sign_in?return_to=${returnTo}`, { authenticity_token: csrfTokenIn(form.html), username: user.username, password: "password123" });
      expect(res.headers.get("location"), returnTo).toBe("/");
    }
  });

  it("signs out: the session row is deleted, the cookie cleared, and the old cookie no longer works", async () => {
    const user = await createUser();
    const b = await signIn(user.username);
    const oldCookie = `packyard_session=${b.cookies.get("packyard_session")}`;
    const home = await b.get("/");
    expect((await b.post("/users/sign_out", {})).status).toBe(403); // CSRF token required
    const res = await b.post("/users/sign_out", { authenticity_token: csrfTokenIn(home.html) });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
    expect(res.headers.getSetCookie().find((c) => c.startsWith("packyard_session="))).toMatch(/Max-Age=0/);
    const replay = await call("/", { headers: { cookie: oldCookie } });
    expect(textOf(await replay.text())).not.toContain("Signed in as");
  });

  it("treats an expired session as anonymous", async () => {
    const user = await createUser();
    const b = await signIn(user.username);
    const id = await tokenDigest(b.cookies.get("packyard_session")!);
    await createDb(env.DB).update(webSessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(webSessions.id, id)).run();
    expect(textOf((await b.get("/")).html)).not.toContain("Signed in as");
  });

  it("sends a nonce-based Content-Security-Policy and no-store on every page", async () => {
    const page = await browser().get("/users/sign_in");
    const csp = page.res.headers.get("content-security-policy")!;
    const nonce = csp.match(/script-src 'nonce-([^']+)'/)![1];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(page.html).toContain(`<script nonce="${nonce}">`);
    expect(page.html).toContain(`<style nonce="${nonce}">`);
    expect(page.res.headers.get("cache-control")).toBe("private, no-store");
    expect(page.res.headers.get("x-frame-options")).toBe("DENY");
  });

  it("ignores the session cookie on /api/v4: the API keeps token semantics", async () => {
    const user = await createUser();
    const b = await signIn(user.username);
    const cookie = `packyard_session=${b.cookies.get("packyard_session")}`;
    expect((await call("/api/v4/user", { headers: { cookie } })).status).toBe(401);
    expect((await call("/api/v4/user", { headers: { cookie }, token: user.token })).status).toBe(200);
  });
});

describe("sign-in throttling (issue 11, finding 7)", () => {
  async function attempt(username: string, password: string, address?: string) {
    const b = browser();
    const form = await b.get("/users/sign_in");
    return b.post("/users/sign_in", { authenticity_token: csrfTokenIn(form.html), username, password }, address ? { "cf-connecting-ip": address } : {});
  }

  it("locks an account after 10 failures with 429 and Retry-After, even for the right password, and leaves others alone", async () => {
    const user = await createUser();
    const other = await createUser();
    for (let i = 0; i < 10; i++) expect((await attempt(user.username, "wrong password")).status).toBe(401);
    const locked = await attempt(user.username.toUpperCase(), "password123");
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await locked.text()).toContain("Too many failed sign-in attempts");
    expect((await attempt(other.username, "password123")).status).toBe(303);
  });

  it("limits one client address across accounts, and clears an account's count on success", async () => {
    const address = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const user = await createUser();
    for (let i = 0; i < 9; i++) await attempt(user.username, "wrong password", "203.0.113.9");
    expect((await attempt(user.username, "password123", "203.0.113.9")).status).toBe(303);
    expect((await attempt(user.username, "wrong password", "203.0.113.9")).status).toBe(401); // the count started again
    for (let i = 0; i < 50; i++) await attempt(`nobody-${i}-${address}`, "x", address);
    expect((await attempt(user.username, "password123", address)).status).toBe(429);
    expect((await attempt(user.username, "password123", "192.0.2.1")).status).toBe(303);
  });

  it("refuses a form larger than 64 KiB with 413 before parsing it", async () => {
    const b = browser();
    const form = await b.get("/users/sign_in");
    const res = await b.post("/users/sign_in", { authenticity_token: csrfTokenIn(form.html), username: "x", password: "p".repeat(70 * 1024) });
    expect(res.status).toBe(413);
  });
});
