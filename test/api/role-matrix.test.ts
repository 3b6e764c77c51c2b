// The HTTP permission matrix for member-role changes and visibility changes: every role (non-member, Guest …
// Owner, administrator) on a public project and a public group, each request with the status GitLab answers.
// The pure rules behind it: test/core/policy-matrix.test.ts ("member change matrix").
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser } from "../support/api";

const ROLES = ["non-member", "guest", "reporter", "developer", "maintainer", "owner", "admin"] as const;
type Role = (typeof ROLES)[number];
const LEVEL: Partial<Record<Role, number>> = { guest: 10, reporter: 20, developer: 30, maintainer: 40, owner: 50 };

/** Expected statuses in ROLES order. */
type Row = [string, (ctx: Ctx, role: Role) => Promise<Response>, number[]];

interface Ctx {
  kind: "projects" | "groups";
  id: number;
  token: Record<Role, string>;
  userId: Record<Role, number>;
  developer: number;
  owner: number;
}

const FORBIDDEN_BELOW = (allowed: Role[], ok: number) => ROLES.map((r) => (allowed.includes(r) ? ok : 403));

async function fresh() {
  return (await createUser()).id as number;
}

const member = (ctx: Ctx, role: Role, userId: number, json: unknown, method = "PUT") =>
  call(`/api/v4/${ctx.kind}/${ctx.id}/members${method === "POST" ? "" : `/${userId}`}`, { method, token: ctx.token[role], json });

const MEMBER_ROWS = (managers: Role[], adminOwnRow: number): Row[] => [
  ["adds a Reporter", async (ctx, role) => member(ctx, role, 0, { user_id: await fresh(), access_level: 20 }, "POST"), FORBIDDEN_BELOW(managers, 201)],
  ["grants the Owner role", async (ctx, role) => member(ctx, role, 0, { user_id: await fresh(), access_level: 50 }, "POST"), FORBIDDEN_BELOW(["owner", "admin"], 201)],
  ["changes a Developer's role", (ctx, role) => member(ctx, role, ctx.developer, { access_level: 30 }), FORBIDDEN_BELOW(managers, 200)],
  ["changes an Owner's role", (ctx, role) => member(ctx, role, ctx.owner, { access_level: 50 }), FORBIDDEN_BELOW(["owner", "admin"], 200)],
  // The administrator created the group (so is its Owner member) but has no membership of the project (404).
  ["raises their own role to Owner", (ctx, role) => member(ctx, role, ctx.userId[role], { access_level: 50 }), [403, 403, 403, 403, 403, 200, adminOwnRow]],
  ["removes an Owner", async (ctx, role) => {
    const target = await fresh();
    await addMember(ctx.kind, ctx.id, target, 50);
    return call(`/api/v4/${ctx.kind}/${ctx.id}/members/${target}`, { method: "DELETE", token: ctx.token[role] });
  }, FORBIDDEN_BELOW(["owner", "admin"], 204)],
];

const settings = (ctx: Ctx, role: Role, json: unknown) => call(`/api/v4/${ctx.kind}/${ctx.id}`, { method: "PUT", token: ctx.token[role], json });

const PROJECT_ROWS: Row[] = [
  ...MEMBER_ROWS(["maintainer", "owner", "admin"], 404),
  ["changes the visibility", (ctx, role) => settings(ctx, role, { visibility: "public" }), FORBIDDEN_BELOW(["owner", "admin"], 200)],
  ["changes the other settings", (ctx, role) => settings(ctx, role, { package_registry_access_level: "enabled" }), FORBIDDEN_BELOW(["maintainer", "owner", "admin"], 200)],
];

const GROUP_ROWS: Row[] = [
  ...MEMBER_ROWS(["owner", "admin"], 200),
  ["changes the visibility", (ctx, role) => settings(ctx, role, { visibility: "public" }), FORBIDDEN_BELOW(["owner", "admin"], 200)],
  ["changes the other settings", (ctx, role) => settings(ctx, role, { description: "d" }), FORBIDDEN_BELOW(["maintainer", "owner", "admin"], 200)],
];

async function context(kind: "projects" | "groups"): Promise<Ctx> {
  const group = await createGroup(undefined, { visibility: "public" });
  const id = kind === "groups" ? group.id : (await createProject(group.id, { visibility: "public" })).id;
  const token = { admin: ADMIN_TOKEN } as Record<Role, string>;
  const userId = { admin: 1 } as Record<Role, number>;
  for (const role of ROLES.filter((r) => r !== "admin")) {
    const user = await createUser();
    token[role] = user.token;
    userId[role] = user.id;
    const level = LEVEL[role];
    if (level) await addMember(kind, id, user.id, level);
  }
  const developer = await fresh();
  const owner = await fresh();
  await addMember(kind, id, developer, 30);
  await addMember(kind, id, owner, 50);
  return { kind, id, token, userId, developer, owner };
}

for (const [kind, rows] of [["projects", PROJECT_ROWS], ["groups", GROUP_ROWS]] as const) {
  describe(`role matrix on a public ${kind === "projects" ? "project" : "group"}`, () => {
    let ctx: Ctx;
    beforeAll(async () => {
      ctx = await context(kind);
    });
    for (const [name, request, want] of rows) {
      it(`who ${name}: ${ROLES.map((r, i) => `${r} ${want[i]}`).join(", ")}`, async () => {
        const got: number[] = [];
        for (const role of ROLES) got.push((await request(ctx, role)).status);
        expect(Object.fromEntries(ROLES.map((r, i) => [r, got[i]]))).toEqual(Object.fromEntries(ROLES.map((r, i) => [r, want[i]])));
      });
    }
  });
}
