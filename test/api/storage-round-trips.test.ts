// D1 round trips of the storage routes, pinned (docs/storage.md "Costs"): each is the authorisation's one batch
// plus what the route says it reads, whatever the project holds.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser, ok } from "../support/api";
import { fetchCounted } from "../support/counting-d1";
import { seedPackage } from "../support/packages";

describe("storage routes' round trips", () => {
  it("cost the authorisation plus one read each", async () => {
    const group = await createGroup();
    const project = await createProject(group.id);
    const maintainer = await createUser();
    await addMember("projects", project.id, maintainer.id, 40);
    for (let i = 0; i < 5; i++) await seedPackage(project.id, "generic", "n", `1.${i}`);
    await ok(call(`/api/v4/projects/${project.id}/packages/cleanup_policy`, { method: "PUT", token: ADMIN_TOKEN, json: { rules: [{ package_type: "generic", keep_n_latest: 2 }] } }));
    const token = maintainer.token;
    const base = `/api/v4/projects/${project.id}`;
    const cost = async (path: string) => {
      const r = await fetchCounted(path, { token });
      expect(r.status).toBe(200);
      return r.roundTrips.total;
    };
    await cost(base);
    const costs = { plain: await cost(base), policy: await cost(`${base}/packages/cleanup_policy`), preview: await cost(`${base}/packages/cleanup_policy/preview`), storage: await cost(`${base}/storage`), statistics: await cost(`${base}?statistics=true`) };
    // The plain project read is the reference (the authorisation); each storage route adds its one read.
    expect(costs).toEqual({ plain: costs.plain, policy: costs.plain + 1, preview: costs.plain + 1, storage: costs.plain + 1, statistics: costs.plain + 1 });
  });
});
