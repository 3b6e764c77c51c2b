// npm publish and install against the Worker: packuments in both forms, tarballs, digests, duplicates,
// bad input, permissions, group and instance level, and the edge cache for anonymous pulls.
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { ADMIN_TOKEN, call, createDeployToken, createJobToken, createProject, unique } from "../../support/api";
import {
  escaped,
  groupPrefix,
  INSTALL_ACCEPT,
  INSTANCE_PREFIX,
  npmCall,
  projectPrefix,
  publish,
  publishBody,
  seedNpmProject,
  storageCounts,
  storeVersionDirectly,
} from "./support";

async function sha(algorithm: string, bytes: ArrayBuffer | Uint8Array) {
  return [...new Uint8Array(await crypto.subtle.digest(algorithm, bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("npm publish and install at project level", () => {
  it("answers 404 before the first publish, then serves both packument forms and the tarball", async () => {
    const { project, developer, scope } = await seedNpmProject();
    const prefix = projectPrefix(project.id);
    const name = `${scope}/hello`;
    const before = await npmCall(`${prefix}/${escaped(name)}`, { bearer: developer.token, headers: { accept: INSTALL_ACCEPT } });
    expect(before.status).toBe(404);
    expect(await before.json()).toMatchObject({ error: expect.stringContaining("404") });

    const { response, tarball, shasum, integrity } = await publish(prefix, name, "1.0.0", developer.token, {
      manifest: { dependencies: { [`${scope}/dep`]: "^1.0.0" }, bin: { hello: "bin.js" }, engines: { node: ">=18" }, os: ["linux"], cpu: ["x64"], scripts: { install: "node-gyp rebuild" } },
    });
    expect(response.status).toBe(200);

    const abbreviated = await npmCall(`${prefix}/${escaped(name)}`, { bearer: developer.token, headers: { accept: INSTALL_ACCEPT } });
    expect(abbreviated.status).toBe(200);
    expect(abbreviated.headers.get("content-type")).toContain("application/vnd.npm.install-v1+json");
    const doc = (await abbreviated.json()) as any;
    const tarballUrl = `http://packyard.test${prefix}/${name}/-/${name}-1.0.0.tgz`;
    expect(doc["dist-tags"]).toEqual({ latest: "1.0.0" });
    expect(doc.versions["1.0.0"]).toEqual({
      name,
      version: "1.0.0",
      dependencies: { [`${scope}/dep`]: "^1.0.0" },
      bin: { hello: "bin.js" },
      engines: { node: ">=18" },
      os: ["linux"],
      cpu: ["x64"],
      hasInstallScript: true,
      dist: { shasum, integrity, tarball: tarballUrl },
    });

    const full = (await (await npmCall(`${prefix}/${name}`, { bearer: developer.token, headers: { accept: "application/json" } })).json()) as any;
    expect(full).toMatchObject({ _id: name, name, "dist-tags": { latest: "1.0.0" }, description: `the ${name} package` });
    expect(full.time["1.0.0"]).toMatch(/^\d{4}-/);
    expect(full._rev).toMatch(/^p\d+r\d+$/);
    expect(full.versions["1.0.0"].readme).toBeUndefined();
    expect(full.versions["1.0.0"].main).toBe("index.js");

    for (const path of [`${prefix}/${name}/-/${name}-1.0.0.tgz`, `${prefix}/${escaped(name)}/-/hello-1.0.0.tgz`]) {
      const file = await npmCall(path, { bearer: developer.token });
      expect(file.status).toBe(200);
      const bytes = new Uint8Array(await file.arrayBuffer());
      expect(bytes).toEqual(tarball);
      expect(await sha("SHA-1", bytes)).toBe(shasum);
    }
    expect((await npmCall(`${prefix}/${name}/-/${name}-9.9.9.tgz`, { bearer: developer.token })).status).toBe(404);
  });

  it("publishes unscoped names at project level and refuses a duplicate version with 403", async () => {
    const { project, developer } = await seedNpmProject();
    const name = unique("plain").toLowerCase();
    expect((await publish(projectPrefix(project.id), name, "0.1.0", developer.token)).response.status).toBe(200);
    const again = await publish(projectPrefix(project.id), name, "0.1.0", developer.token);
    expect(again.response.status).toBe(403);
    expect(await again.response.json()).toMatchObject({ error: "Package already exists" });
    const doc = (await (await npmCall(`${projectPrefix(project.id)}/${name}`, { bearer: developer.token })).json()) as any;
    expect(Object.keys(doc.versions)).toEqual(["0.1.0"]);
  });

  it("refuses a tarball that does not match dist.shasum or dist.integrity and keeps nothing", async () => {
    const { project, developer, scope } = await seedNpmProject();
    const prefix = projectPrefix(project.id);
    const before = await storageCounts();
    const wrongSha1 = await publish(prefix, `${scope}/bad`, "1.0.0", developer.token, { shasum: "0".repeat(40) });
    expect(wrongSha1.response.status).toBe(400);
    expect(((await wrongSha1.response.json()) as any).error).toMatch(/shasum/);
    const wrongIntegrity = await publish(prefix, `${scope}/bad`, "1.0.0", developer.token, { integrity: `sha512-${btoa("nope")}` });
    expect(wrongIntegrity.response.status).toBe(400);
    expect(((await wrongIntegrity.response.json()) as any).error).toMatch(/integrity/);
    expect(await storageCounts()).toEqual(before);
    expect((await npmCall(`${prefix}/${escaped(`${scope}/bad`)}`, { bearer: developer.token })).status).toBe(404);
  });

  it("answers bad input with 400 in npm's error shape and leaves no blob", async () => {
    const { project, developer, scope } = await seedNpmProject();
    const prefix = projectPrefix(project.id);
    const before = await storageCounts();
    const put = (name: string, body: string) => npmCall(`${prefix}/${escaped(name)}`, { method: "PUT", bearer: developer.token, body, headers: { "content-type": "application/json" } });
    const cases: [string, string, RegExp][] = [
      [`${scope}/x`, "{not json", /JSON/],
      [`${scope}/x`, (await publishBody(`${scope}/x`, "1.0")).body, /semver/],
      [`${scope}/x`, (await publishBody(`${scope}/other`, "1.0.0")).body, /does not match/],
      ["Upper", (await publishBody("Upper", "1.0.0")).body, /capital/],
      [`${scope}/x`, (await publishBody(`${scope}/x`, "1.0.0", { manifest: { huge: "y".repeat(20_001) } })).body, /too large/],
      [`${scope}/x`, JSON.stringify({ name: `${scope}/x`, versions: { "1.0.0": {} }, _attachments: { a: { data: "AAAA" }, b: { data: "AAAA" } } }), /only one/],
      [`${scope}/x`, `{"name": "${scope}/x", "_attachments": {"f": {"data": "@@@@"}}}`, /base64/],
    ];
    for (const [name, body, message] of cases) {
      const response = await put(name, body);
      expect(response.status, String(message)).toBe(400);
      expect(((await response.json()) as any).error).toMatch(message);
    }
    expect(await storageCounts()).toEqual(before);
  });

  it("asks anonymous callers of private projects to log in, forbids reporters to publish, 404s strangers", async () => {
    const { project, reporter, scope } = await seedNpmProject();
    const prefix = projectPrefix(project.id);
    const anonymous = await npmCall(`${prefix}/${escaped(`${scope}/x`)}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Basic/);
    const badToken = await npmCall(`${prefix}/${escaped(`${scope}/x`)}`, { bearer: "glpat-not-a-token" });
    expect(badToken.status).toBe(401);
    expect(badToken.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const anonymousPublish = await npmCall(`${prefix}/${escaped(`${scope}/x`)}`, { method: "PUT", body: (await publishBody(`${scope}/x`, "1.0.0")).body });
    expect(anonymousPublish.status).toBe(401);
    expect((await publish(prefix, `${scope}/x`, "1.0.0", reporter.token)).response.status).toBe(403);
    const stranger = await call("/api/v4/users", { method: "POST", token: ADMIN_TOKEN, json: { username: unique("s"), name: "s" } }).then((r) => r.json() as any);
    const strangerToken = await call(`/api/v4/users/${stranger.id}/personal_access_tokens`, { method: "POST", token: ADMIN_TOKEN, json: { name: "t", scopes: ["api"] } }).then((r) => r.json() as any);
    expect((await npmCall(`${prefix}/${escaped(`${scope}/x`)}`, { bearer: strangerToken.token })).status).toBe(404);
  });

  it("accepts deploy tokens with write_package_registry and job tokens (recording the pipeline); read-only tokens only install", async () => {
    const { project, developer, scope } = await seedNpmProject();
    const prefix = projectPrefix(project.id);
    const writer = await createDeployToken("projects", project.id, ["write_package_registry"]);
    const reader = await createDeployToken("projects", project.id, ["read_package_registry"]);
    expect((await publish(prefix, `${scope}/deployed`, "1.0.0", writer.token)).response.status).toBe(200);
    expect((await publish(prefix, `${scope}/deployed`, "1.1.0", reader.token)).response.status).toBe(403);
    expect((await npmCall(`${prefix}/${escaped(`${scope}/deployed`)}`, { bearer: reader.token })).status).toBe(200);
    const job = await createJobToken(project.id, developer.token);
    expect((await publish(prefix, `${scope}/deployed`, "1.2.0", job.token)).response.status).toBe(200);
    const listed = (await (await call(`/api/v4/projects/${project.id}/packages?package_type=npm`, { token: ADMIN_TOKEN })).json()) as any[];
    const built = listed.find((p) => p.version === "1.2.0");
    const pipelines = (await (await call(`/api/v4/projects/${project.id}/packages/${built.id}/pipelines`, { token: ADMIN_TOKEN })).json()) as any[];
    expect(pipelines[0].id).toBe(job.pipeline_id);
  });

  it("refuses publishing at group and instance level, also for a Maintainer of an existing package", async () => {
    const { group, project, developer, maintainer, scope } = await seedNpmProject();
    for (const prefix of [groupPrefix(group.id), INSTANCE_PREFIX]) {
      expect((await publish(prefix, `${scope}/x`, "1.0.0", developer.token)).response.status).toBe(404);
    }
    await publish(projectPrefix(project.id), `${scope}/x`, "1.0.0", developer.token);
    for (const prefix of [groupPrefix(group.id), INSTANCE_PREFIX]) {
      const response = (await publish(prefix, `${scope}/x`, "2.0.0", maintainer.token)).response;
      expect(response.status).toBe(404);
      expect(((await response.json()) as any).error).toMatch(/project level/);
    }
    const doc = (await (await npmCall(`${projectPrefix(project.id)}/${escaped(`${scope}/x`)}`, { bearer: maintainer.token })).json()) as any;
    expect(Object.keys(doc.versions)).toEqual(["1.0.0"]);
  });
});

describe("npm installs at group and instance level", () => {
  it("serves the newest package per version across readable projects, with tarball URLs on the same prefix", async () => {
    const { group, project, developer, scope } = await seedNpmProject();
    const second = await createProject(group.id, { visibility: "private" });
    const hidden = await createProject(group.id, { visibility: "private" });
    const name = `${scope}/shared`;
    await publish(projectPrefix(project.id), name, "1.0.0", ADMIN_TOKEN);
    await publish(projectPrefix(project.id), name, "1.1.0", ADMIN_TOKEN);
    // npm publish refuses 1.1.0 in a second project of the namespace; older data may still hold it twice
    expect((await publish(projectPrefix(second.id), name, "1.1.0", ADMIN_TOKEN)).response.status).toBe(403);
    const newer = await storeVersionDirectly(second.id, name, "1.1.0");
    await publish(projectPrefix(hidden.id), name, "3.0.0", ADMIN_TOKEN);
    await call(`/api/v4/projects/${second.id}/members`, { method: "POST", token: ADMIN_TOKEN, json: { user_id: developer.id, access_level: 20 } });

    for (const prefix of [groupPrefix(group.id), groupPrefix(encodeURIComponent(group.full_path)), INSTANCE_PREFIX]) {
      const response = await npmCall(`${prefix}/${escaped(name)}`, { bearer: developer.token, headers: { accept: INSTALL_ACCEPT } });
      expect(response.status, prefix).toBe(200);
      const doc = (await response.json()) as any;
      expect(Object.keys(doc.versions).sort()).toEqual(["1.0.0", "1.1.0"]);
      expect(doc.versions["1.1.0"].dist.shasum).toBe(newer.shasum);
      expect(doc.versions["1.1.0"].dist.tarball).toBe(`http://packyard.test${prefix}/${name}/-/${name}-1.1.0.tgz`);
      const file = await npmCall(new URL(doc.versions["1.1.0"].dist.tarball).pathname, { bearer: developer.token });
      expect(new Uint8Array(await file.arrayBuffer())).toEqual(newer.tarball);
    }
    // the hidden project's 3.0.0 is not reachable, its tarball neither
    expect((await npmCall(`${INSTANCE_PREFIX}/${name}/-/${name}-3.0.0.tgz`, { bearer: developer.token })).status).toBe(404);
  });

  it("instance level needs a scope that is a top-level namespace; anonymous callers are asked to log in", async () => {
    const { project, developer, scope } = await seedNpmProject();
    await publish(projectPrefix(project.id), `${scope}/inst`, "1.0.0", developer.token);
    expect((await npmCall(`${INSTANCE_PREFIX}/unscoped`, { bearer: developer.token })).status).toBe(404);
    expect((await npmCall(`${INSTANCE_PREFIX}/@no-such-namespace%2fx`, { bearer: developer.token })).status).toBe(404);
    const anonymous = await npmCall(`${INSTANCE_PREFIX}/${escaped(`${scope}/inst`)}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBeTruthy();
  });
});

describe("edge cache for anonymous installs", () => {
  it("serves public packuments and tarballs from the cache and shows a publish at once", async () => {
    const { project, developer, scope } = await seedNpmProject({ visibility: "public" }, { visibility: "public" });
    const prefix = projectPrefix(project.id);
    const name = `${scope}/cached`;
    await publish(prefix, name, "1.0.0", developer.token);
    const get = () => npmCall(`${prefix}/${escaped(name)}`, { headers: { accept: INSTALL_ACCEPT } });
    const first = await get();
    expect(first.headers.get("x-packyard-cache")).toBe("MISS");
    await first.arrayBuffer();
    const second = await get();
    expect(second.headers.get("x-packyard-cache")).toBe("HIT");
    expect(Object.keys(((await second.json()) as any).versions)).toEqual(["1.0.0"]);

    await publish(prefix, name, "1.1.0", developer.token);
    const afterPublish = await get();
    expect(afterPublish.headers.get("x-packyard-cache")).toBe("MISS");
    expect(Object.keys(((await afterPublish.json()) as any).versions)).toEqual(["1.0.0", "1.1.0"]);

    const withToken = await npmCall(`${prefix}/${escaped(name)}`, { bearer: developer.token });
    expect(withToken.headers.get("x-packyard-cache")).toBe("BYPASS");
    expect(withToken.headers.get("cache-control")).toMatch(/private/);

    const tarball = `${prefix}/${name}/-/${name}-1.0.0.tgz`;
    expect((await npmCall(tarball)).headers.get("x-packyard-cache")).toBe("MISS");
    const cachedTarball = await npmCall(tarball);
    expect(cachedTarball.headers.get("x-packyard-cache")).toBe("HIT");
    expect(cachedTarball.status).toBe(200);
  });

  it("caches for projects that allow anyone to pull, and varies on Accept", async () => {
    const { project, developer, scope } = await seedNpmProject({ visibility: "private", package_registry_access_level: "public" });
    const prefix = projectPrefix(project.id);
    await publish(prefix, `${scope}/open`, "1.0.0", developer.token);
    const abbreviated = await npmCall(`${prefix}/${escaped(`${scope}/open`)}`, { headers: { accept: INSTALL_ACCEPT } });
    expect(abbreviated.status).toBe(200);
    await abbreviated.arrayBuffer();
    const full = await npmCall(`${prefix}/${escaped(`${scope}/open`)}`, { headers: { accept: "application/json" } });
    expect(full.headers.get("x-packyard-cache")).toBe("MISS");
    expect(((await full.json()) as any)._id).toBe(`${scope}/open`);
  });
});

describe("large publish bodies", () => {
  it("streams a multi-part attachment (over 8 MiB, chunked) into R2 with matching digests", async () => {
    const { project, developer, scope } = await seedNpmProject();
    const tarball = new Uint8Array(9 * 1024 * 1024 + 123);
    for (let i = 0; i < tarball.length; i += 4096) tarball[i] = i % 251;
    const built = await publishBody(`${scope}/big`, "1.0.0", { tarball });
    const bytes = new TextEncoder().encode(built.body);
    let offset = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(offset, offset + 65_536));
        offset += 65_536;
      },
    });
    const response = await call(`${projectPrefix(project.id)}/${escaped(`${scope}/big`)}`, {
      method: "PUT",
      body: stream,
      headers: { authorization: `Bearer ${developer.token}`, "content-type": "application/json" },
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(200);
    const file = await npmCall(`${projectPrefix(project.id)}/${scope}/big/-/${scope}/big-1.0.0.tgz`, { bearer: developer.token });
    expect(await sha("SHA-1", await file.arrayBuffer())).toBe(built.shasum);
    expect(env.BLOBS).toBeDefined();
  });
});
