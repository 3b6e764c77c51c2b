// The core's account writes (src/core/accounts): multi-row creations are one atomic D1 batch, counted
// with the pages' statement counter; "already taken" comes from the unique indexes and leaves no rows.
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { deployTokens, members, namespaces, projects, users } from "../../src/db/schema";
import { addMember, createDeployToken, createGroup, createProject, createUser, removeMember, updateGroup, updateMember, updateProject } from "../../src/core/accounts";
import { countingD1 } from "../../src/ui/query-counter";
import { AppError } from "../../src/core/errors";
import { ADMIN_TOKEN, call, ok, unique } from "../support/api";

const db = createDb(env.DB);

function counted() {
  const counter = countingD1(env.DB);
  return { db: createDb(counter.d1), statements: counter.count, roundTrips: counter.roundTrips };
}

const userNamed = (username: string) => db.select().from(users).where(sql`lower(${users.username}) = lower(${username})`).all();
const namespaceAt = (path: string) => db.select().from(namespaces).where(sql`lower(${namespaces.fullPath}) = lower(${path})`).all();

async function refusal(work: Promise<unknown>): Promise<AppError> {
  const error = await work.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("creating a user", () => {
  it("writes the user and their personal namespace in one round trip", async () => {
    const username = unique("solo");
    const c = counted();
    const user = await createUser(c.db, { username, name: "Solo", email: null, password: "password123", isAdmin: false });
    expect(c.roundTrips()).toBe(1);
    expect(c.statements()).toBe(3);
    const [ns] = await namespaceAt(username);
    expect(ns).toMatchObject({ kind: "user", path: username, ownerId: user.id, traversalIds: String(ns!.id) });
    expect(user.passwordHash).toMatch(/^pbkdf2-sha256\$/);
  });

  it("leaves no user row when the namespace insert fails later in the batch (path taken by a group)", async () => {
    const path = unique("taken");
    await ok(call("/api/v4/groups", { method: "POST", token: ADMIN_TOKEN, json: { name: path, path } }), 201);
    const error = await refusal(createUser(db, { username: path, name: "x", email: null, isAdmin: false }));
    expect(error).toMatchObject({ code: "conflict", message: "Username has already been taken" });
    expect(await userNamed(path)).toEqual([]);
    expect((await namespaceAt(path)).map((n) => n.kind)).toEqual(["group"]);
  });

  it("answers the API's 409 for a duplicate username in another case, and adds no namespace", async () => {
    const username = unique("dup");
    await ok(call("/api/v4/users", { method: "POST", token: ADMIN_TOKEN, json: { username, name: username } }), 201);
    const res = await call("/api/v4/users", { method: "POST", token: ADMIN_TOKEN, json: { username: username.toUpperCase(), name: "again" } });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ message: "Username has already been taken" });
    expect(await namespaceAt(username)).toHaveLength(1);
  });
});

describe("creating a group", () => {
  it("writes the group, its traversal ids and its Owner in one round trip", async () => {
    const creator = await createUser(db, { username: unique("owner"), name: "o", email: null, isAdmin: false });
    const parent = await createGroup(db, { name: "p", path: unique("parent"), parent: null, visibility: "public", description: "" }, creator.id);
    const c = counted();
    const child = await createGroup(c.db, { name: "c", path: "child", parent, visibility: "private", description: "" }, creator.id);
    expect(c.roundTrips()).toBe(1);
    expect(child).toMatchObject({ fullPath: `${parent.fullPath}/child`, parentId: parent.id, traversalIds: `${parent.id}/${child.id}` });
    const owners = await db.select().from(members).where(eq(members.sourceId, child.id)).all();
    expect(owners).toMatchObject([{ sourceType: "Namespace", userId: creator.id, accessLevel: 50 }]);
  });

  it("refuses a taken path with GitLab's 400 and writes no membership", async () => {
    const creator = await createUser(db, { username: unique("owner"), name: "o", email: null, isAdmin: false });
    const path = unique("twice");
    await createGroup(db, { name: path, path, parent: null, visibility: "public", description: "" }, creator.id);
    const error = await refusal(createGroup(db, { name: path, path: path.toUpperCase(), parent: null, visibility: "public", description: "" }, creator.id));
    expect(error.code).toBe("bad_request");
    const [group] = await namespaceAt(path);
    expect(await db.select().from(members).where(eq(members.sourceId, group!.id)).all()).toHaveLength(1);
  });
});

describe("projects, members and deploy tokens", () => {
  async function project() {
    const creator = await createUser(db, { username: unique("maker"), name: "m", email: null, isAdmin: false });
    const group = await createGroup(db, { name: "g", path: unique("g"), parent: null, visibility: "public", description: "" }, creator.id);
    const row = await createProject(db, group, { name: "p", path: "p", visibility: "private", description: "", registryAccessLevel: "enabled" }, creator.id);
    return { creator, group, project: row };
  }

  it("bumps the packages revision on a settings change and leaves it to Maintainers", async () => {
    const { project: p } = await project();
    expect((await refusal(updateProject(db, p, { registryAccessLevel: "public" }, 30))).code).toBe("forbidden");
    const updated = await updateProject(db, p, { registryAccessLevel: "public" }, 40);
    expect(updated).toMatchObject({ packageRegistryAccessLevel: "public", packagesRevision: p.packagesRevision + 1 });
    expect(await updateProject(db, updated, {}, 40)).toBe(updated);
  });

  it("refuses a second project at the same path, whatever the case", async () => {
    const { creator, group } = await project();
    const error = await refusal(createProject(db, group, { name: "P", path: "P", visibility: "private", description: "", registryAccessLevel: "enabled" }, creator.id));
    expect(error).toMatchObject({ code: "bad_request", message: '400 Bad request - {"path":["has already been taken"]}' });
    expect(await db.select().from(projects).where(eq(projects.namespaceId, group.id)).all()).toHaveLength(1);
  });

  it("adds, changes and removes members; a project's Owner role is granted by Owners only", async () => {
    const { project: p } = await project();
    const source = { sourceType: "Project" as const, id: p.id };
    const user = await createUser(db, { username: unique("member"), name: "m", email: null, isAdmin: false });
    const maintainer = { userId: -1, role: 40 };
    expect((await refusal(addMember(db, source, user.id, { accessLevel: 50, expiresAt: null }, maintainer))).code).toBe("forbidden");
    await addMember(db, source, user.id, { accessLevel: 30, expiresAt: null }, maintainer);
    expect((await refusal(addMember(db, source, user.id, { accessLevel: 20, expiresAt: null }, maintainer))).message).toBe("Member already exists");
    expect(await updateMember(db, source, user.id, { accessLevel: 40, expiresAt: "2999-01-01" }, maintainer)).toMatchObject({ accessLevel: 40, expiresAt: "2999-01-01" });
    await removeMember(db, source, user.id, maintainer);
    expect((await refusal(removeMember(db, source, user.id, maintainer))).code).toBe("not_found");
  });

  it("creates a deploy token with GitLab's default username in one round trip", async () => {
    const { project: p } = await project();
    const c = counted();
    const { row, token } = await createDeployToken(c.db, { projectId: p.id }, { name: "ci", username: null, scopes: ["read_package_registry"], expiresAt: null }, 40);
    expect(c.roundTrips()).toBe(1);
    expect(token).toMatch(/^gldt-/);
    expect(row).toMatchObject({ projectId: p.id, username: `gitlab+deploy-token-${row.id}` });
    const named = await createDeployToken(db, { projectId: p.id }, { name: "ci", username: "robot", scopes: ["read_package_registry"], expiresAt: null }, 40);
    expect((await db.select().from(deployTokens).where(eq(deployTokens.id, named.row.id)).get())?.username).toBe("robot");
  });
});

// The rules of issue 11 are decided before each write and re-checked inside it: a decision made on a state
// that changed meanwhile (another request, a stale row) cannot break them.
describe("rules re-checked inside the write", () => {
  const newUser = (prefix: string) => createUser(db, { username: unique(prefix), name: prefix, email: null, isAdmin: false });

  it("keeps one Owner when two Owners demote each other at the same time", async () => {
    const [a, b] = await Promise.all([newUser("owner-a"), newUser("owner-b")]);
    const group = await createGroup(db, { name: "g", path: unique("pair"), parent: null, visibility: "private", description: "" }, a.id);
    const source = { sourceType: "Namespace" as const, id: group.id };
    await addMember(db, source, b.id, { accessLevel: 50, expiresAt: null }, { userId: a.id, role: 50 });
    const results = await Promise.allSettled([
      updateMember(db, source, a.id, { accessLevel: 40, expiresAt: null }, { userId: b.id, role: 50 }),
      updateMember(db, source, b.id, { accessLevel: 40, expiresAt: null }, { userId: a.id, role: 50 }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const owners = await db.select().from(members).where(sql`${members.sourceType} = 'Namespace' AND ${members.sourceId} = ${group.id} AND ${members.accessLevel} = 50`).all();
    expect(owners).toHaveLength(1);
  });

  it("refuses a subgroup against its parent's visibility in the database, not the row the caller loaded", async () => {
    const creator = await newUser("maker");
    const parent = await createGroup(db, { name: "p", path: unique("stale"), parent: null, visibility: "public", description: "" }, creator.id);
    await updateGroup(db, parent, { visibility: "private" }, 50);
    const error = await refusal(createGroup(db, { name: "c", path: "child", parent, visibility: "public", description: "" }, creator.id));
    expect(error.message).toBe('400 Bad request - Failed to save group {:visibility_level=>["public is not allowed since the parent group has a private visibility."]}');
    expect(await namespaceAt(`${parent.fullPath}/child`)).toEqual([]);
    // and a project created from the stale row gets the group's current visibility
    const project = await createProject(db, parent, { name: "p", path: "p", visibility: "public", description: "", registryAccessLevel: "enabled" }, creator.id);
    expect(project.visibility).toBe("private");
  });

  it("refuses to lower a group below a project that became more visible after the group was loaded", async () => {
    const creator = await newUser("maker");
    const group = await createGroup(db, { name: "g", path: unique("race"), parent: null, visibility: "public", description: "" }, creator.id);
    const project = await createProject(db, group, { name: "p", path: "p", visibility: "private", description: "", registryAccessLevel: "enabled" }, creator.id);
    await updateProject(db, project, { visibility: "public" }, 50);
    const error = await refusal(updateGroup(db, group, { visibility: "private" }, 50));
    expect(error.message).toBe('400 Bad request - {"visibility_level":["private is not allowed since this group contains projects with higher visibility."]}');
  });
});
