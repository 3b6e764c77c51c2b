// Composer against the contract suite's access table and cache rules (test/contract/access.ts). The shared
// suite uploads opaque bytes; a Composer upload must be a zip with a composer.json, so this file runs the same
// table with real archives: every caller, on every kind of project, reads p2 metadata and the dist archive and
// uploads, as Composer and curl send credentials (gitlab-token → PRIVATE-TOKEN; {username, token} → Basic).
import { beforeAll, describe, expect, it } from "vitest";
import { ACCESS, CALLERS, PROJECT_KINDS, PROJECT_KIND_LABELS, type ProjectKind } from "../../contract/access";
import { judge } from "../../contract/checks";
import { createFixture, type Fixture } from "../../contract/fixtures";
import { BASIC_CHALLENGE, drain } from "../../contract/support";
import type { ContractFormat, Credential } from "../../contract/types";
import { ADMIN_TOKEN, basic, call, createGroup, createProject, ok, unique } from "../../support/api";
import { digestsOf, groupPrefix, packageZip, projectPrefix, UA_COMPOSER_1, UA_COMPOSER_2, upload } from "./helpers";

/** How composer sends auth.json credentials: a personal token as PRIVATE-TOKEN, deploy and job tokens as Basic. */
function credentials(credential: Credential | null): Record<string, string> {
  if (!credential) return {};
  if (credential.kind === "personal") return { "PRIVATE-TOKEN": credential.token };
  return { Authorization: basic(credential.username, credential.token) };
}

/** What judge() needs of a format: its 401 challenge. */
const composerFormat = { challenge: () => BASIC_CHALLENGE } as unknown as ContractFormat;

let fx: Fixture;
let counter = 0;
const published = {} as Record<ProjectKind, { name: string; sha256: string; zip: Uint8Array }>;

async function publishAs(projectId: number, credential: Credential, name: string, version: string) {
  const zip = await packageZip({ name });
  const res = await upload(projectId, zip, { version, headers: credentials(credential) });
  return { res, zip };
}

beforeAll(async () => {
  fx = await createFixture({});
  for (const kind of PROJECT_KINDS) {
    const name = `acme/${unique(`access-${kind.replace(/_/g, "-")}`)}`;
    const { res, zip } = await publishAs(fx.tenants[kind].project.id, fx.developer, name, "1.0.0");
    expect(res.status, await res.text()).toBe(201);
    published[kind] = { name, zip, sha256: (await digestsOf(zip)).sha256 };
  }
}, 60_000);

const p2Path = (projectId: number, name: string) => `${projectPrefix(projectId)}/p2/${name}.json`;
const archivePath = (projectId: number, name: string, sha256: string) => `${projectPrefix(projectId)}/archives/${name}.zip?sha=${sha256}`;

describe("Composer access table", () => {
  for (const kind of PROJECT_KINDS) {
    it(`answers reads and uploads on ${PROJECT_KIND_LABELS[kind]} as the access table says, for every caller`, async () => {
      const tenant = fx.tenants[kind];
      const seed = published[kind];
      const projectId = tenant.project.id;
      const problems = await Promise.all(
        CALLERS.map(async (caller) => {
          const [read, write] = ACCESS[caller][kind];
          const credential = tenant.callers[caller];
          const auth = credentials(credential);
          const sent = credential !== null;
          const found = [
            ...(await judge(composerFormat, `${caller} archive`, await call(archivePath(projectId, seed.name, seed.sha256), { headers: auth }), read, 200, sent, seed.zip)),
            ...(await judge(composerFormat, `${caller} p2`, await call(p2Path(projectId, seed.name), { headers: auth }), read, 200, sent)),
            ...(await judge(composerFormat, `${caller} packages.json`, await call(`${projectPrefix(projectId)}/packages.json`, { headers: auth }), read, 200, sent)),
          ];
          const zip = await packageZip({ name: seed.name });
          const res = await upload(projectId, zip, { version: `1.0.${++counter}`, headers: auth });
          found.push(...(await judge(composerFormat, `${caller} upload`, res, write, 201, sent)));
          return found;
        }),
      );
      expect(problems.flat()).toEqual([]);
    });
  }

  it("serves the group repository to the group's readers and asks anonymous callers of a private group for credentials", async () => {
    const tenant = fx.tenants.private;
    const seed = published.private;
    const path = `${groupPrefix(tenant.group.id)}/p2/${seed.name}.json`;
    expect((await call(path, { token: ADMIN_TOKEN })).status).toBe(200);
    const anonymous = await call(path);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe(BASIC_CHALLENGE);
    expect((await call(`${groupPrefix(fx.tenants.public.group.id)}/p2/${published.public.name}.json`)).status).toBe(200);
  });

  it("lists available packages only when no package of the group is hidden from the caller", async () => {
    // A public group with a private project: anonymous callers get no list, so Composer asks p2 and meets a 401.
    const tenant = { group: await createGroup(unique("composer-mixed"), { visibility: "public" }) };
    const hidden = await createProject(tenant.group.id, { visibility: "private" });
    const name = `acme/${unique("hidden")}`;
    expect((await upload(hidden.id, await packageZip({ name }), { version: "1.0.0", token: ADMIN_TOKEN })).status).toBe(201);
    const headers = { "user-agent": UA_COMPOSER_2 };
    const anonymous = (await (await call(`${groupPrefix(tenant.group.id)}/packages.json`, { headers })).json()) as Record<string, unknown>;
    expect(anonymous["available-packages"]).toBeUndefined();
    expect((await call(`${groupPrefix(tenant.group.id)}/p2/${name}.json`, { headers })).status).toBe(401);
    const admin = (await (await call(`${groupPrefix(tenant.group.id)}/packages.json`, { headers, token: ADMIN_TOKEN })).json()) as Record<string, unknown>;
    expect(admin["available-packages"]).toContain(name);
  });
});

describe("Composer and the edge cache", () => {
  const cacheOf = (res: Response) => res.headers.get("x-packyard-cache");

  it("serves anonymous pulls of a public package MISS then HIT, credentialed ones BYPASS, and shows a new version at once", async () => {
    const tenant = fx.tenants.public;
    const seed = published.public;
    const paths = [
      p2Path(tenant.project.id, seed.name),
      archivePath(tenant.project.id, seed.name, seed.sha256),
      `${groupPrefix(tenant.group.id)}/p2/${seed.name}.json`,
      `${groupPrefix(tenant.group.id)}/packages.json`,
    ];
    for (const path of paths) {
      const first = await call(path);
      expect(first.status, path).toBe(200);
      const firstBytes = await drain(first);
      const second = await call(path);
      expect(cacheOf(second), path).toBe("HIT");
      expect(new Uint8Array(await second.arrayBuffer())).toEqual(firstBytes);
      const credentialed = await call(path, { headers: credentials(fx.developer) });
      expect(cacheOf(credentialed), path).toBe("BYPASS");
      expect(credentialed.headers.get("cache-control"), path).toMatch(/^private/);
      await credentialed.arrayBuffer();
    }
    const { res } = await publishAs(tenant.project.id, fx.developer, seed.name, "1.1.0");
    expect(res.status).toBe(201);
    const after = await call(p2Path(tenant.project.id, seed.name));
    expect(cacheOf(after)).toBe("MISS");
    expect(((await after.json()) as any).packages[seed.name].map((v: any) => v.version)).toEqual(expect.arrayContaining(["1.0.0", "1.1.0"]));
  });

  it("keeps Composer 1 and Composer 2 roots apart in the cache", async () => {
    const prefix = groupPrefix(fx.tenants.public.group.id);
    for (const ua of [UA_COMPOSER_2, UA_COMPOSER_1]) await drain(await call(`${prefix}/packages.json`, { headers: { "user-agent": ua } }));
    const v2 = (await (await call(`${prefix}/packages.json`, { headers: { "user-agent": UA_COMPOSER_2 } })).json()) as Record<string, unknown>;
    const v1 = (await (await call(`${prefix}/packages.json`, { headers: { "user-agent": UA_COMPOSER_1 } })).json()) as Record<string, unknown>;
    expect(v2["provider-includes"]).toBeUndefined();
    expect(v1["provider-includes"]).toBeDefined();
  });

  it("answers a deleted package with 404 at every level, cached or not", async () => {
    const tenant = fx.tenants.public;
    const name = `acme/${unique("deleted")}`;
    const { res, zip } = await publishAs(tenant.project.id, fx.developer, name, "1.0.0");
    expect(res.status).toBe(201);
    const { sha256 } = await digestsOf(zip);
    const paths = [p2Path(tenant.project.id, name), archivePath(tenant.project.id, name, sha256), `${groupPrefix(tenant.group.id)}/p2/${name}.json`];
    for (const path of paths) for (let i = 0; i < 2; i++) expect((await drain(await call(path))).byteLength).toBeGreaterThan(0);
    const [record] = await ok<{ id: number }[]>(call(`/api/v4/projects/${tenant.project.id}/packages?package_type=composer&package_name=${encodeURIComponent(name)}`, { token: ADMIN_TOKEN }));
    expect((await call(`/api/v4/projects/${tenant.project.id}/packages/${record!.id}`, { method: "DELETE", token: fx.maintainer.token })).status).toBe(204);
    for (const path of paths) {
      expect((await call(path)).status, path).toBe(404);
      expect((await call(path, { headers: credentials(fx.developer) })).status, path).toBe(404);
    }
  });
});
