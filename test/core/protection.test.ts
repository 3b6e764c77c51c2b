// Protected packages enforced inside the publish coordinator: the pure rules (GitLab's glob, PyPI
// normalisation, name formats, who a rule refuses), then every write of every format family through the
// real routes (npm JSON publish and dist-tags, raw PUT uploads of Generic and Maven, PyPI multipart, deletes of
// the Packages API) and, for the remaining formats, commits to their coordinators with a real author.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { putBlob } from "../../src/core/blobs";
import { commitPackage } from "../../src/core/publish/client";
import type { CommitActor } from "../../src/core/publish/types";
import { patternMatches, refusedAction, ruleProblems, type ProtectionRule } from "../../src/core/protection";
import { ADMIN_TOKEN, addMember, call, createDeployToken, createGroup, createJobToken, createProject, createUser, ok, unique } from "../support/api";
import { seedPackage } from "../support/packages";
import { npmCall, publish, projectPrefix, escaped } from "../formats/npm/support";
import { genericPath, putText } from "../formats/generic/support";
import { twineUpload } from "../formats/pypi/helpers";
import { projectBase, put as mavenPut } from "../formats/maven/helpers";

const rule = (pattern: string, push: number | null, del: number | null = null, packageType = "npm"): ProtectionRule => ({
  packageType,
  packageNamePattern: pattern,
  minimumAccessLevelForPush: push,
  minimumAccessLevelForDelete: del,
});

describe("protection rules (pure)", () => {
  it("matches names as GitLab's ILIKE glob: * is any run, everything else literal, case-insensitive", () => {
    expect(patternMatches(rule("@flight/flight-*", 40), "@flight/flight-package")).toBe(true);
    expect(patternMatches(rule("@flight/flight-*", 40), "@Flight/FLIGHT-x")).toBe(true);
    expect(patternMatches(rule("@flight/flight-*", 40), "@flight/other")).toBe(false);
    expect(patternMatches(rule("*-core", 40), "lib-core")).toBe(true);
    expect(patternMatches(rule("a.b", 40, null, "generic"), "axb")).toBe(false);
    expect(patternMatches(rule("a_b%", 40, null, "generic"), "a_b%")).toBe(true);
    expect(patternMatches(rule("a_b%", 40, null, "generic"), "axbyz")).toBe(false);
    expect(patternMatches(rule("*", 40), "anything/at/all")).toBe(true);
    expect(patternMatches(rule("exact", 40), "exact-not")).toBe(false);
  });

  it("compares PyPI names and patterns after PEP 503 normalisation", () => {
    expect(patternMatches(rule("my_pkg*", 40, null, "pypi"), "My.Pkg-Extra")).toBe(true);
    expect(patternMatches(rule("my-pkg", 40, null, "pypi"), "my__pkg")).toBe(true);
    expect(patternMatches(rule("my-pkg", 40, null, "generic"), "my__pkg")).toBe(false);
  });

  it("validates name patterns with GitLab's formats for npm, PyPI and Terraform modules", () => {
    expect(ruleProblems(rule("@my-scope/*my-package-with-wildcard-inbetween", 40))).toEqual([]);
    expect(ruleProblems(rule("@my-scope/my-package-with-regex-characters.+", 40))).toEqual([]);
    expect(ruleProblems(rule("*", 40))).toEqual([]);
    expect(ruleProblems(rule("@my-scope/my-package-with-percent-sign-%", 40))).toHaveLength(1);
    expect(ruleProblems(rule("*@my-scope/my-package", 40))).toHaveLength(1);
    expect(ruleProblems(rule("@scope.git/x", 40))).toHaveLength(1);
    expect(ruleProblems(rule("my-package-*", 40, null, "pypi"))).toEqual([]);
    expect(ruleProblems(rule("my package", 40, null, "pypi"))).toHaveLength(1);
    expect(ruleProblems(rule("*/aws", 40, null, "terraform_module"))).toEqual([]);
    expect(ruleProblems(rule("Upper/aws", 40, null, "terraform_module"))).toHaveLength(1);
    expect(ruleProblems(rule("any thing %", 40, null, "generic"))).toEqual([]);
    expect(ruleProblems(rule("x".repeat(256), 40, null, "generic"))).toEqual(["Package name pattern is too long (maximum is 255 characters)"]);
  });

  it("refuses a person below the rule's minimum for the action, never an administrator, and a deploy token whatever the levels", () => {
    const rules = [rule("@s/p-*", 40, 50)];
    const user = (accessLevel: number) => ({ kind: "user" as const, admin: false, accessLevel });
    expect(refusedAction(rules, "npm", "@s/p-1", user(30), ["push"])).toBe("push");
    expect(refusedAction(rules, "npm", "@s/p-1", user(40), ["push"])).toBeNull();
    expect(refusedAction(rules, "npm", "@s/p-1", user(40), ["delete"])).toBe("delete");
    expect(refusedAction(rules, "npm", "@s/p-1", user(50), ["push", "delete"])).toBeNull();
    expect(refusedAction(rules, "npm", "@s/other", user(10), ["push"])).toBeNull();
    expect(refusedAction(rules, "generic", "@s/p-1", user(10), ["push"])).toBeNull();
    expect(refusedAction(rules, "npm", "@s/p-1", { kind: "user", admin: true, accessLevel: 0 }, ["push", "delete"])).toBeNull();
    // A push-only rule does not limit deletes, and a delete-only rule does not limit pushes, for people.
    expect(refusedAction([rule("x", 50)], "npm", "x", user(40), ["delete"])).toBeNull();
    expect(refusedAction([rule("x", null, 60)], "npm", "x", user(50), ["push"])).toBeNull();
    // Deploy tokens never write a protected package.
    const deploy = { kind: "deploy_token" as const, admin: false, accessLevel: 0 };
    expect(refusedAction([rule("x", null, 60)], "npm", "x", deploy, ["push"])).toBe("push");
    expect(refusedAction([rule("x", 40)], "npm", "x", deploy, ["delete"])).toBe("delete");
  });
});

async function protectedProject() {
  const group = await createGroup(unique("prot"));
  const project = await createProject(group.id, { visibility: "private" });
  const [developer, maintainer, owner] = await Promise.all([createUser(), createUser(), createUser()]);
  await addMember("projects", project.id, developer.id, 30);
  await addMember("projects", project.id, maintainer.id, 40);
  await addMember("groups", group.id, owner.id, 50);
  const rules = `/api/v4/projects/${project.id}/packages/protection/rules`;
  const addRule = (json: Record<string, unknown>) => ok(call(rules, { method: "POST", token: ADMIN_TOKEN, json }), 201);
  return { group, project, developer, maintainer, owner, addRule };
}

const forbidden = async (response: Response | Promise<Response>, text: RegExp) => {
  const res = await response;
  expect(res.status).toBe(403);
  expect(await res.text()).toMatch(text);
};

describe("protection enforced on every write", () => {
  it("npm: publish and dist-tag add need the rule's push level; deploy tokens never publish a protected name", async () => {
    const { group, project, developer, maintainer, addRule } = await protectedProject();
    const scope = `@${group.path}`;
    await addRule({ package_name_pattern: `${scope}/guarded-*`, package_type: "npm", minimum_access_level_for_push: "maintainer" });
    const prefix = projectPrefix(project.id);
    await forbidden((await publish(prefix, `${scope}/guarded-lib`, "1.0.0", developer.token)).response, /Package protected/);
    expect((await publish(prefix, `${scope}/free-lib`, "1.0.0", developer.token)).response.status).toBe(200);
    expect((await publish(prefix, `${scope}/guarded-lib`, "1.0.0", maintainer.token)).response.status).toBe(200);

    const deploy = await createDeployToken("projects", project.id, ["write_package_registry"]);
    await forbidden((await publish(prefix, `${scope}/guarded-lib`, "1.0.1", deploy.token)).response, /Package protected/);
    expect((await publish(prefix, `${scope}/free-lib`, "1.0.1", deploy.token)).response.status).toBe(200);

    const tag = `${prefix}/-/package/${escaped(`${scope}/guarded-lib`)}/dist-tags/stable`;
    await forbidden(npmCall(tag, { method: "PUT", bearer: developer.token, body: '"1.0.0"', headers: { "content-type": "application/json" } }), /Package protected/);
    expect((await npmCall(tag, { method: "PUT", bearer: maintainer.token, body: '"1.0.0"', headers: { "content-type": "application/json" } })).status).toBe(204);
    // No row was written by the refused publishes.
    const versions = await ok(call(`/api/v4/projects/${project.id}/packages?package_name=guarded`, { token: ADMIN_TOKEN }));
    expect(versions.map((p: any) => p.version)).toEqual(["1.0.0"]);
  });

  it("Generic and Maven uploads: Developers, their CI jobs and deploy tokens are refused below the rule; administrators pass", async () => {
    const { project, developer, maintainer, owner, addRule } = await protectedProject();
    await addRule({ package_name_pattern: "release-*", package_type: "generic", minimum_access_level_for_push: "owner" });
    await addRule({ package_name_pattern: "com/example/*", package_type: "maven", minimum_access_level_for_push: "maintainer" });
    const upload = (token: string | undefined, name: string, headers: Record<string, string> = {}) => putText(genericPath(project.id, name, "1.0.0", "a.bin"), "bytes", { token, headers });
    await forbidden(upload(developer.token, "release-app"), /Package protected/);
    await forbidden(upload(maintainer.token, "release-app"), /Package protected/);
    const job = await createJobToken(project.id, developer.token);
    await forbidden(upload(undefined, "release-app", { "JOB-TOKEN": job.token }), /Package protected/);
    const deploy = await createDeployToken("projects", project.id, ["write_package_registry"]);
    await forbidden(upload(undefined, "release-app", { "DEPLOY-TOKEN": deploy.token }), /Package protected/);
    expect((await upload(owner.token, "release-app")).status).toBe(201);
    expect((await upload(ADMIN_TOKEN, "release-other")).status).toBe(201);
    expect((await upload(developer.token, "nightly-app")).status).toBe(201);

    const jar = `${projectBase(project.id)}/com/example/app/1.0/app-1.0.jar`;
    expect((await mavenPut(jar, "jar", { token: developer.token })).status).toBe(403);
    expect((await mavenPut(jar, "jar", { token: maintainer.token })).status).toBe(200);
    expect((await mavenPut(`${projectBase(project.id)}/org/other/app/1.0/app-1.0.jar`, "jar", { token: developer.token })).status).toBe(200);
  });

  it("PyPI uploads match the rule after PEP 503 normalisation", async () => {
    const { project, developer, maintainer, addRule } = await protectedProject();
    await addRule({ package_name_pattern: "my_pkg*", package_type: "pypi", minimum_access_level_for_push: "maintainer" });
    const upload = (token: string, version: string) => twineUpload(project.id, { name: "My.Pkg-Extra", version, fileName: `my_pkg_extra-${version}.tar.gz` }, { token });
    expect((await upload(developer.token, "1.0")).res.status).toBe(403);
    expect((await upload(maintainer.token, "1.0")).res.status).toBe(201);
  });

  it("deletes through the Packages API need the rule's delete level; a push-only rule does not limit them", async () => {
    const { project, maintainer, owner, addRule } = await protectedProject();
    const kept = await seedPackage(project.id, "generic", "kept-a", "1.0.0", { "a.bin": "a", "b.bin": "b" });
    const pushed = await seedPackage(project.id, "generic", "pushed-a", "1.0.0");
    await addRule({ package_name_pattern: "kept-*", package_type: "generic", minimum_access_level_for_delete: "owner" });
    await addRule({ package_name_pattern: "pushed-*", package_type: "generic", minimum_access_level_for_push: "owner" });
    const base = `/api/v4/projects/${project.id}/packages`;
    const files = await ok(call(`${base}/${kept.packageId}/package_files`, { token: ADMIN_TOKEN }));
    await forbidden(call(`${base}/${kept.packageId}/package_files/${files[0].id}`, { method: "DELETE", token: maintainer.token }), /deletion protected/);
    await forbidden(call(`${base}/${kept.packageId}`, { method: "DELETE", token: maintainer.token }), /deletion protected/);
    expect((await call(`${base}/${pushed.packageId}`, { method: "DELETE", token: maintainer.token })).status).toBe(204);
    expect((await call(`${base}/${kept.packageId}/package_files/${files[0].id}`, { method: "DELETE", token: owner.token })).status).toBe(204);
    expect((await call(`${base}/${kept.packageId}`, { method: "DELETE", token: owner.token })).status).toBe(204);
  });

  it("every other format's coordinator refuses a Developer's push and a Maintainer's delete of a protected package", async () => {
    const { project, addRule } = await protectedProject();
    const names: Record<string, string> = {
      cargo: "guarded-crate",
      conan: "guarded",
      helm: "guarded-chart",
      nuget: "Guarded.Lib",
      terraform_module: "guarded/aws",
      composer: "acme/guarded",
      debian: "guarded",
      golang: "example.com/guarded",
      rubygems: "guarded",
    };
    const actor = (level: number): CommitActor => ({ kind: "user", admin: false, roles: [[`Project:${project.id}`, level]] });
    for (const [packageType, name] of Object.entries(names)) {
      await addRule({ package_name_pattern: name, package_type: packageType, minimum_access_level_for_push: "maintainer", minimum_access_level_for_delete: "owner" });
      const commit = async (level: number, op: "publish" | "delete") => {
        const blob = await putBlob(env, new Response("x").body, { contentLength: 1, maxBytes: 10 });
        const ops =
          op === "publish"
            ? [{ kind: "publish" as const, version: "1.0.0", files: [{ blob, fileName: "f" }], duplicates: { kind: "allow" as const } }]
            : [{ kind: "remove_version" as const, version: "1.0.0" }];
        return commitPackage(env, { projectId: project.id, packageType, name, normalizedName: name.toLowerCase(), ops, author: { creatorId: null, buildInfo: null, actor: actor(level) } }).then(
          () => "ok",
          (error: Error) => error.message,
        );
      };
      expect(await commit(30, "publish"), packageType).toMatch(/Package protected/);
      expect(await commit(40, "publish"), packageType).toBe("ok");
      expect(await commit(40, "delete"), packageType).toMatch(/deletion protected/);
      expect(await commit(50, "delete"), packageType).toBe("ok");
    }
  });
});
