// Packages API fields as GitLab fills them: npm dist-tags in `tags`, package files ordered by `order_by`/`sort`
// and carrying the pipeline that uploaded them, GitLab's keyset-paginated pipelines endpoint, and
// `last_downloaded_at` written at most once an hour per package (src/core/last-downloaded.ts).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { noteDownload, recordDownload } from "../../src/core/last-downloaded";
import { ADMIN_TOKEN, call, createGroup, createJobToken, createProject, createUser, addMember, ok, unique } from "../support/api";
import { seedPackage } from "../support/packages";
import { escaped, npmCall, projectPrefix, publish } from "../formats/npm/support";

describe("Packages API fields", () => {
  it("fills `tags` with the npm dist-tags pointing at each version", async () => {
    const group = await createGroup(unique("tags"));
    const project = await createProject(group.id);
    const name = `@${group.path}/tagged`;
    await publish(projectPrefix(project.id), name, "1.0.0", ADMIN_TOKEN);
    await publish(projectPrefix(project.id), name, "2.0.0-rc.1", ADMIN_TOKEN, { tag: "next" });
    await npmCall(`${projectPrefix(project.id)}/-/package/${escaped(name)}/dist-tags/stable`, { method: "PUT", bearer: ADMIN_TOKEN, body: '"1.0.0"', headers: { "content-type": "application/json" } });
    const list = await ok(call(`/api/v4/projects/${project.id}/packages?order_by=version`, { token: ADMIN_TOKEN }));
    const tags = Object.fromEntries(list.map((p: any) => [p.version, p.tags.map((t: any) => t.name).sort()]));
    expect(tags).toEqual({ "1.0.0": ["latest", "stable"], "2.0.0-rc.1": ["next"] });
    expect(list[0].tags[0]).toEqual({ id: expect.any(Number), package_id: list[0].id, name: expect.any(String), created_at: expect.any(String), updated_at: expect.any(String) });
    const details = await ok(call(`/api/v4/projects/${project.id}/packages/${list[1].id}`, { token: ADMIN_TOKEN }));
    expect(details.tags.map((t: any) => t.name)).toEqual(["next"]);
  });

  it("orders package files by id, file_name or created_at in either direction, each with its uploading pipeline", async () => {
    const project = await createProject((await createGroup()).id);
    const developer = await createUser();
    await addMember("projects", project.id, developer.id, 30);
    const pkg = await seedPackage(project.id, "generic", "files", "1.0.0", { "b.bin": "b", "c.bin": "c", "a.bin": "a" });
    const job = await createJobToken(project.id, developer.token, { pipeline_id: 4242 });
    await ok(call(`/api/v4/projects/${project.id}/packages/generic/files/1.0.0/d.bin`, { method: "PUT", headers: { "JOB-TOKEN": job.token, "content-length": "1" }, body: "d" }), 201);
    const files = (query: string) => ok(call(`/api/v4/projects/${project.id}/packages/${pkg.packageId}/package_files${query}`, { token: ADMIN_TOKEN }));
    expect((await files("?order_by=file_name")).map((f: any) => f.file_name)).toEqual(["a.bin", "b.bin", "c.bin", "d.bin"]);
    expect((await files("?order_by=file_name&sort=desc")).map((f: any) => f.file_name)).toEqual(["d.bin", "c.bin", "b.bin", "a.bin"]);
    const byId = await files("?sort=desc");
    expect(byId.map((f: any) => f.id)).toEqual([...byId.map((f: any) => f.id)].sort((a: number, b: number) => b - a));
    expect((await files("?order_by=created_at&sort=desc"))[0].file_name).toBe("d.bin");
    expect((await call(`/api/v4/projects/${project.id}/packages/${pkg.packageId}/package_files?order_by=size`, { token: ADMIN_TOKEN })).status).toBe(400);
    const d = byId.find((f: any) => f.file_name === "d.bin");
    expect(d.pipelines).toEqual([expect.objectContaining({ id: 4242, ref: "main", sha: "abc123", status: null, source: null, project_id: project.id, user: expect.objectContaining({ id: developer.id }) })]);
    expect(byId.find((f: any) => f.file_name === "a.bin")).not.toHaveProperty("pipelines");
  });

  it("pages a package's pipelines with GitLab's cursor: newest first, at most 20, a rel=next link until the end", async () => {
    const project = await createProject((await createGroup()).id);
    let packageId = 0;
    for (let i = 1; i <= 25; i++) {
      const result = await seedPackage(project.id, "generic", "built", "1.0.0", { [`f${i}.bin`]: `${i}` }, { buildInfo: { pipelineId: 500 + i, ref: "main", sha: "s", userId: null } });
      packageId = result.packageId!;
    }
    const url = `/api/v4/projects/${project.id}/packages/${packageId}/pipelines`;
    const first = await call(url, { token: ADMIN_TOKEN });
    expect(first.headers.get("x-total")).toBeNull();
    const firstPage = await first.json<any[]>();
    expect(firstPage.map((p) => p.id)).toEqual(Array.from({ length: 20 }, (_, i) => 525 - i));
    const next = first.headers.get("link")!.match(/<([^>]+)>; rel="next"/)![1]!;
    expect(new URL(next).searchParams.get("cursor")).toBeTruthy();
    const second = await call(next.replace(/^https?:\/\/[^/]+/, ""), { token: ADMIN_TOKEN });
    expect((await second.json<any[]>()).map((p) => p.id)).toEqual([505, 504, 503, 502, 501]);
    expect(second.headers.get("link")).toBeNull();
    const small = await call(`${url}?per_page=5`, { token: ADMIN_TOKEN });
    expect((await small.json<any[]>()).map((p) => p.id)).toEqual([525, 524, 523, 522, 521]);
    expect(small.headers.get("link")).toContain("per_page=5");
    expect((await call(`${url}?per_page=21`, { token: ADMIN_TOKEN })).status).toBe(400);
    expect((await call(`${url}?cursor=not-a-cursor`, { token: ADMIN_TOKEN })).status).toBe(400);
  });

  it("keeps last_downloaded_at with at most one write per package an hour, off the response path", async () => {
    const project = await createProject((await createGroup()).id);
    const { packageId } = await seedPackage(project.id, "generic", "downloaded", "1.0.0");
    const shown = async () => (await ok(call(`/api/v4/projects/${project.id}/packages/${packageId}`, { token: ADMIN_TOKEN }))).last_downloaded_at;
    expect(await shown()).toBeNull();
    const start = Date.parse("2030-01-01T10:00:00Z");
    const deferred: Promise<unknown>[] = [];
    noteDownload(env, packageId!, (work) => deferred.push(work), start);
    expect(deferred).toHaveLength(1);
    await Promise.all(deferred);
    expect(await shown()).toBe("2030-01-01T10:00:00.000Z");
    // The marker in this data centre's cache keeps the next downloads from writing.
    expect(await recordDownload(env.DB, packageId!, start + 60_000)).toBe(false);
    // Another data centre (another cache) within the hour: the UPDATE's own guard leaves the row alone.
    expect(await recordDownload(env.DB, packageId!, start + 30 * 60_000, await caches.open(unique("dc")))).toBe(false);
    expect(await shown()).toBe("2030-01-01T10:00:00.000Z");
    // An hour later it is written again.
    expect(await recordDownload(env.DB, packageId!, start + 61 * 60_000, await caches.open(unique("dc")))).toBe(true);
    expect(await shown()).toBe("2030-01-01T11:01:00.000Z");
  });
});
