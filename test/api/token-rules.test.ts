// Issue 11, finding 11 (tokens): who lists and revokes deploy tokens (project: Maintainer; group: Maintainer
// lists, Owner creates and revokes, doc/user/project/deploy_tokens) and CI job tokens (the project's
// Maintainers and Owners); a revoked token stops working on the next request.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createJobToken, createProject, createUser, ok } from "../support/api";

/** A Maven file of the project, read with the given headers (a package endpoint every token kind may use). */
async function seedJar(projectId: number, token: string) {
  const url = `/api/v4/projects/${projectId}/packages/maven/com/acme/tok/1.0/tok-1.0.jar`;
  expect((await call(url, { method: "PUT", token, body: "jar" })).status).toBe(200);
  return (headers: Record<string, string>) => call(url, { headers });
}

describe("group deploy tokens", () => {
  it("are listed by Maintainers, created and revoked by Owners only", async () => {
    const group = await createGroup(undefined, { visibility: "private" });
    const [maintainer, owner] = await Promise.all([createUser(), createUser()]);
    await addMember("groups", group.id, maintainer.id, 40);
    await addMember("groups", group.id, owner.id, 50);
    const base = `/api/v4/groups/${group.id}/deploy_tokens`;
    const body = { name: "ci", scopes: ["read_package_registry"] };
    expect((await call(base, { method: "POST", token: maintainer.token, json: body })).status).toBe(403);
    const token = await ok(call(base, { method: "POST", token: owner.token, json: body }), 201);
    const listed = await ok(call(base, { token: maintainer.token }));
    expect(listed.map((t: { id: number }) => t.id)).toEqual([token.id]);
    expect(listed[0]).not.toHaveProperty("token");
    expect((await call(`${base}/${token.id}`, { method: "DELETE", token: maintainer.token })).status).toBe(403);
    expect((await call(`${base}/${token.id}`, { method: "DELETE", token: owner.token })).status).toBe(204);
    expect((await ok(call(base, { token: owner.token })))[0]).toMatchObject({ id: token.id, revoked: true });
  });
});

describe("project deploy tokens", () => {
  it("are listed and revoked by Maintainers, and a revoked one stops reading packages at once", async () => {
    const project = await createProject((await createGroup()).id, { visibility: "private" });
    const [maintainer, developer] = await Promise.all([createUser(), createUser()]);
    await addMember("projects", project.id, maintainer.id, 40);
    await addMember("projects", project.id, developer.id, 30);
    const base = `/api/v4/projects/${project.id}/deploy_tokens`;
    const token = await ok(call(base, { method: "POST", token: maintainer.token, json: { name: "ci", scopes: ["read_package_registry"] } }), 201);
    const read = await seedJar(project.id, developer.token);
    expect((await read({ "Deploy-Token": token.token })).status).toBe(200);
    expect((await call(base, { token: developer.token })).status).toBe(403);
    expect((await call(`${base}/${token.id}`, { method: "DELETE", token: developer.token })).status).toBe(403);
    expect((await ok(call(base, { token: maintainer.token })))[0]).toMatchObject({ id: token.id, revoked: false });
    expect((await call(`${base}/${token.id}`, { method: "DELETE", token: maintainer.token })).status).toBe(204);
    expect((await read({ "Deploy-Token": token.token })).status).toBe(401);
  });
});

describe("CI job tokens", () => {
  it("are listed (never the token) and revoked by Maintainers; a revoked one stops working at once", async () => {
    const project = await createProject((await createGroup()).id, { visibility: "private" });
    const [maintainer, developer] = await Promise.all([createUser(), createUser()]);
    await addMember("projects", project.id, maintainer.id, 40);
    await addMember("projects", project.id, developer.id, 30);
    const job = await createJobToken(project.id, developer.token, { pipeline_id: 4242 });
    const read = await seedJar(project.id, developer.token);
    expect((await read({ "JOB-TOKEN": job.token })).status).toBe(200);

    const base = `/api/v4/projects/${project.id}/job_tokens`;
    expect((await call(base, { token: developer.token })).status).toBe(403);
    const listed = await ok(call(base, { token: maintainer.token }));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ project_id: project.id, user_id: developer.id, pipeline_id: 4242, ref: "main", sha: "abc123", active: true });
    expect(JSON.stringify(listed)).not.toContain(job.token);
    expect(Object.keys(listed[0]).sort()).toEqual(["active", "created_at", "expires_at", "id", "pipeline_id", "project_id", "ref", "sha", "trusted_publisher_id", "user_id"]);

    expect((await call(`${base}/${listed[0].id}`, { method: "DELETE", token: developer.token })).status).toBe(403);
    expect((await call(`${base}/${listed[0].id}`, { method: "DELETE", token: maintainer.token })).status).toBe(204);
    expect((await read({ "JOB-TOKEN": job.token })).status).toBe(401);
    expect((await ok(call(base, { token: maintainer.token })))[0]).toMatchObject({ id: listed[0].id, active: false });
  });

  it("are revoked only through their own project", async () => {
    const group = await createGroup();
    const [mine, theirs] = await Promise.all([createProject(group.id, { visibility: "private" }), createProject(group.id, { visibility: "private" })]);
    const developer = await createUser();
    await addMember("projects", theirs.id, developer.id, 30);
    await createJobToken(theirs.id, developer.token);
    const [token] = await ok(call(`/api/v4/projects/${theirs.id}/job_tokens`, { token: ADMIN_TOKEN }));
    expect((await call(`/api/v4/projects/${mine.id}/job_tokens/${token.id}`, { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(404);
    expect((await ok(call(`/api/v4/projects/${theirs.id}/job_tokens`, { token: ADMIN_TOKEN })))[0].active).toBe(true);
  });
});
