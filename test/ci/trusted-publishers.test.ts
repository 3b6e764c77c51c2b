// Trusted publishers of a project (issue 25): Maintainers manage them, the shape is validated, defaults fill
// the hosted issuers, and nobody below Maintainer (nor a job token) sees or changes them.
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createJobToken, createPersonalToken, createProject, createUser, ok } from "../support/api";

async function setup() {
  const project = await createProject((await createGroup()).id, { visibility: "private" });
  const maintainer = await createUser();
  const developer = await createUser();
  await addMember("projects", project.id, maintainer.id, 40);
  await addMember("projects", project.id, developer.id, 30);
  return { project, maintainer, developer };
}

const path = (id: number, rest = "") => `/api/v4/projects/${id}/trusted_publishers${rest}`;

describe("trusted publishers API", () => {
  it("creates, lists, shows and removes publishers with the documented shape", async () => {
    const { project, maintainer } = await setup();
    const github = await ok(
      call(path(project.id), {
        method: "POST",
        token: maintainer.token,
        json: { provider: "github", repository: "acme/widgets", workflow: "release.yml", ref: "refs/tags/v*", environment: "pypi", package_types: ["npm", "pypi"], name_patterns: ["@acme/*", "widgets"] },
      }),
      201,
    );
    expect(github).toMatchObject({
      project_id: project.id,
      provider: "github",
      issuer: "https://token.actions.githubusercontent.com",
      jwks_url: null,
      repository: "acme/widgets",
      workflow: "release.yml",
      ref: "refs/tags/v*",
      environment: "pypi",
      claims: {},
      package_types: ["npm", "pypi"],
      name_patterns: ["@acme/*", "widgets"],
      creator_id: maintainer.id,
    });
    const gitlab = await ok(call(path(project.id), { method: "POST", token: maintainer.token, json: { provider: "gitlab", repository: "acme/widgets" } }), 201);
    expect(gitlab.issuer).toBe("https://gitlab.com");
    const forgejo = await ok(
      call(path(project.id), { method: "POST", token: maintainer.token, json: { provider: "forgejo", issuer: "https://codeberg.org/api/actions/", repository: "acme/widgets", claims: { repository_owner: "acme" } } }),
      201,
    );
    expect(forgejo).toMatchObject({ issuer: "https://codeberg.org/api/actions", claims: { repository_owner: "acme" }, package_types: [], name_patterns: [] });

    const listed = await ok(call(path(project.id), { token: maintainer.token }));
    expect(listed.map((p: { id: number }) => p.id)).toEqual([forgejo.id, gitlab.id, github.id]);
    expect(await ok(call(path(project.id, `/${github.id}`), { token: maintainer.token }))).toEqual(github);

    expect((await call(path(project.id, `/${github.id}`), { method: "DELETE", token: maintainer.token })).status).toBe(204);
    expect((await call(path(project.id, `/${github.id}`), { token: maintainer.token })).status).toBe(404);
    expect((await call(path(project.id, `/${github.id}`), { method: "DELETE", token: maintainer.token })).status).toBe(404);
  });

  it("refuses bad input", async () => {
    const { project, maintainer } = await setup();
    const bad = async (json: Record<string, unknown>) => (await call(path(project.id), { method: "POST", token: maintainer.token, json })).status;
    expect(await bad({ provider: "forgejo", repository: "a/b" })).toBe(400); // no default issuer
    expect(await bad({ provider: "oidc", issuer: "http://ci.example.com", repository: "a/b" })).toBe(400); // http off loopback
    expect(await bad({ provider: "oidc", issuer: "https://ci.example.com/?x=1", repository: "a/b" })).toBe(400);
    expect(await bad({ provider: "oidc", issuer: "https://ci.example.com", jwks_url: "ftp://x/keys", repository: "a/b" })).toBe(400);
    expect(await bad({ provider: "travis", repository: "a/b" })).toBe(400);
    expect(await bad({ provider: "github" })).toBe(400);
    expect(await bad({ provider: "github", repository: "a/b", package_types: ["tarball"] })).toBe(400);
    expect(await bad({ provider: "github", repository: "a/b", claims: { "bad claim": "x" } })).toBe(400);
    expect(await bad({ provider: "oidc", issuer: "http://127.0.0.1:8080", repository: "a/b" })).toBe(201);
  });

  it("is for Maintainers: Developers, read_api tokens and job tokens are refused", async () => {
    const { project, maintainer, developer } = await setup();
    const created = await ok(call(path(project.id), { method: "POST", token: maintainer.token, json: { provider: "github", repository: "a/b" } }), 201);
    expect((await call(path(project.id), { token: developer.token })).status).toBe(403);
    expect((await call(path(project.id), { method: "POST", token: developer.token, json: { provider: "github", repository: "a/b" } })).status).toBe(403);
    expect((await call(path(project.id, `/${created.id}`), { method: "DELETE", token: developer.token })).status).toBe(403);
    const readApi = await createPersonalToken(maintainer.id, ["read_api"]);
    expect((await call(path(project.id), { token: readApi })).status).toBe(200);
    expect((await call(path(project.id), { method: "POST", token: readApi, json: { provider: "github", repository: "a/b" } })).status).toBe(403);
    const job = await createJobToken(project.id, maintainer.token);
    expect((await call(path(project.id), { headers: { "JOB-TOKEN": job.token } })).status).toBe(403);
    const stranger = await createUser();
    expect((await call(path(project.id), { token: stranger.token })).status).toBe(404);
    expect((await call(path(project.id), { token: ADMIN_TOKEN })).status).toBe(200);
  });
});
