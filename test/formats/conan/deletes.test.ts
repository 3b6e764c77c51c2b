// Conan deletes are decided inside the recipe's coordinator (src/formats/conan/planners.ts) against the files
// as they are then: the planner alone, then deletes racing uploads through the Worker.
import { describe, expect, it } from "vitest";
import { AppError } from "../../../src/core/errors";
import type { PackageState, PlannedFile } from "../../../src/core/publish/planners";
import { planDelete, type DeleteTarget } from "../../../src/formats/conan/planners";
import { addMember, call, createGroup, createProject, createUser, ok } from "../../support/api";

let nextId = 1;
const recipeFile = (rrev: string, fileName = "conanfile.py"): PlannedFile => ({ id: nextId++, fileName, metadata: { conan_file_type: "recipe_file", recipe_revision: rrev }, createdAt: new Date() });
const packageFile = (rrev: string, pkg: string, prev: string, fileName = "conan_package.tgz"): PlannedFile => ({
  id: nextId++,
  fileName,
  metadata: { conan_file_type: "package_file", recipe_revision: rrev, package_reference: pkg, package_revision: prev },
  createdAt: new Date(),
});
const stateOf = (files: PlannedFile[]): PackageState => ({ versions: [{ id: 1, version: "1.0", status: "default", metadata: {}, createdAt: new Date(), files }], tags: new Map() });
const plan = (files: PlannedFile[], target: DeleteTarget) => planDelete(stateOf(files), { version: "1.0", target });

describe("conan delete planner", () => {
  const files = [recipeFile("r1"), recipeFile("r1", "conanmanifest.txt"), packageFile("r1", "p1", "0"), packageFile("r1", "p2", "0"), recipeFile("r2"), packageFile("r2", "p1", "x")];
  const ids = (...picked: PlannedFile[]) => picked.map((f) => ({ kind: "remove_file", fileId: f.id }));

  it("removes exactly the files a target picks, or the version when nothing would be left", () => {
    expect(planDelete.readsFiles).toBe(true);
    expect(plan(files, { kind: "recipe" })).toEqual([{ kind: "remove_version", version: "1.0" }]);
    expect(plan(files, { kind: "recipe_revision", recipeRevision: "r2" })).toEqual(ids(files[4]!, files[5]!));
    expect(plan(files, { kind: "packages", recipeRevision: "r1" })).toEqual(ids(files[2]!, files[3]!));
    expect(plan(files, { kind: "packages", recipeRevision: "r1", packageReferences: ["p2"] })).toEqual(ids(files[3]!));
    expect(plan(files, { kind: "package_revision", recipeRevision: "r2", packageReference: "p1", packageRevision: "x" })).toEqual(ids(files[5]!));
    expect(plan(files.slice(0, 4), { kind: "recipe_revision", recipeRevision: "r1" })).toEqual([{ kind: "remove_version", version: "1.0" }]);
  });

  it("answers 404 when the version or the picked files are not there", () => {
    for (const target of [{ kind: "recipe_revision", recipeRevision: "r9" }, { kind: "packages", recipeRevision: "r2", packageReferences: ["p9"] }] as DeleteTarget[]) {
      expect(() => plan(files, target)).toThrow(AppError);
    }
    expect(() => planDelete({ versions: [], tags: new Map() }, { version: "1.0", target: { kind: "recipe" } })).toThrow("404");
  });
});

describe("conan deletes through the coordinator", () => {
  async function setup() {
    const group = await createGroup(undefined, { visibility: "private" });
    const project = await createProject(group.id, { visibility: "private" });
    const maintainer = await createUser();
    await addMember("projects", project.id, maintainer.id, 40);
    const v2 = `/api/v4/projects/${project.id}/packages/conan/v2/conans/race/1.0/_/_`;
    const put = (path: string, body: string) => call(`${v2}${path}`, { method: "PUT", body, token: maintainer.token });
    return { project, token: maintainer.token, v2, put, v1: `/api/v4/projects/${project.id}/packages/conan/v1` };
  }

  it("deleting the only recipe revision while another revision uploads keeps every file of the other", async () => {
    const { v2, put, token } = await setup();
    const [a, b] = ["a".repeat(32), "b".repeat(32)];
    for (let round = 0; round < 3; round++) {
      expect((await put(`/revisions/${a}/files/conanfile.py`, `a${round}`)).status).toBe(200);
      const uploads = ["p1", "p2", "p3", "p4", "p5", "p6"].map((pkg) => put(`/revisions/${b}/packages/${pkg}/revisions/0${round}/files/conan_package.tgz`, `${pkg}${round}`));
      const deleted = call(`${v2}/revisions/${a}`, { method: "DELETE", token });
      const statuses = await Promise.all([...uploads, deleted].map(async (r) => (await r).status));
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200]);
      for (const pkg of ["p1", "p2", "p3", "p4", "p5", "p6"]) {
        const listing = await ok(call(`${v2}/revisions/${b}/packages/${pkg}/revisions/0${round}/files`, { token }));
        expect(listing, `${pkg} round ${round}`).toEqual({ files: { "conan_package.tgz": {} } });
      }
      expect((await call(`${v2}/revisions/${a}/files`, { token })).status).toBe(404);
    }
  });

  it("v1 removes chosen binaries, then the recipe; v2 removes a revision's binaries", async () => {
    const { v1, v2, put, token } = await setup();
    const ref = "race/1.0/_/_";
    for (const pkg of ["p1", "p2"]) expect((await call(`${v1}/files/${ref}/0/package/${pkg}/0/conaninfo.txt`, { method: "PUT", body: "[settings]", token })).status).toBe(200);
    expect((await call(`${v1}/files/${ref}/0/export/conanfile.py`, { method: "PUT", body: "r", token })).status).toBe(200);
    await ok(call(`${v1}/conans/${ref}/packages/delete`, { method: "POST", json: { package_ids: ["p1"] }, token }));
    expect((await call(`${v1}/conans/${ref}/packages/p1`, { token })).status).toBe(404);
    expect((await call(`${v1}/conans/${ref}/packages/p2`, { token })).status).toBe(200);
    expect((await call(`${v1}/conans/${ref}/packages/delete`, { method: "POST", json: { package_ids: ["p1"] }, token })).status).toBe(404);
    expect(await ok(call(`${v1}/conans/${ref}`, { method: "DELETE", token }))).toMatchObject({ name: "race", version: "1.0", package_type: "conan" });
    expect((await call(`${v1}/conans/${ref}`, { token })).status).toBe(404);

    const rrev = "c".repeat(32);
    expect((await put(`/revisions/${rrev}/files/conanfile.py`, "r")).status).toBe(200);
    expect((await put(`/revisions/${rrev}/packages/p1/revisions/x/files/conaninfo.txt`, "i")).status).toBe(200);
    await ok(call(`${v2}/revisions/${rrev}/packages`, { method: "DELETE", token }));
    expect(await ok(call(`${v2}/revisions/${rrev}/search`, { token }))).toEqual({});
    expect((await call(`${v2}/revisions/${rrev}/files`, { token })).status).toBe(200);
    await ok(call(v2, { method: "DELETE", token }));
    expect((await call(`${v2}/revisions`, { token })).status).toBe(404);
  });
});
