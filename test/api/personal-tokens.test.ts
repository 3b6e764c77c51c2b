// Personal access tokens as GitLab's API has them (issue 13 item 4): get one, revoke the one in use, rotate
// by id and self (the old token stops at once, the new one has the same name and scopes; two rotations of one
// token cannot both succeed).
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, createPersonalToken, createUser, ok } from "../support/api";

const selfOf = (token: string) => ok(call("/api/v4/personal_access_tokens/self", { token }));

describe("personal access tokens", () => {
  it("shows one token to its owner and administrators only", async () => {
    const alice = await createUser();
    const bob = await createUser();
    const id = (await selfOf(alice.token)).id;
    expect((await ok(call(`/api/v4/personal_access_tokens/${id}`, { token: alice.token }))).user_id).toBe(alice.id);
    expect((await call(`/api/v4/personal_access_tokens/${id}`, { token: bob.token })).status).toBe(404);
    expect((await call(`/api/v4/personal_access_tokens/${id}`, { token: ADMIN_TOKEN })).status).toBe(200);
  });

  it("revokes the token a request carries with DELETE /personal_access_tokens/self", async () => {
    const user = await createUser();
    const spare = await createPersonalToken(user.id, ["api"]);
    expect((await call("/api/v4/personal_access_tokens/self", { method: "DELETE", token: spare })).status).toBe(204);
    expect((await call("/api/v4/user", { token: spare })).status).toBe(401);
    expect((await call("/api/v4/user", { token: user.token })).status).toBe(200);
  });

  it("rotates by id and self: a new token with the same name and scopes, the old one refused at once", async () => {
    const user = await createUser();
    const first = await createPersonalToken(user.id, ["api"], { name: "ci" });
    const firstId = (await selfOf(first)).id;
    const rotated = await ok(call(`/api/v4/personal_access_tokens/${firstId}/rotate`, { method: "POST", token: first, json: { expires_at: "2099-01-01" } }));
    expect(rotated).toMatchObject({ name: "ci", scopes: ["api"], active: true, revoked: false, expires_at: "2099-01-01" });
    expect(rotated.token).toMatch(/^glpat-/);
    expect((await call("/api/v4/user", { token: first })).status).toBe(401);
    const again = await ok(call("/api/v4/personal_access_tokens/self/rotate", { method: "POST", token: rotated.token }));
    expect(again.expires_at).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await call("/api/v4/user", { token: rotated.token })).status).toBe(401);
    expect((await call("/api/v4/user", { token: again.token })).status).toBe(200);
  });

  it("lets only one of two concurrent rotations of a token succeed", async () => {
    const user = await createUser();
    const token = await createPersonalToken(user.id, ["api"]);
    const id = (await selfOf(token)).id;
    const results = await Promise.all([1, 2].map(() => call(`/api/v4/personal_access_tokens/${id}/rotate`, { method: "POST", token: ADMIN_TOKEN })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    const list = await ok(call(`/api/v4/personal_access_tokens?user_id=${user.id}&per_page=100`, { token: ADMIN_TOKEN }));
    expect(list.filter((t: { active: boolean }) => t.active)).toHaveLength(2); // user.token from createUser and the one new token
  });
});
