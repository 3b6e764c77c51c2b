// The cross-format contract (DESIGN habit 8): every format in FORMATS passes the same suite — upload,
// duplicate, download with hashes, metadata, delete, the access table (access.ts) and the edge-cache rules.
//
// A new format joins with one table entry:
//   1. Write test/contract/formats/<format>.ts exporting a `ContractFormat` (types.ts): how its real client
//      uploads one file and sends each kind of credential, the download path at project (and group) level,
//      its metadata document and how to read the versions from it (or `metadata: null`), what a duplicate
//      upload answers by default and under the group setting that forbids it, and its 401 challenge.
//   2. Add it to CONTRACT_FORMATS in test/contract/formats/index.ts (this suite and changes.test.ts read it).
//   3. Run `npx vitest run test/contract`. Do not edit access.ts for a format: the access table is
//      GitLab's and the same for every format; a mismatch is a bug in the format.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call } from "../support/api";
import { ACCESS, CALLERS, PROJECT_KIND_LABELS, PROJECT_KINDS, type ProjectKind } from "./access";
import { judge, packageRecord, publish, sameBytes, type Published } from "./checks";
import { createFixture, type Fixture, type Tenant } from "./fixtures";
import { CONTRACT_FORMATS } from "./formats";
import { digestsOf, drain, fileFor, get, nextVersion } from "./support";
import type { ContractFormat, Level } from "./types";

const FORMATS = CONTRACT_FORMATS;

let fx: Fixture;
beforeAll(async () => {
  fx = await createFixture(Object.assign({}, ...FORMATS.map((f) => f.duplicates.whenForbidden?.settings ?? {})));
}, 60_000);

const project = (id: number): Level => ({ kind: "project", id });
const hexOf = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

interface PackageFileJson {
  id: number;
  file_name: string;
  file_sha256: string;
  file_md5: string | null;
  file_sha1: string | null;
}
const cacheOf = (res: Response) => res.headers.get("x-packyard-cache");

/** The tenant's project, and its group where the format reads at group level. */
function levelsOf(format: ContractFormat, tenant: Tenant): Level[] {
  return [project(tenant.project.id), ...(format.groupLevel ? [{ kind: "group", id: tenant.group.id } as const] : [])];
}

/** Every anonymous read of a published version: its file and its metadata document, at every level. */
function readsOf(format: ContractFormat, tenant: Tenant, published: Published): { path: string; headers: Record<string, string> }[] {
  return levelsOf(format, tenant).flatMap((level) => [
    { path: format.downloadPath(level, published.v, published.digests.sha256), headers: {} },
    ...(format.metadata ? [{ path: format.metadata.path(level, published.v), headers: format.metadata.headers }] : []),
  ]);
}

for (const format of FORMATS) {
  describe(`${format.packageType} contract`, () => {
    const metadata = format.metadata;
    /** One version per project kind, published by the Developer: what the access table's reads fetch. */
    const seeds = {} as Record<ProjectKind, Published>;
    beforeAll(async () => {
      for (const kind of PROJECT_KINDS) seeds[kind] = await publish(format, fx.tenants[kind].project.id, fx.developer);
    });

    it(`answers an upload as its client sends it with ${format.uploaded} and lists it in the Packages API with the digests it keeps (${["sha256", ...format.digests].join(", ")})`, async () => {
      const projectId = fx.tenants.private.project.id;
      const published = await publish(format, projectId, fx.developer);
      const record = await packageRecord(format, projectId, published.v);
      const files = (await (await call(`/api/v4/projects/${projectId}/packages/${record.id}/package_files`, { token: ADMIN_TOKEN })).json()) as PackageFileJson[];
      const kept = (name: "md5" | "sha1" | "sha512", value: string) => (format.digests.includes(name) ? value : null);
      expect(files.map((f) => [f.file_name, f.file_sha256, f.file_md5, f.file_sha1])).toEqual([
        [published.v.fileName, published.digests.sha256, kept("md5", published.digests.md5), kept("sha1", published.digests.sha1)],
      ]);
      const row = await env.DB.prepare("SELECT sha512 FROM package_files WHERE id = ?").bind(files[0]!.id).first<{ sha512: string | null }>();
      expect(row?.sha512).toBe(kept("sha512", hexOf(published.digests.sha512)));
    });

    it("serves the file with its bytes, ETag and X-Checksum-* headers, HEAD and Range, inert and as an attachment, at every level it has", async () => {
      const seed = seeds.public;
      const auth = format.credentials(fx.developer);
      for (const level of levelsOf(format, fx.tenants.public)) {
        const path = format.downloadPath(level, seed.v, seed.digests.sha256);
        const res = await get(path, auth);
        expect(res.status, path).toBe(200);
        expect(sameBytes(new Uint8Array(await res.arrayBuffer()), seed.bytes), path).toBe(true);
        expect(res.headers.get("etag")).toBe(`"${seed.digests.sha256}"`);
        expect(res.headers.get("x-checksum-sha256")).toBe(seed.digests.sha256);
        expect(res.headers.get("x-checksum-sha1")).toBe(format.digests.includes("sha1") ? seed.digests.sha1 : null);
        expect(res.headers.get("x-checksum-md5")).toBe(format.digests.includes("md5") ? seed.digests.md5 : null);
        // Other people's bytes on the web pages' origin never run as a page (docs/security.md).
        expect(res.headers.get("x-content-type-options")).toBe("nosniff");
        expect(res.headers.get("content-security-policy")).toMatch(/(^|; )sandbox(;|$)/);
        expect(res.headers.get("content-disposition")).toMatch(/^attachment;/);
        const head = await get(path, auth, "HEAD");
        expect(head.status).toBe(200);
        expect(head.headers.get("content-length")).toBe(String(seed.bytes.byteLength));
        expect(await head.text()).toBe("");
        const range = await get(path, { ...auth, range: "bytes=0-7" });
        expect(range.status).toBe(206);
        expect(sameBytes(new Uint8Array(await range.arrayBuffer()), seed.bytes.subarray(0, 8))).toBe(true);
      }
    });

    it.skipIf(!metadata)("lists the version in its metadata document at every level it has", async () => {
      const seed = seeds.public;
      for (const level of levelsOf(format, fx.tenants.public)) {
        const res = await get(metadata!.path(level, seed.v), { ...metadata!.headers, ...format.credentials(fx.developer) });
        expect(res.status).toBe(200);
        expect(res.headers.get("x-content-type-options")).toBe("nosniff");
        expect(res.headers.get("content-security-policy")).toMatch(/(^|; )sandbox(;|$)/);
        expect(metadata!.versions(await res.text())).toContain(seed.v.version);
      }
    });

    const byDefault = format.duplicates.byDefault;
    it(`answers a duplicate upload ${byDefault === "allowed" ? "with success and serves the newest bytes" : `with ${byDefault.status}, keeping the first file`}`, async () => {
      const tenant = fx.tenants.private;
      const first = await publish(format, tenant.project.id, fx.developer);
      const again = await fileFor(format, first.v, "duplicate");
      const res = await format.upload(tenant.project.id, first.v, again, format.credentials(fx.developer));
      if (byDefault === "allowed") expect(res.status, await res.text()).toBe(format.uploaded);
      else {
        expect(res.status).toBe(byDefault.status);
        expect(await res.json()).toMatchObject(byDefault.body(first.v));
      }
      const served = byDefault === "allowed" ? again : first.bytes;
      const path = format.downloadPath(project(tenant.project.id), first.v, (await digestsOf(served)).sha256);
      expect(sameBytes(new Uint8Array(await (await get(path, format.credentials(fx.developer))).arrayBuffer()), served)).toBe(true);
    });

    const whenForbidden = format.duplicates.whenForbidden;
    it.skipIf(!whenForbidden)(`refuses a duplicate with ${whenForbidden?.answer.status} when the group's setting forbids it, and still takes new versions`, async () => {
      const { project: strict, developer } = fx.strict;
      const first = await publish(format, strict.id, developer);
      const res = await format.upload(strict.id, first.v, await fileFor(format, first.v, "forbidden duplicate"), format.credentials(developer));
      expect(res.status).toBe(whenForbidden!.answer.status);
      expect(await res.json()).toMatchObject(whenForbidden!.answer.body(first.v));
      const served = await get(format.downloadPath(project(strict.id), first.v, first.digests.sha256), format.credentials(developer));
      expect(sameBytes(new Uint8Array(await served.arrayBuffer()), first.bytes)).toBe(true);
      await publish(format, strict.id, developer, { base: first.base });
    });

    it("deletes through the Packages API (Maintainer only): the file and the metadata are gone, cached or not", async () => {
      const tenant = fx.tenants.public;
      const published = await publish(format, tenant.project.id, fx.developer);
      const reads = readsOf(format, tenant, published);
      for (const read of reads) for (let i = 0; i < 2; i++) expect((await drain(await get(read.path, read.headers))).byteLength).toBeGreaterThan(0);
      const { id } = await packageRecord(format, tenant.project.id, published.v);
      const remove = (token: string) => call(`/api/v4/projects/${tenant.project.id}/packages/${id}`, { method: "DELETE", token });
      expect((await remove(fx.developer.token)).status).toBe(403);
      expect((await remove(fx.maintainer.token)).status).toBe(204);
      for (const read of reads) {
        expect((await get(read.path, read.headers)).status, `anonymous ${read.path}`).toBe(404);
        expect((await get(read.path, { ...read.headers, ...format.credentials(fx.developer) })).status, `developer ${read.path}`).toBe(404);
      }
      expect((await call(`/api/v4/projects/${tenant.project.id}/packages/${id}`, { token: ADMIN_TOKEN })).status).toBe(404);
    });

    describe("access", () => {
      for (const kind of PROJECT_KINDS) {
        it(`answers reads and uploads on ${PROJECT_KIND_LABELS[kind]} as the access table says, for every caller`, async () => {
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
                ...(await judge(format, `${caller} download`, await get(format.downloadPath(level, seed.v, seed.digests.sha256), auth), read, 200, sent, seed.bytes)),
              ];
              if (metadata) found.push(...(await judge(format, `${caller} metadata`, await get(metadata.path(level, seed.v), { ...metadata.headers, ...auth }), read, 200, sent)));
              const v = format.packageVersion(seed.base, nextVersion());
              found.push(...(await judge(format, `${caller} upload`, await format.upload(tenant.project.id, v, await fileFor(format, v, caller), auth), upload, format.uploaded, sent)));
              return found;
            }),
          );
          expect(problems.flat()).toEqual([]);
        });
      }
    });

    describe("edge cache", () => {
      it("serves anonymous pulls of a public package MISS then HIT, credentialed pulls BYPASS and private, and shows a publish at once", async () => {
        const tenant = fx.tenants.public;
        const published = await publish(format, tenant.project.id, fx.developer);
        for (const { path, headers } of readsOf(format, tenant, published)) {
          const first = await get(path, headers);
          expect(cacheOf(first), path).toBe("MISS");
          const firstBytes = await drain(first);
          const second = await get(path, headers);
          expect(cacheOf(second), path).toBe("HIT");
          expect(sameBytes(await drain(second), firstBytes)).toBe(true);
          const credentialed = await get(path, { ...headers, ...format.credentials(fx.developer) });
          expect(cacheOf(credentialed), path).toBe("BYPASS");
          expect(credentialed.headers.get("cache-control"), path).toMatch(/^private/);
          await credentialed.arrayBuffer();
        }
        if (metadata) {
          // A new version: the next anonymous read of the metadata is built again and lists it.
          const next = await publish(format, tenant.project.id, fx.developer, { base: published.base });
          for (const level of levelsOf(format, tenant)) {
            const after = await get(metadata.path(level, published.v), metadata.headers);
            expect(cacheOf(after)).toBe("MISS");
            expect(metadata.versions(await after.text())).toEqual(expect.arrayContaining([published.v.version, next.v.version]));
          }
        } else {
          // No metadata document: the same file uploaded again is what the next anonymous download serves.
          expect(byDefault, "a format without metadata must allow a file to be uploaded again").toBe("allowed");
          const replaced = await publish(format, tenant.project.id, fx.developer, { base: published.base, version: published.v.version });
          const after = await get(format.downloadPath(project(tenant.project.id), published.v, replaced.digests.sha256));
          expect(cacheOf(after)).toBe("MISS");
          expect(sameBytes(await drain(after), replaced.bytes)).toBe(true);
        }
      });

      it("caches anonymous pulls where anyone may pull, and never stores a private project's answers", async () => {
        const pullable = fx.tenants.private_anyone_may_pull;
        const published = await publish(format, pullable.project.id, fx.developer);
        const path = format.downloadPath(project(pullable.project.id), published.v, published.digests.sha256);
        const first = await get(path);
        expect(cacheOf(first)).toBe("MISS");
        await drain(first);
        expect(cacheOf(await get(path))).toBe("HIT");

        const hidden = fx.tenants.private;
        const secret = await publish(format, hidden.project.id, fx.developer);
        const secretPath = format.downloadPath(project(hidden.project.id), secret.v, secret.digests.sha256);
        for (let i = 0; i < 2; i++) {
          const res = await get(secretPath, format.credentials(fx.developer));
          expect(cacheOf(res)).toBe("BYPASS");
          await drain(res);
        }
        const anonymous = await get(secretPath);
        expect(anonymous.status).toBe(401);
        expect(cacheOf(anonymous)).not.toBe("HIT");
      });
    });
  });
}
