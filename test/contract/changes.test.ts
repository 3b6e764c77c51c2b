// The contract suite's changes (issue 11): every format answers the next request by the roles, visibility
// and tokens as they are now. A demoted or removed member, a project its Owner made private (a Maintainer may
// not, src/core/accounts/projects.ts), a revoked deploy token or CI job token: each counts at once, in every
// format, whatever the edge cache held. The table entries are contract.test.ts's (formats/*.ts).
import { beforeAll, describe, expect, it } from "vitest";
import { addMember, call, createDeployToken, createGroup, createJobToken, createProject, createUser, ok, unique } from "../support/api";
import { publish } from "./checks";
import { drain, fileFor, get, nextVersion } from "./support";
import { CONTRACT_FORMATS } from "./formats";
import type { ContractFormat, Credential, Level } from "./types";

const FORMATS = CONTRACT_FORMATS;

type User = Awaited<ReturnType<typeof createUser>>;
const personal = (user: User): Credential => ({ kind: "personal", token: user.token, username: user.username });

let owner: User;
let maintainer: User;
beforeAll(async () => {
  [owner, maintainer] = await Promise.all([createUser(), createUser()]);
});

/** A project in its own group, with an Owner and a Maintainer (project members). */
async function tenant(visibility: "public" | "private") {
  const group = await createGroup(unique("contract-changes"), { visibility });
  const project = await createProject(group.id, { visibility });
  await addMember("projects", project.id, owner.id, 50);
  await addMember("projects", project.id, maintainer.id, 40);
  return { group, project };
}

const levels = (format: ContractFormat, t: Awaited<ReturnType<typeof tenant>>): Level[] => [
  { kind: "project", id: t.project.id },
  ...(format.groupLevel ? [{ kind: "group", id: t.group.id } as const] : []),
];

for (const format of FORMATS) {
  describe(`${format.packageType} contract: changes count at once`, () => {
    const upload = async (projectId: number, base: string, credential: Credential) => {
      const v = format.packageVersion(base, nextVersion());
      return format.upload(projectId, v, await fileFor(format, v, base), format.credentials(credential));
    };

    it("a member demoted to Reporter no longer uploads, and a removed member no longer reads", async () => {
      const t = await tenant("private");
      const member = await createUser();
      await addMember("projects", t.project.id, member.id, 30);
      const published = await publish(format, t.project.id, personal(member));
      const path = format.downloadPath({ kind: "project", id: t.project.id }, published.v, published.digests.sha256);
      await ok(call(`/api/v4/projects/${t.project.id}/members/${member.id}`, { method: "PUT", token: maintainer.token, json: { access_level: 20 } }));
      expect((await upload(t.project.id, published.base, personal(member))).status).toBe(403);
      expect((await get(path, format.credentials(personal(member)))).status).toBe(200);
      expect((await call(`/api/v4/projects/${t.project.id}/members/${member.id}`, { method: "DELETE", token: maintainer.token })).status).toBe(204);
      expect((await get(path, format.credentials(personal(member)))).status).toBe(404);
    });

    it("a project its Owner makes private is closed to anonymous readers at once, cached or not; its Maintainer cannot", async () => {
      const t = await tenant("public");
      const published = await publish(format, t.project.id, personal(maintainer));
      const paths = levels(format, t).map((level) => format.downloadPath(level, published.v, published.digests.sha256));
      for (const path of paths) for (let i = 0; i < 2; i++) expect((await drain(await get(path))).byteLength, path).toBeGreaterThan(0);
      const settings = (token: string) => call(`/api/v4/projects/${t.project.id}`, { method: "PUT", token, json: { visibility: "private" } });
      expect((await settings(maintainer.token)).status).toBe(403);
      for (const path of paths) expect((await get(path)).status, path).toBe(200);
      expect((await ok(settings(owner.token))).visibility).toBe("private");
      for (const path of paths) {
        const res = await get(path);
        expect([401, 404], path).toContain(res.status);
        expect(res.headers.get("x-packyard-cache"), path).not.toBe("HIT");
      }
    });

    it("a revoked deploy token and a revoked CI job token stop uploading and reading on the next request", async () => {
      const t = await tenant("private");
      const developer = await createUser();
      await addMember("projects", t.project.id, developer.id, 30);
      const deploy = await createDeployToken("projects", t.project.id, ["write_package_registry"]);
      const job = await createJobToken(t.project.id, developer.token);
      const tokens: Credential[] = [
        { kind: "deploy", token: deploy.token, username: deploy.username },
        { kind: "job", token: job.token, username: "gitlab-ci-token" },
      ];
      const published = await publish(format, t.project.id, personal(developer));
      const path = format.downloadPath({ kind: "project", id: t.project.id }, published.v, published.digests.sha256);
      for (const credential of tokens) {
        expect((await upload(t.project.id, published.base, credential)).status, credential.kind).toBe(format.uploaded);
        expect((await get(path, format.credentials(credential))).status, credential.kind).toBe(200);
      }
      const [jobRow] = await ok(call(`/api/v4/projects/${t.project.id}/job_tokens`, { token: maintainer.token }));
      expect((await call(`/api/v4/projects/${t.project.id}/deploy_tokens/${deploy.id}`, { method: "DELETE", token: maintainer.token })).status).toBe(204);
      expect((await call(`/api/v4/projects/${t.project.id}/job_tokens/${jobRow.id}`, { method: "DELETE", token: maintainer.token })).status).toBe(204);
      for (const credential of tokens) {
        const refused = await upload(t.project.id, published.base, credential);
        expect(refused.status, credential.kind).toBe(401);
        expect(refused.headers.get("www-authenticate"), credential.kind).toBe(format.challenge(true));
        expect((await get(path, format.credentials(credential))).status, credential.kind).toBe(401);
      }
    });
  });
}
