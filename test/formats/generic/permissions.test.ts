// The Generic permission matrix: every token kind against private, public and "allow anyone to
// pull" projects, for upload (PUT), download (GET) and starting a chunked upload (POST …/uploads).
import { beforeAll, describe, expect, it } from "vitest";
import { addMember, basic, createDeployToken, createGroup, createJobToken, createPersonalToken, createProject, createUser, ok } from "../../support/api";
import { call, genericPath, putText, sha256Hex } from "./support";

type Credential = Record<string, string> | null;
interface Fixture {
  project: { id: number };
  headers: Record<string, Credential>;
}

async function fixture(projectExtra: Record<string, unknown>): Promise<Fixture> {
  const group = await createGroup(undefined, { visibility: "public" });
  const project = await createProject(group.id, projectExtra);
  const other = await createProject(group.id, { visibility: "private" });
  const [developer, reporter, guest, stranger] = await Promise.all([createUser(), createUser(), createUser(), createUser()]);
  await addMember("projects", project.id, developer.id, 30);
  await addMember("projects", project.id, reporter.id, 20);
  await addMember("projects", project.id, guest.id, 10);
  await addMember("projects", other.id, developer.id, 30);
  const readApi = await createPersonalToken(developer.id, ["read_api"]);
  const deployRead = await createDeployToken("projects", project.id, ["read_package_registry"]);
  const deployWrite = await createDeployToken("projects", project.id, ["write_package_registry"]);
  const deployOther = await createDeployToken("projects", other.id, ["write_package_registry"]);
  const groupDeploy = await createDeployToken("groups", group.id, ["write_package_registry"]);
  const job = await createJobToken(project.id, developer.token);
  const otherJob = await createJobToken(other.id, developer.token);
  // Seed the file every download row reads.
  await ok(putText(genericPath(project.id, "tool", "1.0.0", "seed.bin"), "seed", { token: developer.token }), 201);
  return {
    project,
    headers: {
      anonymous: null,
      developer_pat: { "PRIVATE-TOKEN": developer.token },
      developer_basic: { authorization: basic(developer.username, developer.token) },
      developer_read_api: { "PRIVATE-TOKEN": readApi },
      reporter_pat: { "PRIVATE-TOKEN": reporter.token },
      guest_pat: { "PRIVATE-TOKEN": guest.token },
      stranger_pat: { "PRIVATE-TOKEN": stranger.token },
      deploy_read: { "DEPLOY-TOKEN": deployRead.token },
      deploy_write: { "DEPLOY-TOKEN": deployWrite.token },
      deploy_write_basic: { authorization: basic(deployWrite.username, deployWrite.token) },
      deploy_other_project: { "DEPLOY-TOKEN": deployOther.token },
      group_deploy_write: { "DEPLOY-TOKEN": groupDeploy.token },
      job_token: { "JOB-TOKEN": job.token },
      job_token_basic: { authorization: basic("gitlab-ci-token", job.token) },
      job_token_other_project: { "JOB-TOKEN": otherJob.token },
    },
  };
}

// [actor, upload, download] per project kind.
const PRIVATE: [string, number, number][] = [
  ["anonymous", 401, 401],
  ["developer_pat", 201, 200],
  ["developer_basic", 201, 200],
  ["developer_read_api", 403, 200],
  ["reporter_pat", 403, 200],
  ["guest_pat", 403, 403],
  ["stranger_pat", 404, 404],
  ["deploy_read", 403, 200],
  ["deploy_write", 201, 200],
  ["deploy_write_basic", 201, 200],
  ["deploy_other_project", 404, 404],
  ["group_deploy_write", 201, 200],
  ["job_token", 201, 200],
  ["job_token_basic", 201, 200],
  ["job_token_other_project", 404, 404],
];
const PUBLIC: [string, number, number][] = PRIVATE.map(([actor, up, down]) => {
  if (actor === "anonymous") return [actor, 401, 200];
  if (actor === "stranger_pat" || actor === "guest_pat" || actor === "job_token_other_project") return [actor, 403, 200];
  if (actor === "deploy_other_project") return [actor, 403, 200];
  return [actor, up, down];
});
const ANYONE_MAY_PULL: [string, number, number][] = PRIVATE.map(([actor, up, down]) => {
  if (actor === "anonymous") return [actor, 401, 200];
  if (actor === "guest_pat") return [actor, 403, 200];
  return [actor, up, down === 404 ? 200 : down];
});

function matrix(label: string, projectExtra: Record<string, unknown>, rows: [string, number, number][]) {
  describe(`generic permissions: ${label}`, () => {
    let fx: Fixture;
    beforeAll(async () => {
      fx = await fixture(projectExtra);
    });
    for (const [actor, upload, download] of rows) {
      it(`${actor}: upload ${upload}, download ${download}, chunked start ${upload}`, async () => {
        const headers = fx.headers[actor] ?? {};
        const file = `${actor}.bin`;
        const up = await putText(genericPath(fx.project.id, "tool", "1.0.0", file), actor, { headers });
        expect(up.status).toBe(upload);
        const down = await call(genericPath(fx.project.id, "tool", "1.0.0", "seed.bin"), { headers });
        expect(down.status).toBe(download);
        if (download === 200) expect(new TextDecoder().decode(await down.arrayBuffer())).toBe("seed");
        const start = await call(`${genericPath(fx.project.id, "tool", "1.0.0", `chunked-${file}`)}/uploads`, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify({ size: 10, sha256: await sha256Hex("0123456789") }),
        });
        expect(start.status).toBe(upload);
      });
    }
  });
}

matrix("private project", { visibility: "private" }, PRIVATE);
matrix("public project", { visibility: "public" }, PUBLIC);
matrix('private project with package_registry_access_level "public"', { visibility: "private", package_registry_access_level: "public" }, ANYONE_MAY_PULL);

describe("generic permissions: registry disabled", () => {
  it("answers 403 to members and 401 to anonymous callers", async () => {
    const fx = await fixture({ visibility: "private" });
    await ok(call(`/api/v4/projects/${fx.project.id}`, { method: "PUT", token: "test-admin-token", json: { package_registry_access_level: "disabled" } }));
    const path = genericPath(fx.project.id, "tool", "1.0.0", "seed.bin");
    expect((await putText(path, "x", { headers: fx.headers.developer_pat! })).status).toBe(403);
    expect((await call(path, { headers: fx.headers.developer_pat! })).status).toBe(403);
    expect((await call(path)).status).toBe(401);
  });
});
