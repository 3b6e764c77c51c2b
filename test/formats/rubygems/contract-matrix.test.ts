// The contract suite's checks for RubyGems' table entry (test/contract/formats/rubygems.ts), run here until the
// suite can compare downloads with the bytes a format stores (a pushed .gem wraps the suite's bytes): the access
// table for every caller and project kind, the Packages API record, inert downloads with digests, duplicates,
// deletes and the edge cache.
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, unique } from "../../support/api";
import { ACCESS, CALLERS, PROJECT_KIND_LABELS, PROJECT_KINDS, type ProjectKind } from "../../contract/access";
import { judge, packageRecord, sameBytes } from "../../contract/checks";
import { createFixture, type Fixture } from "../../contract/fixtures";
import { gemOf, rubygems as format } from "../../contract/formats/rubygems";
import { bytesFor, digestsOf, drain, get, nextVersion } from "../../contract/support";
import type { Credential, PackageVersion } from "../../contract/types";

let fx: Fixture;
beforeAll(async () => {
  fx = await createFixture({});
}, 60_000);

interface Published {
  base: string;
  v: PackageVersion;
  gem: Uint8Array;
}

async function publish(projectId: number, credential: Credential, options: { base?: string; version?: string; label?: string } = {}): Promise<Published> {
  const base = options.base ?? unique("contract-rubygems");
  const v = format.packageVersion(base, options.version ?? nextVersion());
  const bytes = bytesFor(options.label ?? `${base}@${v.version}`);
  const res = await format.upload(projectId, v, bytes, format.credentials(credential));
  expect(res.status, await res.clone().text()).toBe(201);
  await res.arrayBuffer();
  return { base, v, gem: await gemOf(v, bytes) };
}

const project = (id: number) => ({ kind: "project", id }) as const;
const cacheOf = (res: Response) => res.headers.get("x-packyard-cache");

describe("rubygems contract (run by the format until the suite wraps uploads)", () => {
  const seeds = {} as Record<ProjectKind, Published>;
  beforeAll(async () => {
    for (const kind of PROJECT_KINDS) seeds[kind] = await publish(fx.tenants[kind].project.id, fx.developer);
  });

  it("wraps the suite's bytes into the same .gem every time", async () => {
    const v = format.packageVersion("same", "1.0.0");
    const bytes = bytesFor("same");
    expect(sameBytes(await gemOf(v, bytes), await gemOf(v, bytes))).toBe(true);
  });

  it("lists a push in the Packages API with the file's sha256", async () => {
    const projectId = fx.tenants.private.project.id;
    const published = await publish(projectId, fx.developer);
    const record = await packageRecord(format, projectId, published.v);
    const files = (await (await call(`/api/v4/projects/${projectId}/packages/${record.id}/package_files`, { token: ADMIN_TOKEN })).json()) as { file_name: string; file_sha256: string }[];
    expect(files.map((f) => [f.file_name, f.file_sha256])).toEqual([[published.v.fileName, (await digestsOf(published.gem)).sha256]]);
  });

  it("serves the .gem with its bytes, ETag, digests, HEAD and Range, inert and as an attachment; info is inert too", async () => {
    const seed = seeds.public;
    const digests = await digestsOf(seed.gem);
    const auth = format.credentials(fx.developer);
    const path = format.downloadPath(project(fx.tenants.public.project.id), seed.v, digests.sha256);
    const res = await get(path, auth);
    expect(res.status).toBe(200);
    expect(sameBytes(new Uint8Array(await res.arrayBuffer()), seed.gem)).toBe(true);
    expect(res.headers.get("etag")).toBe(`"${digests.sha256}"`);
    expect(res.headers.get("x-checksum-sha1")).toBe(digests.sha1);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toMatch(/(^|; )sandbox(;|$)/);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment;/);
    const head = await get(path, auth, "HEAD");
    expect(head.headers.get("content-length")).toBe(String(seed.gem.byteLength));
    expect((await get(path, { ...auth, range: "bytes=0-7" })).status).toBe(206);
    const info = await get(format.metadata!.path(project(fx.tenants.public.project.id), seed.v), auth);
    expect(info.headers.get("content-security-policy")).toMatch(/(^|; )sandbox(;|$)/);
    expect(format.metadata!.versions(await info.text())).toContain(seed.v.version);
  });

  it("takes a duplicate and serves the newest bytes", async () => {
    const tenant = fx.tenants.private;
    const first = await publish(tenant.project.id, fx.developer);
    const again = await publish(tenant.project.id, fx.developer, { base: first.base, version: first.v.version, label: "duplicate" });
    const served = await get(format.downloadPath(project(tenant.project.id), first.v, ""), format.credentials(fx.developer));
    expect(sameBytes(new Uint8Array(await served.arrayBuffer()), again.gem)).toBe(true);
  });

  it("deletes through the Packages API (Maintainer only): the file and the metadata are gone, cached or not", async () => {
    const tenant = fx.tenants.public;
    const published = await publish(tenant.project.id, fx.developer);
    const reads = [format.downloadPath(project(tenant.project.id), published.v, ""), format.metadata!.path(project(tenant.project.id), published.v)];
    for (const path of reads) for (let i = 0; i < 2; i++) expect((await drain(await get(path))).byteLength).toBeGreaterThan(0);
    const { id } = await packageRecord(format, tenant.project.id, published.v);
    const remove = (token: string) => call(`/api/v4/projects/${tenant.project.id}/packages/${id}`, { method: "DELETE", token });
    expect((await remove(fx.developer.token)).status).toBe(403);
    expect((await remove(fx.maintainer.token)).status).toBe(204);
    for (const path of reads) {
      expect((await get(path)).status, path).toBe(404);
      expect((await get(path, format.credentials(fx.developer))).status, path).toBe(404);
    }
  });

  for (const kind of PROJECT_KINDS) {
    it(`answers reads and pushes on ${PROJECT_KIND_LABELS[kind]} as the access table says, for every caller`, async () => {
      const tenant = fx.tenants[kind];
      const seed = seeds[kind];
      const level = project(tenant.project.id);
      const problems = await Promise.all(
        CALLERS.map(async (caller) => {
          const [read, upload] = ACCESS[caller][kind];
          const credential = tenant.callers[caller];
          const auth = format.credentials(credential);
          const sent = credential !== null;
          const found = [
            ...(await judge(format, `${caller} download`, await get(format.downloadPath(level, seed.v, ""), auth), read, 200, sent, seed.gem)),
            ...(await judge(format, `${caller} info`, await get(format.metadata!.path(level, seed.v), auth), read, 200, sent)),
            ...(await judge(format, `${caller} versions`, await get(`/api/v4/projects/${tenant.project.id}/packages/rubygems/versions`, auth), read, 200, sent)),
          ];
          const v = format.packageVersion(seed.base, nextVersion());
          found.push(...(await judge(format, `${caller} push`, await format.upload(tenant.project.id, v, bytesFor(caller), auth), upload, 201, sent)));
          return found;
        }),
      );
      expect(problems.flat()).toEqual([]);
    });
  }

  it("serves anonymous pulls of a public gem MISS then HIT, credentialed pulls BYPASS, and shows a push at once", async () => {
    const tenant = fx.tenants.public;
    const published = await publish(tenant.project.id, fx.developer);
    const paths = [format.downloadPath(project(tenant.project.id), published.v, ""), format.metadata!.path(project(tenant.project.id), published.v), `/api/v4/projects/${tenant.project.id}/packages/rubygems/versions`];
    for (const path of paths) {
      const first = await get(path);
      expect(cacheOf(first), path).toBe("MISS");
      const firstBytes = await drain(first);
      const second = await get(path);
      expect(cacheOf(second), path).toBe("HIT");
      expect(sameBytes(await drain(second), firstBytes)).toBe(true);
      const credentialed = await get(path, format.credentials(fx.developer));
      expect(cacheOf(credentialed), path).toBe("BYPASS");
      expect(credentialed.headers.get("cache-control"), path).toMatch(/^private/);
      await credentialed.arrayBuffer();
    }
    const next = await publish(tenant.project.id, fx.developer, { base: published.base });
    const after = await get(format.metadata!.path(project(tenant.project.id), published.v));
    expect(cacheOf(after)).toBe("MISS");
    expect(format.metadata!.versions(await after.text())).toEqual(expect.arrayContaining([published.v.version, next.v.version]));
  });
});
