// The package rows a route declares (PackageReads) answer the registry's reads only when they cover them:
// a one-name read from every name's rows returns that name's rows only; a file by sha256 only with the same
// digest and file name; names, tags and several names likewise. Anything else is its own round trip.
// Counted with the instrumented D1 of test/support/counting-d1.ts on a Registry made as app.ts makes one.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ANONYMOUS } from "../../src/core/auth/actor";
import { Registry } from "../../src/core/registry";
import { ADMIN_TOKEN, call, createGroup, createProject, unique } from "../support/api";
import { countingD1 } from "../support/counting-d1";
import { publish as npmPublish, projectPrefix } from "../formats/npm/support";

const hex = async (text: string) => [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)))].map((b) => b.toString(16).padStart(2, "0")).join("");

async function seed() {
  const group = await createGroup(unique("reads").toLowerCase());
  const project = await createProject(group.id, { visibility: "public" });
  for (const [name, version] of [["alpha", "1.0.0"], ["alpha", "1.1.0"], ["beta", "2.0.0"]] as const) {
    const res = await call(`/api/v4/projects/${project.id}/packages/generic/${name}/${version}/${name}.txt`, { method: "PUT", body: `${name} ${version}`, token: ADMIN_TOKEN });
    expect(res.status).toBe(201);
  }
  return { group, project };
}

function registryOver() {
  const counted = countingD1(env.DB);
  return { registry: new Registry({ ...env, DB: counted.d1 } as never, ANONYMOUS, counted.d1), count: counted.count };
}

describe("declared reads", () => {
  it("answer reads they cover without D1, and only with what the read asks for", async () => {
    const { project } = await seed();
    const { registry, count } = registryOver();
    const scope = await registry.readScope({ kind: "project", ref: String(project.id) }, { packageType: "generic" });
    expect(count.total).toBe(1);
    expect((await registry.versions(scope, "generic", "alpha")).map((r) => r.version).sort()).toEqual(["1.0.0", "1.1.0"]);
    expect((await registry.versions(scope, "generic", "beta", { version: "2.0.0" })).map((r) => r.name)).toEqual(["beta"]);
    expect((await registry.allVersions(scope, "generic")).length).toBe(3);
    expect((await registry.packageNames(scope, "generic")).map((n) => n.name)).toEqual(["alpha", "beta"]);
    expect(count.total).toBe(1);
    // Another type is not covered.
    expect(await registry.versions(scope, "npm", "alpha")).toEqual([]);
    expect(count.total).toBe(2);
  });

  it("a file by sha256 answers only the same digest and file name", async () => {
    const { project } = await seed();
    const digest = await hex("beta 2.0.0");
    const { registry, count } = registryOver();
    const scope = await registry.readScope({ kind: "project", ref: String(project.id) }, { packageType: "generic", fileSha256: digest.toUpperCase(), fileName: "beta.txt" });
    const found = await registry.fileBySha256(scope, "generic", digest, "beta.txt");
    expect([found?.file.fileName, found?.pkg.name, count.total]).toEqual(["beta.txt", "beta", 1]);
    expect(await registry.fileBySha256(scope, "generic", digest, "other.txt")).toBeNull();
    expect(count.total).toBe(2);
  });

  it("several names answer each of them; names only answer packageNames", async () => {
    const { project } = await seed();
    const { registry, count } = registryOver();
    const scope = await registry.readScope({ kind: "project", ref: String(project.id) }, [
      { packageType: "generic", names: ["alpha", "nothing"] },
      { packageType: "generic", namesOnly: true },
    ]);
    expect((await registry.versions(scope, "generic", "alpha")).length).toBe(2);
    expect(await registry.versions(scope, "generic", "nothing")).toEqual([]);
    expect((await registry.packageNames(scope, "generic")).map((n) => n.name)).toEqual(["alpha", "beta"]);
    expect(count.total).toBe(1);
    expect((await registry.versions(scope, "generic", "beta")).length).toBe(1);
    expect(count.total).toBe(2);
  });

  it("tags of every name answer each name with its own tags", async () => {
    const group = await createGroup(unique("tags").toLowerCase());
    const project = await createProject(group.id, { visibility: "public" });
    for (const [name, version] of [["one", "1.0.0"], ["two", "2.0.0"]] as const) {
      expect((await npmPublish(projectPrefix(project.id), `@${group.path}/${name}`, version, ADMIN_TOKEN)).response.status).toBe(200);
    }
    const { registry, count } = registryOver();
    const scope = await registry.readScope({ kind: "project", ref: String(project.id) }, { packageType: "npm", tags: true });
    const one = await registry.tags(scope, "npm", `@${group.path}/one`);
    const two = await registry.tags(scope, "npm", `@${group.path}/two`);
    expect([one.map((t) => t.tag), two.map((t) => t.tag), count.total]).toEqual([["latest"], ["latest"], 1]);
    expect(one[0]!.packageId).not.toBe(two[0]!.packageId);
  });
});
