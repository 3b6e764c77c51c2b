import { describe, expect, it } from "vitest";
import { addMember, createGroup, createProject, createUser } from "../../support/api";
import { deployRelease, get, hex, projectBase, put } from "./helpers";

async function setup() {
  const group = await createGroup();
  const project = await createProject(group.id, { visibility: "private" });
  const user = await createUser();
  await addMember("projects", project.id, user.id, 30);
  return { project, user, base: projectBase(project.id), auth: { token: user.token } };
}

const snapshotFile = (build: number, time: string, suffix: string) => `hello-1.1-20261125.${time}-${build}${suffix}`;

describe("maven downloads", () => {
  it("serves a file with GitLab's checksum headers, HEAD without a body, and every checksum from the stored digests", async () => {
    const { base, user, auth } = await setup();
    await deployRelease(base, "com/acme", "hello", "1.0.0", user.token, "the jar");
    const url = `${base}/com/acme/hello/1.0.0/hello-1.0.0.jar`;
    const res = await get(url, auth);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/java-archive");
    expect(res.headers.get("x-checksum-sha1")).toBe(await hex("SHA-1", "the jar"));
    expect(res.headers.get("x-checksum-md5")).toBe(await hex("MD5", "the jar"));
    expect(new TextDecoder().decode(await res.arrayBuffer())).toBe("the jar");
    const head = await get(url, auth, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("7");
    expect(await head.text()).toBe("");
    for (const [suffix, algorithm] of [["md5", "MD5"], ["sha1", "SHA-1"], ["sha256", "SHA-256"], ["sha512", "SHA-512"]] as const) {
      const sum = await get(`${url}.${suffix}`, auth);
      expect(sum.status).toBe(200);
      expect(sum.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(await sum.text()).toBe(await hex(algorithm, "the jar"));
    }
    expect((await get(`${base}/com/acme/hello/1.0.0/hello-1.0.0-sources.jar`, auth)).status).toBe(404);
    expect((await get(`${base}/com/acme/hello/9.9.9/hello-9.9.9.jar.sha1`, auth)).status).toBe(404);
  });

  it("answers maven-metadata.xml with 404 before the first deploy", async () => {
    const { base, auth } = await setup();
    const res = await get(`${base}/com/acme/hello/maven-metadata.xml`, auth);
    expect(res.status).toBe(404);
    expect((await get(`${base}/com/acme/hello/maven-metadata.xml.sha1`, auth)).status).toBe(404);
  });

  it("generates artifact metadata listing every version even when a stale copy was uploaded last, with matching checksums", async () => {
    const { base, user, auth } = await setup();
    await deployRelease(base, "com/acme", "hello", "1.0.0", user.token);
    await deployRelease(base, "com/acme", "hello", "1.1.0", user.token);
    // A client that lost a race uploads metadata that only knows 1.0.0: the served document still lists both.
    const stale = `<?xml version="1.0"?><metadata><groupId>com.acme</groupId><artifactId>hello</artifactId><versioning><versions><version>1.0.0</version></versions></versioning></metadata>`;
    expect((await put(`${base}/com/acme/hello/maven-metadata.xml`, stale, auth)).status).toBe(200);
    // The .sha1 mvn uploads next is compared with the copy it uploaded, which is kept as uploaded.
    expect((await put(`${base}/com/acme/hello/maven-metadata.xml.sha1`, await hex("SHA-1", stale), auth)).status).toBe(204);
    const res = await get(`${base}/com/acme/hello/maven-metadata.xml`, auth);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/xml");
    const xml = await res.text();
    expect(xml).toContain("<version>1.0.0</version>");
    expect(xml).toContain("<version>1.1.0</version>");
    expect(xml).toContain("<latest>1.1.0</latest>");
    expect(xml).toContain("<release>1.1.0</release>");
    expect(xml).toMatch(/<lastUpdated>\d{14}<\/lastUpdated>/);
    for (const [suffix, algorithm] of [["sha1", "SHA-1"], ["md5", "MD5"], ["sha256", "SHA-256"], ["sha512", "SHA-512"]] as const) {
      expect(await (await get(`${base}/com/acme/hello/maven-metadata.xml.${suffix}`, auth)).text()).toBe(await hex(algorithm, xml));
    }
    expect(res.headers.get("x-checksum-sha1")).toBe(await hex("SHA-1", xml));
    const head = await get(`${base}/com/acme/hello/maven-metadata.xml`, auth, "HEAD");
    expect(head.headers.get("content-length")).toBe(String(new TextEncoder().encode(xml).byteLength));
    // Same bytes on every read (checksums fetched separately must agree).
    expect(await (await get(`${base}/com/acme/hello/maven-metadata.xml`, auth)).text()).toBe(xml);
  });

  it("is right when metadata is uploaded before the version's files (Gradle order) and when versions deploy concurrently", async () => {
    const { base, user, auth } = await setup();
    const metadataFirst = await put(`${base}/com/acme/race/maven-metadata.xml`, "<metadata/>", auth);
    expect(metadataFirst.status).toBe(200);
    const versions = ["1.0.0", "1.0.1", "1.0.2", "1.1.0", "2.0.0"];
    const results = await Promise.all(
      versions.flatMap((v) => [
        deployRelease(base, "com/acme", "race", v, user.token),
        put(`${base}/com/acme/race/maven-metadata.xml`, `<metadata><version>${v}</version></metadata>`, auth).then((r) => [r.status]),
      ]),
    );
    expect(results.flat().every((s) => s === 200 || s === 204)).toBe(true);
    const xml = await (await get(`${base}/com/acme/race/maven-metadata.xml`, auth)).text();
    for (const v of versions) expect(xml).toContain(`<version>${v}</version>`);
  });

  it("serves the uploaded copy when there are no versions to generate from (groupId-level plugin metadata)", async () => {
    const { base, auth } = await setup();
    const plugins = `<metadata><plugins><plugin><prefix>hello</prefix><artifactId>hello-maven-plugin</artifactId></plugin></plugins></metadata>`;
    await put(`${base}/com/acme/maven-metadata.xml`, plugins, auth);
    const res = await get(`${base}/com/acme/maven-metadata.xml`, auth);
    expect(await res.text()).toBe(plugins);
    expect(await (await get(`${base}/com/acme/maven-metadata.xml.sha1`, auth)).text()).toBe(await hex("SHA-1", plugins));
  });

  it("resolves a SNAPSHOT to its newest timestamped build through generated version-level metadata", async () => {
    const { base, auth } = await setup();
    const dir = `${base}/com/acme/hello/1.1-SNAPSHOT`;
    // Build 2 arrives before build 1 finished (out of order), and build 1's stale metadata is uploaded last.
    for (const [build, time] of [[2, "110000"], [1, "100000"]] as const) {
      await put(`${dir}/${snapshotFile(build, time, ".jar")}`, `jar build ${build}`, auth);
      await put(`${dir}/${snapshotFile(build, time, ".pom")}`, `<project/>`, auth);
    }
    await put(`${dir}/${snapshotFile(1, "100000", "-sources.jar")}`, "sources 1", auth);
    await put(`${dir}/maven-metadata.xml`, "<metadata><versioning><snapshot><buildNumber>1</buildNumber></snapshot></versioning></metadata>", auth);
    const res = await get(`${dir}/maven-metadata.xml`, auth);
    const xml = await res.text();
    expect(xml).toContain("<version>1.1-SNAPSHOT</version>");
    expect(xml).toContain("<timestamp>20261125.110000</timestamp>");
    expect(xml).toContain("<buildNumber>2</buildNumber>");
    expect(xml).toMatch(/<extension>jar<\/extension>\s*<value>1.1-20261125.110000-2<\/value>/);
    expect(xml).toMatch(/<classifier>sources<\/classifier>\s*<extension>jar<\/extension>\s*<value>1.1-20261125.100000-1<\/value>/);
    expect(await (await get(`${dir}/maven-metadata.xml.sha1`, auth)).text()).toBe(await hex("SHA-1", xml));
    expect(new TextDecoder().decode(await (await get(`${dir}/${snapshotFile(2, "110000", ".jar")}`, auth)).arrayBuffer())).toBe("jar build 2");
    const artifact = await (await get(`${base}/com/acme/hello/maven-metadata.xml`, auth)).text();
    expect(artifact).toContain("<latest>1.1-SNAPSHOT</latest>");
    expect(artifact).not.toContain("<release>");
  });
});
