import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runInDurableObject } from "cloudflare:test";
import { putBlob, type StoredBlob } from "../../src/core/blobs";
import type { PublishCoordinator } from "../../src/core/publish/coordinator";
import { coordinatorName } from "../../src/core/publish/types";
import { commitPackage } from "../../src/core/publish/client";
import { createDb } from "../../src/db/client";
import { blobs, packageFiles, packages } from "../../src/db/schema";
import { eq } from "drizzle-orm";
import { createGroup, createProject } from "../support/api";
import { NO_AUTHOR } from "../support/packages";

const bytes = (text: string) => new Response(text).body!;

async function storeText(text: string) {
  return putBlob(env, bytes(text), { contentLength: new TextEncoder().encode(text).byteLength, maxBytes: 1024 * 1024, digests: ["md5", "sha1", "sha512"] });
}

describe("publish coordinator", () => {
  it("keeps every one of 20 concurrent publishes of different versions of one package", async () => {
    const project = await createProject((await createGroup()).id);
    const versions = Array.from({ length: 20 }, (_, i) => `1.0.${i}`);
    const results = await Promise.all(
      versions.map(async (version) => {
        const blob = await storeText(`tarball ${version}`);
        return commitPackage(env, {
          projectId: project.id,
          packageType: "npm",
          name: "concurrent",
          normalizedName: "concurrent",
          ops: [{ kind: "publish", version, files: [{ blob, fileName: `concurrent-${version}.tgz` }], duplicates: { kind: "reject_version" }, tags: ["latest"] }],
          author: NO_AUTHOR,
        });
      }),
    );
    expect(results.every((r) => r.ok && r.fileIds.length === 1)).toBe(true);
    const rows = await createDb(env.DB).select().from(packages).where(eq(packages.projectId, project.id)).all();
    expect(rows.map((r) => r.version).sort()).toEqual([...versions].sort());
  });

  it("lets exactly one of two concurrent publishes of the same version win, and discards the loser's blob", async () => {
    const project = await createProject((await createGroup()).id);
    const attempt = async (text: string) => {
      const blob = await storeText(text);
      return commitPackage(env, {
        projectId: project.id,
        packageType: "npm",
        name: "race",
        normalizedName: "race",
        ops: [{ kind: "publish", version: "1.0.0", files: [{ blob, fileName: "race-1.0.0.tgz" }], duplicates: { kind: "reject_version" } }], author: NO_AUTHOR,
      }).then(
        (r) => ({ ok: true as const, blobId: blob.id, r }),
        (e) => ({ ok: false as const, blobId: blob.id, code: e.code }),
      );
    };
    const outcomes = await Promise.all([attempt("one"), attempt("two")]);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    const loser = outcomes.find((o) => !o.ok)!;
    expect(loser).toMatchObject({ code: "package_exists" });
    const db = createDb(env.DB);
    const files = await db.select().from(packageFiles).innerJoin(packages, eq(packages.id, packageFiles.packageId)).where(eq(packages.projectId, project.id)).all();
    expect(files).toHaveLength(1);
    expect(await db.select().from(blobs).where(eq(blobs.id, loser.blobId)).get()).toBeUndefined();
    expect(await env.BLOBS.head(`blobs/${loser.blobId}`)).toBeNull();
  });

  it("adds files to an existing version when duplicates are allowed and refuses by group setting", async () => {
    const group = await createGroup();
    const project = await createProject(group.id);
    const publish = async (fileName: string) =>
      commitPackage(env, {
        projectId: project.id,
        packageType: "generic",
        name: "tool",
        normalizedName: "tool",
        ops: [{ kind: "publish", version: "1.0.0", files: [{ blob: await storeText(fileName), fileName }], duplicates: { kind: "setting", setting: "generic", perFile: true } }], author: NO_AUTHOR,
      });
    await publish("a.bin");
    await publish("a.bin");
    const { call, ADMIN_TOKEN } = await import("../support/api");
    const res = await call(`/api/v4/groups/${group.id}`, { method: "PUT", token: ADMIN_TOKEN, json: { package_settings: { generic_duplicates_allowed: false } } });
    expect(res.status).toBe(200);
    await expect(publish("a.bin")).rejects.toMatchObject({ code: "duplicate_not_allowed" });
    await publish("b.bin"); // a new file name is not a duplicate
  });
});

describe("publish coordinator timeouts", () => {
  it("keeps the blobs of a commit that outlives the timeout, and runs the next commit only after it", async () => {
    const project = await createProject((await createGroup()).id);
    const target = { projectId: project.id, packageType: "generic", name: "slow", normalizedName: "slow" };
    const stub = env.PUBLISH_COORDINATOR.getByName(coordinatorName(project.id, "generic", "slow"));
    await runInDurableObject(stub, (instance: PublishCoordinator) => {
      instance.holdNextCommitMs = 800;
      instance.timeoutOverrideMs = 150;
    });
    const late = await storeText("late bytes");
    const publish = (blob: StoredBlob, fileName: string) =>
      commitPackage(env, { ...target, ops: [{ kind: "publish", version: "1.0.0", files: [{ blob, fileName }], duplicates: { kind: "allow" } }], author: NO_AUTHOR });

    // The caller gives up after the timeout; the commit itself goes on and lands later.
    await expect(publish(late, "late.bin")).rejects.toMatchObject({ code: "internal" });
    expect(await env.BLOBS.head(`blobs/${late.id}`)).not.toBeNull();
    await runInDurableObject(stub, (instance: PublishCoordinator) => {
      instance.timeoutOverrideMs = 0;
    });

    // The next commit of the package waits for the late one: it sees its row, and the two never overlap.
    const next = await storeText("next bytes");
    await publish(next, "next.bin");
    const db = createDb(env.DB);
    const files = await db.select().from(packageFiles).innerJoin(packages, eq(packages.id, packageFiles.packageId)).where(eq(packages.projectId, project.id)).all();
    expect(files.map((f) => f.package_files.fileName).sort()).toEqual(["late.bin", "next.bin"]);
    // No row points at a missing object.
    for (const f of files) expect(await env.BLOBS.head(`blobs/${f.package_files.blobId}`), f.package_files.fileName).not.toBeNull();
    const maxRunning = await runInDurableObject(stub, (instance: PublishCoordinator) => instance.maxRunning);
    expect(maxRunning).toBe(1);
  });
});
