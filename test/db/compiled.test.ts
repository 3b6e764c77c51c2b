// Compiled statements (src/db/compiled.ts): built once per variant and isolate, bound per use, and answering
// exactly what the same statement built by drizzle on every use answers, alone and inside one batch.
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb, inIds } from "../../src/db/client";
import { compiledBuilds, compiledFamily, slot } from "../../src/db/compiled";
import { users } from "../../src/db/schema";
import { addMember, createGroup, createProject, createUser, unique } from "../support/api";
import { fetchCounted } from "../support/counting-d1";
import { escaped, groupPrefix, INSTALL_ACCEPT, INSTANCE_PREFIX, projectPrefix, publish } from "../formats/npm/support";

describe("compiled statements", () => {
  it("build once per variant and bind each use's values, answering what drizzle's own statement answers", async () => {
    const db = createDb(env.DB);
    const [a, b] = [await createUser(), await createUser()];
    let builds = 0;
    const byId = compiledFamily((d) => {
      builds++;
      return [d.select().from(users).where(eq(users.id, slot("id")))] as const;
    });
    for (const user of [a, b, a]) {
      const [compiledRows] = await db.batch(byId(db, "one", { id: user.id }));
      const plainRows = await db.select().from(users).where(eq(users.id, user.id)).all();
      expect(compiledRows).toEqual(plainRows);
      expect(compiledRows.map((u) => u.username)).toEqual([user.username]);
      // Columns keep drizzle's mapping (a timestamp column is a Date).
      expect(compiledRows[0]!.createdAt).toBeInstanceOf(Date);
    }
    expect(builds).toBe(1);
    // A use runs alone too.
    expect((await byId(db, "one", { id: b.id })[0].all()).map((u) => u.username)).toEqual([b.username]);
    expect(builds).toBe(1);
  });

  it("keep each variant's own statements, side by side with uncompiled ones in one batch", async () => {
    const db = createDb(env.DB);
    const [a, b] = [await createUser(), await createUser()];
    const family = compiledFamily((d, variant) =>
      variant === "byName"
        ? ([d.select({ id: users.id }).from(users).where(sql`${users.username} = ${slot("name")}`)] as const)
        : ([d.select({ id: users.id }).from(users).where(inIds(users.id, slot("ids")))] as const),
    );
    const [byName, byIds, plain] = await db.batch([
      family(db, "byName", { name: b.username })[0],
      family(db, "byIds", { ids: JSON.stringify([a.id, b.id]) })[0],
      db.select({ id: users.id }).from(users).where(eq(users.id, a.id)),
    ]);
    expect(byName).toEqual([{ id: b.id }]);
    expect(byIds.map((r) => r.id).sort((x, y) => x - y)).toEqual([a.id, b.id].sort((x, y) => x - y));
    expect(plain).toEqual([{ id: a.id }]);
  });

  it("refuse a use that leaves a placeholder without a value", async () => {
    const db = createDb(env.DB);
    const family = compiledFamily((d) => [d.select().from(users).where(eq(users.id, slot("id")))] as const);
    await expect(db.batch(family(db, "one", {}))).rejects.toThrow(/No value for placeholder "id"/);
  });
});

describe("compiled reads", () => {
  it("an authenticated packument or tarball of another project, name or user builds no SQL once one of its kind was served", async () => {
    const reads = async () => {
      const group = await createGroup(unique("cr").toLowerCase());
      const project = await createProject(group.id, { visibility: "private" });
      const developer = await createUser();
      await addMember("projects", project.id, developer.id, 30);
      const name = `@${group.path}/${unique("lib").toLowerCase()}`;
      expect((await publish(projectPrefix(project.id), name, "1.0.0", developer.token)).response.status).toBe(200);
      const before = compiledBuilds();
      for (const prefix of [projectPrefix(project.id), groupPrefix(group.id), projectPrefix(encodeURIComponent(project.path_with_namespace)), INSTANCE_PREFIX]) {
        const headers = { authorization: `Bearer ${developer.token}` };
        const packument = await fetchCounted(`${prefix}/${escaped(name)}`, { headers: { ...headers, accept: INSTALL_ACCEPT } });
        expect(packument.status).toBe(200);
        expect((await fetchCounted(`${prefix}/${name}/-/${name}-1.0.0.tgz`, { headers })).status).toBe(200);
      }
      return compiledBuilds() - before;
    };
    expect(await reads()).toBeGreaterThan(0);
    expect(await reads()).toBe(0);
  });
});
