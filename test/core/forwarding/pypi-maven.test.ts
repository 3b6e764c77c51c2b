import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, createGroup, createProject, ok, unique } from "../../support/api";
import { PIP_ACCEPT, twineUpload } from "../../formats/pypi/helpers";
import { deployRelease, groupBase, hex, INSTANCE_BASE, projectBase } from "../../formats/maven/helpers";
import { serveUpstreams, type UpstreamDouble } from "./upstreams";

let pypiUpstream: number;
let mavenUpstream: number;
let double: UpstreamDouble;
const wheel = "requests_mock-2.0.0-py3-none-any.whl";
const wheelBytes = new TextEncoder().encode("a wheel kept upstream");

const settings = (json: Record<string, unknown>) => ok(call("/api/v4/application/settings", { method: "PUT", token: ADMIN_TOKEN, json }));

beforeAll(async () => {
  const group = await createGroup(unique("public-indexes"));
  pypiUpstream = (await createProject(group.id, { visibility: "public" })).id;
  mavenUpstream = (await createProject(group.id, { visibility: "public" })).id;
  expect((await twineUpload(pypiUpstream, { name: "requests-mock", version: "2.0.0", fileName: wheel, bytes: wheelBytes }, { token: ADMIN_TOKEN })).res.status).toBe(201);
  expect((await twineUpload(pypiUpstream, { name: "tampered", version: "1.0", fileName: "tampered-1.0.tar.gz" }, { token: ADMIN_TOKEN })).res.status).toBe(201);
  expect(await deployRelease(projectBase(mavenUpstream), "org/central", "lib", "3.1", ADMIN_TOKEN)).not.toContain(400);
});

afterEach(async () => {
  double?.restore();
  await settings({ pypi_package_requests_forwarding: false, maven_package_requests_forwarding: false });
});

async function consumer() {
  const group = await createGroup(unique("consumer"));
  const project = await createProject(group.id, { visibility: "public" });
  return { group, project };
}

describe("PyPI request forwarding", () => {
  it("serves the upstream's project page with files at this level, verifies each file's sha256 and keeps it", async () => {
    double = serveUpstreams({ pypi: pypiUpstream });
    await settings({ pypi_package_requests_forwarding: true });
    const { group } = await consumer();
    const base = `/api/v4/groups/${group.id}/-/packages/pypi`;
    const page = await call(`${base}/simple/requests-mock/`, { headers: { accept: PIP_ACCEPT } });
    expect(page.status).toBe(200);
    expect(page.headers.get("x-packyard-forwarded")).toBe("MISS");
    const json = await page.json<{ files: { filename: string; url: string; hashes: { sha256: string } }[] }>();
    expect(json.files.map((f) => f.filename)).toEqual([wheel]);
    const sha256 = await hex("SHA-256", wheelBytes);
    expect(json.files[0]!.hashes.sha256).toBe(sha256);
    expect(json.files[0]!.url).toBe(`../../files/${sha256}/${wheel}`);
    const html = await call(`${base}/simple/requests-mock/`, { headers: { accept: "text/html" } });
    expect(await html.text()).toContain(`href="../../files/${sha256}/${wheel}#sha256=${sha256}"`);

    const file = await call(`${base}/files/${sha256}/${wheel}`);
    expect(file.status).toBe(200);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(wheelBytes);
    expect((await call(`${base}/files/${sha256}/${wheel}`)).headers.get("x-packyard-forwarded")).toBe("HIT");
    // Upstream down: the kept page and file still install.
    double.intercept = () => "hang";
    await env.DB.prepare("UPDATE cached_files SET fetched_at = 0 WHERE package_type = 'pypi'").run();
    const stale = await call(`${base}/simple/requests-mock/`, { headers: { accept: PIP_ACCEPT } });
    expect(stale.headers.get("x-packyard-forwarded")).toBe("STALE");
    expect((await call(`${base}/files/${sha256}/${wheel}`)).status).toBe(200);
  });

  it("refuses a file whose bytes do not match the page's sha256", async () => {
    double = serveUpstreams({ pypi: pypiUpstream });
    await settings({ pypi_package_requests_forwarding: true });
    const { project } = await consumer();
    const base = `/api/v4/projects/${project.id}/packages/pypi`;
    const json = await (await call(`${base}/simple/tampered/`, { headers: { accept: PIP_ACCEPT } })).json<{ files: { hashes: { sha256: string } }[] }>();
    const sha256 = json.files[0]!.hashes.sha256;
    double.intercept = (url) => (url.includes("/files/") ? new Response("tampered") : undefined);
    const res = await call(`${base}/files/${sha256}/tampered-1.0.tar.gz`);
    expect(res.status).toBe(502);
    expect((await res.json<{ message: string }>()).message).toContain("https://pypi.org");
  });

  it("serves a local name from local only, even when the upstream has it too", async () => {
    double = serveUpstreams({ pypi: pypiUpstream });
    await settings({ pypi_package_requests_forwarding: true });
    const { group, project } = await consumer();
    expect((await twineUpload(project.id, { name: "requests-mock", version: "0.1.0", fileName: "requests_mock-0.1.0.tar.gz" }, { token: ADMIN_TOKEN })).res.status).toBe(201);
    const page = await call(`/api/v4/groups/${group.id}/-/packages/pypi/simple/requests-mock/`, { headers: { accept: PIP_ACCEPT } });
    expect(page.headers.get("x-packyard-forwarded")).toBeNull();
    expect((await page.json<{ versions: string[] }>()).versions).toEqual(["0.1.0"]);
    // The upstream's file is not forwarded either: the name is local at this level.
    const sha256 = await hex("SHA-256", wheelBytes);
    expect((await call(`/api/v4/groups/${group.id}/-/packages/pypi/files/${sha256}/${wheel}`)).status).toBe(404);
    expect(double.requests).toEqual([]);
  });
});

describe("Maven request forwarding", () => {
  it("forwards files at project and group level, verified by the upstream's .sha1, and never at instance level", async () => {
    double = serveUpstreams({ maven: mavenUpstream });
    await settings({ maven_package_requests_forwarding: true });
    const { group, project } = await consumer();
    const jarPath = "org/central/lib/3.1/lib-3.1.jar";
    for (const base of [groupBase(group.id), projectBase(project.id)]) {
      const jar = await call(`${base}/${jarPath}`);
      expect(jar.status).toBe(200);
      expect(await jar.text()).toBe("jar of lib 3.1");
      expect(await (await call(`${base}/${jarPath}.sha1`)).text()).toBe(await hex("SHA-1", "jar of lib 3.1"));
    }
    const metadata = await call(`${groupBase(group.id)}/org/central/lib/maven-metadata.xml`);
    expect(metadata.status).toBe(200);
    expect(await metadata.text()).toContain("<version>3.1</version>");
    expect((await call(`${INSTANCE_BASE}/org/central/lib/3.1/lib-3.1.jar`)).status).not.toBe(200);
  });

  it("refuses a file whose .sha1 the upstream does not match", async () => {
    double = serveUpstreams({ maven: mavenUpstream });
    await settings({ maven_package_requests_forwarding: true });
    const { group } = await consumer();
    double.intercept = (url) => (url.endsWith(".pom") ? new Response("<project>changed</project>") : undefined);
    const res = await call(`${groupBase(group.id)}/org/central/lib/3.1/lib-3.1.pom`);
    expect(res.status).toBe(502);
    expect((await res.json<{ message: string }>()).message).toContain("https://repo.maven.apache.org/maven2");
  });
});
