// Deletes from the Packages API and the pages commit through the same coordinator as the format's own
// writes: npm's is keyed by the top-level namespace, so a delete queues behind a publish of the same name.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { PublishCoordinator } from "../../src/core/publish/coordinator";
import { coordinatorName } from "../../src/core/publish/types";
import { ADMIN_TOKEN, call, createGroup, createProject, ok } from "../support/api";
import { escaped, projectPrefix, publishBody } from "../formats/npm/support";

describe("package deletes through the Packages API", () => {
  it("go to npm's top-level-namespace coordinator for npm packages", async () => {
    const group = await createGroup();
    const project = await createProject(group.id);
    const name = `@${group.path}/doomed`;
    const { body } = await publishBody(name, "1.0.0");
    await ok(call(`${projectPrefix(project.id)}/${escaped(name)}`, { method: "PUT", token: ADMIN_TOKEN, body, headers: { "content-type": "application/json" } }));
    const stub = env.PUBLISH_COORDINATOR.getByName(coordinatorName(project.id, "npm", name, `root-namespace:${group.id}`));
    const before = await runInDurableObject(stub, (instance: PublishCoordinator) => instance.commitsRun);
    expect(before).toBe(1);
    const [pkg] = await ok(call(`/api/v4/projects/${project.id}/packages?package_type=npm`, { token: ADMIN_TOKEN }));
    expect((await call(`/api/v4/projects/${project.id}/packages/${pkg.id}`, { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(204);
    expect(await runInDurableObject(stub, (instance: PublishCoordinator) => instance.commitsRun)).toBe(2);
  });
});
