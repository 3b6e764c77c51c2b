// gem push, the indexes gem and Bundler read, downloads and gem yank, in workerd against real bindings. The
// Marshal documents are compared with the bytes Ruby produced for the same gem (fixtures/generate.rb).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../../src/db/client";
import { blobs } from "../../../src/db/schema";
import { ADMIN_TOKEN, addMember, basic, call, createGroup, createProject, createUser } from "../../support/api";
import { fromBase64, hex, RUBY_FIXTURES } from "./fixtures";
import { buildGem, gemspecYaml, gunzip, md5Hex, push, sha256Hex, yank, type GemOptions } from "./gems";

const auth = { authorization: basic("__token__", ADMIN_TOKEN) };
const base = (id: number) => `/api/v4/projects/${id}/packages/rubygems`;
const get = (path: string, headers: Record<string, string> = auth, method = "GET") => call(path, { headers, method });
const text = async (path: string) => {
  const res = await get(path);
  expect(res.status, path).toBe(200);
  return res.text();
};
const bytes = async (res: Response) => new Uint8Array(await res.arrayBuffer());
/** The short strings of a Marshal dump (`"` and a one-byte length), in order: enough to read index tuples. */
function marshalStrings(dump: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < dump.length - 1; i++) {
    const length = dump[i + 1]! - 5;
    if (dump[i] === 0x22 && length > 0 && length < 100) {
      out.push(new TextDecoder().decode(dump.subarray(i + 2, i + 2 + length)));
      i += 1 + length;
    }
  }
  return out;
}

const blobCount = async () => (await createDb(env.DB).select({ id: blobs.id }).from(blobs).all()).length;

async function newProject() {
  return createProject((await createGroup(undefined, { visibility: "private" })).id, { visibility: "private" });
}

async function pushOk(projectId: number, o: GemOptions): Promise<Uint8Array> {
  const gem = await buildGem(o);
  const res = await push(projectId, gem, ADMIN_TOKEN);
  expect(res.status, await res.clone().text()).toBe(201);
  return gem;
}

describe("RubyGems push and the indexes", () => {
  it("takes a gem built by Ruby and serves the same indexes Ruby builds for it", async () => {
    const project = await newProject();
    const gem = fromBase64(RUBY_FIXTURES.gem.gem);
    const res = await push(project.id, gem, ADMIN_TOKEN);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ message: "201 Created" });

    const download = await get(`${base(project.id)}/gems/${RUBY_FIXTURES.gem.fileName}`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(hex(await bytes(download))).toBe(hex(gem));

    const quick = await get(`${base(project.id)}/quick/Marshal.4.8/acme_fixture-1.2.0.gemspec.rz`);
    expect(hex(await gunzip(await bytes(quick), "deflate"))).toBe(RUBY_FIXTURES.gem.quickMarshal);
    for (const index of ["specs", "latest_specs"]) {
      expect(hex(await gunzip(await bytes(await get(`${base(project.id)}/${index}.4.8.gz`))))).toBe(RUBY_FIXTURES.gem.specsMarshal);
    }
    expect(hex(await gunzip(await bytes(await get(`${base(project.id)}/prerelease_specs.4.8.gz`))))).toBe("04085b00");
    expect(hex(await bytes(await get(`${base(project.id)}/api/v1/dependencies?gems=acme_fixture`)))).toBe(RUBY_FIXTURES.gem.dependenciesMarshal);

    const info = await text(`${base(project.id)}/info/acme_fixture`);
    expect(info).toBe(`---\n1.2.0 rake:>= 1.0&< 14,json:>= 0|checksum:${await sha256Hex(gem)},ruby:>= 2.7\n`);
    const versions = await text(`${base(project.id)}/versions`);
    expect(versions).toMatch(/^created_at: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n---\n/);
    expect(versions.split("---\n")[1]).toBe(`acme_fixture 1.2.0 ${await md5Hex(new TextEncoder().encode(info))}\n`);
    expect(await text(`${base(project.id)}/names`)).toBe("---\nacme_fixture\n");
  });

  it("answers the source root with 2xx (the compact index exists), and Bundler's conditional and ranged reads", async () => {
    const project = await newProject();
    await pushOk(project.id, { name: "ranged", version: "1.0.0" });
    expect((await get(`${base(project.id)}/`, auth, "HEAD")).status).toBe(200);
    const full = await get(`${base(project.id)}/versions`);
    const body = await bytes(full);
    expect(full.headers.get("etag")).toBe(`"${await md5Hex(body)}"`);
    expect(full.headers.get("repr-digest")).toMatch(/^sha-256=:[A-Za-z0-9+/]+=*:$/);
    expect(full.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    const same = await get(`${base(project.id)}/versions`, { ...auth, "if-none-match": full.headers.get("etag")!, range: `bytes=${body.byteLength - 1}-` });
    expect(same.status).toBe(304);
    await pushOk(project.id, { name: "ranged", version: "1.1.0" });
    const tail = await get(`${base(project.id)}/versions`, { ...auth, "if-none-match": full.headers.get("etag")!, range: "bytes=10-" });
    expect(tail.status).toBe(206);
    const after = await bytes(await get(`${base(project.id)}/versions`));
    expect(tail.headers.get("content-range")).toBe(`bytes 10-${after.byteLength - 1}/${after.byteLength}`);
    expect(hex(await bytes(tail))).toBe(hex(after.subarray(10)));
    expect((await get(`${base(project.id)}/versions`, { ...auth, range: `bytes=${after.byteLength + 5}-` })).status).toBe(416);
    expect(await text(`${base(project.id)}/info/ranged`)).toMatch(/^---\n1\.0\.0 \|checksum:[0-9a-f]{64}\n1\.1\.0 \|checksum:[0-9a-f]{64}\n$/);
  });

  it("serves platform gems beside the ruby one, and lists prereleases only in prerelease_specs", async () => {
    const project = await newProject();
    await pushOk(project.id, { name: "native", version: "2.0.0", dependencies: [["ffi", [["~>", "1.15"]], "runtime"]] });
    await pushOk(project.id, { name: "native", version: "2.0.0", platform: "x86_64-linux" });
    await pushOk(project.id, { name: "native", version: "2.1.0.rc1" });
    await pushOk(project.id, { name: "native", version: "1.9.0" });
    expect(await text(`${base(project.id)}/info/native`)).toMatch(/^---\n2\.0\.0 ffi:~> 1\.15\|checksum:\w+\n2\.0\.0-x86_64-linux \|checksum:\w+\n2\.1\.0\.rc1 \|checksum:\w+\n1\.9\.0 \|checksum:\w+\n$/);
    expect((await text(`${base(project.id)}/versions`)).split("---\n")[1]).toMatch(/^native 2\.0\.0,2\.0\.0-x86_64-linux,2\.1\.0\.rc1,1\.9\.0 [0-9a-f]{32}\n$/);
    const platformGem = await get(`${base(project.id)}/gems/native-2.0.0-x86_64-linux.gem`);
    expect(platformGem.status).toBe(200);
    await platformGem.arrayBuffer();
    const quick = await get(`${base(project.id)}/quick/Marshal.4.8/native-2.0.0-x86_64-linux.gemspec.rz`);
    expect(new TextDecoder("latin1").decode(await gunzip(await bytes(quick), "deflate"))).toContain("x86_64-linux");
    // The Marshal indexes' tuples, read back as text: names, versions and platforms in Gem::Indexer's order.
    const tuples = async (index: string) => marshalStrings(await gunzip(await bytes(await get(`${base(project.id)}/${index}.4.8.gz`))));
    expect(await tuples("specs")).toEqual(["native", "1.9.0", "ruby", "native", "2.0.0", "ruby", "native", "2.0.0", "x86_64-linux"]);
    expect(await tuples("latest_specs")).toEqual(["native", "2.0.0", "ruby", "native", "2.0.0", "x86_64-linux"]);
    expect(await tuples("prerelease_specs")).toEqual(["native", "2.1.0.rc1", "ruby"]);
  });

  it("allows the same version again (GitLab: duplicates allowed) and serves the newest upload", async () => {
    const project = await newProject();
    await pushOk(project.id, { name: "dup", version: "1.0.0", payload: "first" });
    const second = await pushOk(project.id, { name: "dup", version: "1.0.0", payload: "second" });
    expect(hex(await bytes(await get(`${base(project.id)}/gems/dup-1.0.0.gem`)))).toBe(hex(second));
    expect(await text(`${base(project.id)}/info/dup`)).toBe(`---\n1.0.0 |checksum:${await sha256Hex(second)}\n`);
  });

  it("refuses bodies that are not gems, and gemspecs with bad names, versions or platforms, keeping nothing", async () => {
    const project = await newProject();
    const before = await blobCount();
    const cases: [Uint8Array, RegExp][] = [
      [new TextEncoder().encode("not a gem at all, just text ".repeat(40)), /not a \.gem/],
      [new Uint8Array(0), /not a \.gem/],
      [await buildGem({ name: "x", version: "1", yaml: "--- [unbalanced\n" }), /not valid YAML/],
      [await buildGem({ name: "bad/name", version: "1.0" }), /invalid gem name/],
      [await buildGem({ name: "123", version: "1.0" }), /invalid gem name/],
      [await buildGem({ name: "okname", version: "1.0 beta" }), /invalid version/],
      [await buildGem({ name: "okname", version: "1.0", platform: "../../etc" }), /invalid platform/],
      [await buildGem({ name: "okname", version: "1.0", yaml: `${gemspecYaml({ name: "okname", version: "1.0" })}x\n` }), /not valid YAML/],
      [await buildGem({ name: "okname", version: "1.0", dependencies: [["dep", [["=~", "1"]], "runtime"]] }), /invalid requirement of dep/],
    ];
    for (const [gem, message] of cases) {
      const res = await push(project.id, gem, ADMIN_TOKEN);
      expect(res.status, message.source).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(message);
    }
    expect(await blobCount()).toBe(before);
    expect((await get(`${base(project.id)}/info/okname`)).status).toBe(404);
  });

  it("asks anonymous pushers and readers of a private project for credentials, and refuses Reporters", async () => {
    const project = await newProject();
    const gem = await buildGem({ name: "secret", version: "1.0.0" });
    const anonymous = await push(project.id, gem, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe('Basic realm="GitLab Packages Registry"');
    const reporter = await createUser();
    await addMember("projects", project.id, reporter.id, 20);
    expect((await push(project.id, gem, reporter.token)).status).toBe(403);
    await pushOk(project.id, { name: "secret", version: "1.0.0" });
    for (const path of ["/", "/versions", "/info/secret", "/specs.4.8.gz", "/gems/secret-1.0.0.gem"]) {
      expect((await get(`${base(project.id)}${path}`, {})).status, path).toBe(401);
      expect((await get(`${base(project.id)}${path}`, { authorization: basic("__token__", reporter.token) })).status, path).toBe(200);
    }
    expect((await get(`${base(project.id)}/nothing.4.8.gz`)).status).toBe(404);
    expect((await get(`${base(project.id)}/info/unknown`)).status).toBe(404);
    expect((await get(`${base(project.id)}/quick/Marshal.4.8/secret-9.9.9.gemspec.rz`)).status).toBe(404);
  });
});

describe("gem yank", () => {
  it("removes one platform, then the version, and leaves other versions", async () => {
    const project = await newProject();
    const maintainer = await createUser();
    await addMember("projects", project.id, maintainer.id, 40);
    const developer = await createUser();
    await addMember("projects", project.id, developer.id, 30);
    await pushOk(project.id, { name: "yankee", version: "1.0.0" });
    await pushOk(project.id, { name: "yankee", version: "1.0.0", platform: "java" });
    await pushOk(project.id, { name: "yankee", version: "1.1.0" });

    expect((await yank(project.id, { gem_name: "yankee", version: "1.0.0", platform: "java" }, developer.token)).status).toBe(403);
    const javaGone = await yank(project.id, { gem_name: "yankee", version: "1.0.0", platform: "java" }, maintainer.token);
    expect(javaGone.status).toBe(200);
    expect(await javaGone.text()).toBe("Successfully deleted gem: yankee (1.0.0-java)");
    expect(await text(`${base(project.id)}/info/yankee`)).toMatch(/^---\n1\.0\.0 \|checksum:\w+\n1\.1\.0 \|checksum:\w+\n$/);
    expect((await get(`${base(project.id)}/gems/yankee-1.0.0-java.gem`)).status).toBe(404);
    expect((await yank(project.id, { gem_name: "yankee", version: "1.0.0", platform: "java" }, maintainer.token)).status).toBe(404);

    expect((await yank(project.id, { gem_name: "yankee", version: "1.0.0" }, maintainer.token)).status).toBe(200);
    expect(await text(`${base(project.id)}/info/yankee`)).toMatch(/^---\n1\.1\.0 \|checksum:\w+\n$/);
    const listed = (await (await call(`/api/v4/projects/${project.id}/packages?package_type=rubygems`, { token: ADMIN_TOKEN })).json()) as { version: string }[];
    expect(listed.map((p) => p.version)).toEqual(["1.1.0"]);
    expect((await yank(project.id, { gem_name: "yankee", version: "9.0.0" }, maintainer.token)).status).toBe(404);
    expect((await yank(project.id, { gem_name: "", version: "1" }, maintainer.token)).status).toBe(400);
  });
});
