// Scheduled cleanup: unreferenced blobs older than the grace period go (row first, then object);
// referenced and young ones stay; deleted packages leave their bytes to it.
import { NO_AUTHOR } from "../support/packages";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { putBlob } from "../../src/core/blobs";
import { removeUnreferencedBlobs } from "../../src/core/cleanup";
import { commitPackage } from "../../src/core/publish/client";
import { createDb } from "../../src/db/client";
import { blobs, packageFiles } from "../../src/db/schema";
import { createGroup, createProject } from "../support/api";
import { seedPackage } from "../support/packages";

const GRACE_MS = 60_000; // BLOB_GRACE_SECONDS in vitest.config.ts
const exists = async (id: string) => (await createDb(env.DB).select().from(blobs).where(eq(blobs.id, id)).get()) !== undefined && (await env.BLOBS.head(`blobs/${id}`)) !== null;

describe("scheduled cleanup", () => {
  it("removes an abandoned upload after the grace period, not before", async () => {
    const orphan = await putBlob(env, new Response("orphan").body, { contentLength: 6, maxBytes: 100 });
    await removeUnreferencedBlobs(env);
    expect(await exists(orphan.id)).toBe(true);
    await removeUnreferencedBlobs(env, Date.now() + GRACE_MS + 1000);
    expect(await exists(orphan.id)).toBe(false);
  });

  it("keeps blobs that package files reference and frees them once the package is deleted", async () => {
    const project = await createProject((await createGroup()).id);
    const pkg = await seedPackage(project.id, "generic", "kept", "1.0.0");
    const [file] = await createDb(env.DB).select().from(packageFiles).where(eq(packageFiles.packageId, pkg.packageId!)).limit(1);
    await removeUnreferencedBlobs(env, Date.now() + GRACE_MS + 1000);
    expect(await exists(file!.blobId)).toBe(true);
    await commitPackage(env, { projectId: project.id, packageType: "generic", name: "kept", normalizedName: "kept", ops: [{ kind: "remove_package", packageId: pkg.packageId! }], author: NO_AUTHOR });
    await removeUnreferencedBlobs(env, Date.now() + GRACE_MS + 1000);
    expect(await exists(file!.blobId)).toBe(false);
  });
});
