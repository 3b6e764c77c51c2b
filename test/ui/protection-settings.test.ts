// The "Protected packages" section of the package settings page: Maintainers add and delete rules (CSRF on
// both forms, GitLab's validation messages shown), the rule then holds for the API, and others get a 404.
import { describe, expect, it } from "vitest";
import { addMember, call, createGroup, createProject, createUser } from "../support/api";
import { csrfTokenIn, signIn, textOf } from "./support";

describe("protected packages on the settings page", () => {
  it("adds a rule that then refuses a Developer's upload, shows refusals, and deletes the rule", async () => {
    const project = await createProject((await createGroup()).id, { visibility: "private" });
    const [developer, maintainer] = await Promise.all([createUser(), createUser()]);
    await addMember("projects", project.id, developer.id, 30);
    await addMember("projects", project.id, maintainer.id, 40);
    const url = `/${project.path_with_namespace}/-/settings/packages`;
    const b = await signIn(maintainer.username);
    const page = await b.get(url);
    expect(textOf(page.html)).toContain("This project has no protection rules.");
    const token = csrfTokenIn(page.html);

    const rule = { package_name_pattern: "release-*", package_type: "generic", minimum_access_level_for_push: "maintainer", minimum_access_level_for_delete: "" };
    expect((await b.post(`${url}/protection_rules`, rule)).status).toBe(403);
    const added = await b.post(`${url}/protection_rules`, { authenticity_token: token, ...rule });
    expect(added.status).toBe(303);
    expect(added.headers.get("location")).toBe(`${url}?rule_added=1`);
    const listed = await b.get(`${url}?rule_added=1`);
    expect(textOf(listed.html)).toContain("Protection rule added.");
    expect(textOf(listed.html)).toContain("release-* generic Maintainer Maintainer (no limit)");

    const upload = (token: string) => call(`/api/v4/projects/${project.id}/packages/generic/release-app/1.0.0/a.bin`, { method: "PUT", token, body: "x", headers: { "content-length": "1" } });
    expect((await upload(developer.token)).status).toBe(403);

    const taken = await b.post(`${url}/protection_rules`, { authenticity_token: token, ...rule });
    expect(taken.status).toBe(400);
    expect(textOf(await taken.text())).toContain("Package name pattern has already been taken");
    const badNpm = await b.post(`${url}/protection_rules`, { authenticity_token: token, ...rule, package_type: "npm", package_name_pattern: "*@x/y" });
    expect(textOf(await badNpm.text())).toContain("should be a valid NPM package name");

    const deleteUrl = listed.html.match(/action="([^"]+\/protection_rules\/\d+\/delete)"/)![1]!;
    const other = await signIn(developer.username);
    expect((await other.post(deleteUrl, { authenticity_token: csrfTokenIn((await other.get("/")).html) })).status).toBe(404);
    const deleted = await b.post(deleteUrl, { authenticity_token: token });
    expect(deleted.status).toBe(303);
    expect(textOf((await b.get(url)).html)).toContain("This project has no protection rules.");
    expect((await upload(developer.token)).status).toBe(201);
  });
});
