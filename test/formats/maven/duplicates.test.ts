import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, call, createGroup, createProject, createUser, ok } from "../../support/api";
import { get, projectBase, put } from "./helpers";

async function setup(settings?: Record<string, unknown>) {
  const group = await createGroup();
  if (settings) await ok(call(`/api/v4/groups/${group.id}`, { method: "PUT", token: ADMIN_TOKEN, json: { package_settings: settings } }));
  const project = await createProject(group.id);
  const user = await createUser();
  await addMember("projects", project.id, user.id, 30);
  return { base: projectBase(project.id), auth: { token: user.token } };
}

const text = async (res: Response) => new TextDecoder().decode(await res.arrayBuffer());

describe("maven duplicates", () => {
  it("allows re-uploading a file by default and serves the newest upload", async () => {
    const { base, auth } = await setup();
    const url = `${base}/com/acme/dup/1.0.0/dup-1.0.0.jar`;
    expect((await put(url, "first", auth)).status).toBe(200);
    expect((await put(url, "second", auth)).status).toBe(200);
    expect(await text(await get(url, auth))).toBe("second");
  });

  it("refuses a duplicate file with 400 Duplicate package is not allowed when the group disallows them", async () => {
    const { base, auth } = await setup({ maven_duplicates_allowed: false });
    const dir = `${base}/com/acme/dup/1.0.0`;
    expect((await put(`${dir}/dup-1.0.0.jar`, "first", auth)).status).toBe(200);
    const refused = await put(`${dir}/dup-1.0.0.jar`, "second", auth);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ message: "Duplicate package is not allowed" });
    expect(await text(await get(`${dir}/dup-1.0.0.jar`, auth))).toBe("first");
    // Other files of the version and the artifact-level metadata stay allowed.
    expect((await put(`${dir}/dup-1.0.0.pom`, "<project/>", auth)).status).toBe(200);
    expect((await put(`${base}/com/acme/dup/maven-metadata.xml`, "<metadata/>", auth)).status).toBe(200);
    expect((await put(`${base}/com/acme/dup/maven-metadata.xml`, "<metadata/>", auth)).status).toBe(200);
    // As current GitLab: a new build of a SNAPSHOT repeats the last one once its timestamp is stripped, and
    // the SNAPSHOT's own maven-metadata.xml is a file of the version like any other.
    const snap = `${base}/com/acme/dup/2.0-SNAPSHOT`;
    expect((await put(`${snap}/dup-2.0-20261125.100000-1.jar`, "1", auth)).status).toBe(200);
    expect((await put(`${snap}/dup-2.0-20261125.100000-1.pom`, "<project/>", auth)).status).toBe(200);
    expect((await put(`${snap}/maven-metadata.xml`, "<metadata/>", auth)).status).toBe(200);
    expect((await put(`${snap}/dup-2.0-20261125.110000-2.jar`, "2", auth)).status).toBe(400);
    expect((await put(`${snap}/maven-metadata.xml`, "<metadata/>", auth)).status).toBe(400);
  });

  it("lets the exception regex (matched against name and version) through when duplicates are disallowed", async () => {
    const { base, auth } = await setup({ maven_duplicates_allowed: false, maven_duplicate_exception_regex: ".*-SNAPSHOT|com/acme/free" });
    for (const path of ["com/acme/free/1.0.0/free-1.0.0.jar", "com/acme/locked/1.0-SNAPSHOT/locked-1.0-SNAPSHOT.jar"]) {
      expect((await put(`${base}/${path}`, "a", auth)).status).toBe(200);
      expect((await put(`${base}/${path}`, "b", auth)).status).toBe(200);
    }
    // The exception lets new builds of a SNAPSHOT through (their names repeat once the timestamps are stripped).
    const snap = `${base}/com/acme/locked/2.0-SNAPSHOT`;
    expect((await put(`${snap}/locked-2.0-20261125.100000-1.jar`, "1", auth)).status).toBe(200);
    expect((await put(`${snap}/locked-2.0-20261125.110000-2.jar`, "2", auth)).status).toBe(200);
    expect((await put(`${base}/com/acme/locked/1.0.0/locked-1.0.0.jar`, "a", auth)).status).toBe(200);
    expect((await put(`${base}/com/acme/locked/1.0.0/locked-1.0.0.jar`, "b", auth)).status).toBe(400);
  });

  it("with duplicates allowed, refuses only what the exception regex names", async () => {
    const { base, auth } = await setup({ maven_duplicates_allowed: true, maven_duplicate_exception_regex: "1\\.0\\.0" });
    expect((await put(`${base}/com/acme/x/1.0.0/x-1.0.0.jar`, "a", auth)).status).toBe(200);
    expect((await put(`${base}/com/acme/x/1.0.0/x-1.0.0.jar`, "b", auth)).status).toBe(400);
    expect((await put(`${base}/com/acme/x/1.0.1/x-1.0.1.jar`, "a", auth)).status).toBe(200);
    expect((await put(`${base}/com/acme/x/1.0.1/x-1.0.1.jar`, "b", auth)).status).toBe(200);
  });
});
