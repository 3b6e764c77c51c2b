import { describe, expect, it } from "vitest";
import { addMember, basic, call, createDeployToken, createGroup, createPersonalToken, createProject, createUser } from "../../support/api";
import { get, projectBase, put } from "./helpers";

const CHALLENGE = 'Basic realm="GitLab Packages Registry"';

async function setup(visibility = "private") {
  const group = await createGroup();
  const project = await createProject(group.id, { visibility });
  const developer = await createUser();
  await addMember("projects", project.id, developer.id, 30);
  const base = projectBase(project.id);
  await put(`${base}/com/acme/hello/1.0.0/hello-1.0.0.jar`, "jar", { token: developer.token });
  return { group, project, developer, base, jar: `${base}/com/acme/hello/1.0.0/hello-1.0.0.jar` };
}

describe("maven credentials", () => {
  it("challenges anonymous reads of a private project with 401 and the GitLab Packages Registry realm", async () => {
    const { jar, base } = await setup();
    for (const url of [jar, `${jar}.sha1`, `${base}/com/acme/hello/maven-metadata.xml`]) {
      const res = await get(url);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe(CHALLENGE);
    }
    const head = await get(jar, {}, "HEAD");
    expect(head.status).toBe(401);
    expect(head.headers.get("www-authenticate")).toBe(CHALLENGE);
  });

  it("challenges anonymous uploads even to a public project, before reading the body", async () => {
    const { base } = await setup("public");
    const res = await put(`${base}/com/acme/hello/1.0.1/hello-1.0.1.jar`, "x");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(CHALLENGE);
    expect(await res.json()).toEqual({ message: "401 Unauthorized" });
  });

  it("accepts Private-Token, Deploy-Token, Job-Token headers and Basic with any of them as the password", async () => {
    const { group, project, developer, jar } = await setup();
    const deploy = await createDeployToken("projects", project.id, ["read_package_registry"]);
    const groupDeploy = await createDeployToken("groups", group.id, ["read_package_registry", "write_package_registry"]);
    const job = (await (await call(`/api/v4/projects/${project.id}/job_tokens`, { method: "POST", token: developer.token, json: { ref: "main", sha: "abc" } })).json()) as { token: string };
    const ways: Record<string, string>[] = [
      { "Private-Token": developer.token },
      { "Deploy-Token": deploy.token },
      { "Deploy-Token": groupDeploy.token },
      { "Job-Token": job.token },
      { Authorization: basic(developer.username, developer.token) },
      { Authorization: basic(deploy.username, deploy.token) },
      { Authorization: basic("gitlab-ci-token", job.token) },
    ];
    for (const headers of ways) expect((await get(jar, { headers })).status, JSON.stringify(headers)).toBe(200);
    // Writes: group deploy token with write scope and Basic with a personal token.
    expect((await put(jar.replace(/1\.0\.0/g, "1.0.2"), "x", { headers: { "Deploy-Token": groupDeploy.token } })).status).toBe(200);
    expect((await put(jar.replace(/1\.0\.0/g, "1.0.3"), "x", { headers: { Authorization: basic(developer.username, developer.token) } })).status).toBe(200);
  });

  it("refuses wrong or insufficient credentials: 401 invalid token, 403 read-only callers, 404 outsiders", async () => {
    const { project, jar } = await setup();
    expect((await get(jar, { headers: { "Private-Token": "glpat-nonsense" } })).status).toBe(401);
    const reporter = await createUser();
    await addMember("projects", project.id, reporter.id, 20);
    expect((await get(jar, { token: reporter.token })).status).toBe(200);
    expect((await put(jar, "x", { token: reporter.token })).status).toBe(403);
    const readOnly = await createDeployToken("projects", project.id, ["read_package_registry"]);
    expect((await put(jar, "x", { headers: { "Deploy-Token": readOnly.token } })).status).toBe(403);
    // A developer's read_api token may pull but not publish.
    const developerWithReadApi = await createUser();
    await addMember("projects", project.id, developerWithReadApi.id, 30);
    const readApi = await createPersonalToken(developerWithReadApi.id, ["read_api"]);
    expect((await get(jar, { token: readApi })).status).toBe(200);
    expect((await put(jar, "x", { token: readApi })).status).toBe(403);
    const outsider = await createUser();
    expect((await get(jar, { token: outsider.token })).status).toBe(404);
    expect((await put(jar, "x", { token: outsider.token })).status).toBe(404);
  });

  it("lets anyone pull from a public project without credentials", async () => {
    const { jar } = await setup("public");
    expect((await get(jar)).status).toBe(200);
  });
});
