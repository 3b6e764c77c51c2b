// Debian in workerd, after the first upload: the distributions list (filters, pagination), update and delete;
// a version deleted through the Packages API leaving the indexes (Release signed again); source uploads in
// Sources and .udebs in the debian-installer indexes; and the D1 queries an index request costs.
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import * as openpgp from "openpgp";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import { countingD1 } from "../../support/counting-d1";
import { ADMIN_TOKEN, addMember, BASE, call, createGroup, createProject, createUser, unique } from "../../support/api";
import { gzip, tar } from "../helm/charts";
import { controlText, deb } from "./debs";

const enc = new TextEncoder();
const hex = async (algo: string, b: Uint8Array) => [...new Uint8Array(await crypto.subtle.digest(algo, b))].map((x) => x.toString(16).padStart(2, "0")).join("");

async function seed() {
  const group = await createGroup(unique("debgrp"));
  const project = await createProject(group.id, { visibility: "private" });
  const developer = await createUser();
  await addMember("projects", project.id, developer.id, 40);
  const auth = { authorization: `Basic ${btoa(`${developer.username}:${developer.token}`)}` };
  const repo = `/api/v4/projects/${project.id}/packages/debian`;
  const dists = `/api/v4/projects/${project.id}/debian_distributions`;
  const form = { ...auth, "content-type": "application/x-www-form-urlencoded" };
  const createDist = (body: string) => call(dists, { method: "POST", body, headers: form });
  const put = (file: string, bytes: Uint8Array, query = "?distribution=bookworm&component=main") =>
    call(`${repo}/${file}${query}`, { method: "PUT", body: bytes, headers: { ...auth, "content-type": "application/vnd.debian.binary-package" } });
  const get = (path: string) => call(`${repo}/${path}`, { headers: auth });
  const text = async (path: string) => {
    const res = await get(path);
    expect(res.status, path).toBe(200);
    return res.text();
  };
  return { group, project, developer, auth, form, repo, dists, createDist, put, get, text };
}

describe("the distributions API", () => {
  it("lists with GitLab's codename and suite filters and pagination, updates fields and deletes", async () => {
    const s = await seed();
    expect((await s.createDist("codename=bookworm&suite=stable")).status).toBe(201);
    expect((await s.createDist("codename=trixie&suite=testing&components[]=main&components[]=contrib")).status).toBe(201);
    // GitLab's docs pass the fields in the query string.
    expect((await call(`${s.dists}?codename=sid&architectures[]=arm64`, { method: "POST", headers: s.auth })).status).toBe(201);

    const all = await call(s.dists, { headers: s.auth });
    expect(all.headers.get("x-total")).toBe("3");
    const listed = await all.json<{ id: number; codename: string; suite: string | null; components: string[]; architectures: string[] }[]>();
    expect(listed.map((d) => d.codename)).toEqual(["bookworm", "trixie", "sid"]);
    expect(listed[2]).toMatchObject({ suite: null, components: ["main"], architectures: ["all", "arm64"] });
    expect(Object.keys(listed[0]!).sort()).toEqual(["architectures", "codename", "components", "description", "id", "label", "origin", "suite", "valid_time_duration_seconds", "version"]);
    expect((await (await call(`${s.dists}?suite=testing`, { headers: s.auth })).json<{ codename: string }[]>()).map((d) => d.codename)).toEqual(["trixie"]);
    expect((await (await call(`${s.dists}?codename=sid`, { headers: s.auth })).json<{ codename: string }[]>()).map((d) => d.codename)).toEqual(["sid"]);
    const page = await call(`${s.dists}?per_page=2&page=2`, { headers: s.auth });
    expect(page.headers.get("x-total-pages")).toBe("2");
    expect((await page.json<{ codename: string }[]>()).map((d) => d.codename)).toEqual(["sid"]);
    expect((await call(s.dists)).status).toBe(401);

    const updated = await call(`${s.dists}/bookworm`, { method: "PUT", body: "suite=oldstable&label=Acme&architectures[]=amd64&architectures[]=riscv64", headers: s.form });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ codename: "bookworm", suite: "oldstable", label: "Acme", architectures: ["all", "amd64", "riscv64"] });
    // As GitLab, the codename is the path's: a body codename renames nothing.
    expect(await (await call(`${s.dists}/bookworm`, { method: "PUT", body: "codename=other", headers: s.form })).json()).toMatchObject({ codename: "bookworm", suite: "oldstable" });
    const release = await s.text("dists/bookworm/Release");
    expect(release).toMatch(/^Label: Acme\nSuite: oldstable\nCodename: bookworm\n/);
    expect(release).toContain("Architectures: all amd64 riscv64\n");

    // Deleting a distribution removes its indexes; a new one of the same codename does not list the old files.
    expect((await s.put("gone_1.0_all.deb", await deb(controlText("gone", "1.0")))).status).toBe(201);
    expect(await s.text("dists/bookworm/main/binary-amd64/Packages")).toContain("Package: gone\n");
    const removed = await call(`${s.dists}/bookworm`, { method: "DELETE", headers: s.auth });
    expect(removed.status).toBe(202);
    expect((await call(`${s.dists}/bookworm`, { headers: s.auth })).status).toBe(404);
    for (const path of ["Release", "InRelease", "main/binary-amd64/Packages"]) expect((await s.get(`dists/bookworm/${path}`)).status, path).toBe(404);
    expect((await s.put("late_1.0_all.deb", await deb(controlText("late", "1.0")))).status).toBe(404);
    expect((await s.createDist("codename=bookworm")).status).toBe(201);
    expect(await s.text("dists/bookworm/main/binary-amd64/Packages")).toBe("");
  });
});

describe("deletes through the Packages API", () => {
  it("drop the deleted version from Packages, and Release is signed again over the new index", async () => {
    const s = await seed();
    await s.createDist("codename=bookworm");
    for (const [name, version] of [["hello", "1.0"], ["hello", "2.0"], ["other", "1.0"]] as const) {
      expect((await s.put(`${name}_${version}_all.deb`, await deb(controlText(name, version)))).status).toBe(201);
    }
    const before = await s.text("dists/bookworm/main/binary-amd64/Packages");
    expect(before.match(/^Package: /gm)).toHaveLength(3);
    const inReleaseBefore = await s.text("dists/bookworm/InRelease");

    const list = await (await call(`/api/v4/projects/${s.project.id}/packages?package_type=debian&package_name=hello`, { token: s.developer.token })).json<{ id: number; version: string }[]>();
    const old = list.find((p) => p.version === "1.0")!;
    expect((await call(`/api/v4/projects/${s.project.id}/packages/${old.id}`, { method: "DELETE", token: s.developer.token })).status).toBe(204);

    const after = await s.text("dists/bookworm/main/binary-amd64/Packages");
    expect(after).not.toContain("Version: 1.0\nMaintainer: Test <test@example.com>\nArchitecture: all\nSection: misc\nPriority: optional\nFilename: pool/bookworm/h/hello/1.0/");
    expect(after).toContain("Filename: pool/bookworm/h/hello/2.0/hello_2.0_all.deb");
    expect(after).toContain("Filename: pool/bookworm/o/other/1.0/other_1.0_all.deb");
    expect(after.match(/^Package: /gm)).toHaveLength(2);
    expect((await s.get("pool/bookworm/h/hello/1.0/hello_1.0_all.deb")).status).toBe(404);

    const inRelease = await s.text("dists/bookworm/InRelease");
    expect(inRelease).not.toBe(inReleaseBefore);
    const armoredKey = await (await call(`/api/v4/projects/${s.project.id}/debian_distributions/bookworm/key.asc`, { headers: s.auth })).text();
    const verified = await openpgp.verify({ message: await openpgp.readCleartextMessage({ cleartextMessage: inRelease }), verificationKeys: await openpgp.readKey({ armoredKey }), expectSigned: true });
    const gz = new Uint8Array(await (await s.get("dists/bookworm/main/binary-amd64/Packages.gz")).arrayBuffer());
    expect(verified.data).toContain(` ${await hex("SHA-256", gz)} ${String(gz.byteLength).padStart(8)} main/binary-amd64/Packages.gz`);
    expect(verified.data).toContain(` ${await hex("SHA-256", enc.encode(after))} ${String(enc.encode(after).byteLength).padStart(8)} main/binary-amd64/Packages\n`);
  });
});

describe("bookkeeping packages", () => {
  it("(the distributions and the incoming files) are invisible in the Packages API whatever ?status=, and cannot be addressed by id", async () => {
    const s = await seed();
    await s.createDist("codename=bookworm");
    expect((await s.put("waiting_1.0_all.deb", await deb(controlText("waiting", "1.0")), "")).status).toBe(201);
    // A real package that happens to be called `distributions` stays visible.
    expect((await s.put("distributions_1.0_all.deb", await deb(controlText("distributions", "1.0")))).status).toBe(201);
    const rows = await env.DB.prepare("SELECT id, name, status FROM packages WHERE project_id = ? AND package_type = 'debian' ORDER BY id").bind(s.project.id).all<{ id: number; name: string; status: string }>();
    const internal = rows.results.filter((r) => r.status !== "default");
    expect(internal.map((r) => `${r.name}/${r.status}`).sort()).toEqual(["distributions/hidden", "incoming/processing"]);

    const lists = [`/api/v4/projects/${s.project.id}/packages`, `/api/v4/groups/${s.group.id}/packages`];
    for (const list of lists) {
      for (const query of ["", "?status=hidden", "?status=processing&include_versionless=true", "?package_type=debian&include_versionless=true"]) {
        const res = await call(`${list}${query}`, { token: s.developer.token });
        expect(res.status, `${list}${query}`).toBe(200);
        const names = (await res.json<{ name: string; status: string }[]>()).map((p) => `${p.name}/${p.status}`);
        expect(names, `${list}${query}`).toEqual(query.includes("status=") ? [] : ["distributions/default"]);
      }
    }
    for (const row of internal) {
      const base = `/api/v4/projects/${s.project.id}/packages/${row.id}`;
      for (const path of [base, `${base}/package_files`, `${base}/pipelines`]) expect((await call(path, { token: s.developer.token })).status, path).toBe(404);
      expect((await call(base, { method: "DELETE", token: s.developer.token })).status).toBe(404);
    }
    // Still there: the distribution serves, and the waiting file is claimed by its .changes later.
    expect((await s.get("dists/bookworm/Release")).status).toBe(200);
  });
});

/** A source package as dpkg-source lays it out: .orig.tar.gz, .debian.tar.gz and the .dsc listing both. */
async function sourcePackage(name: string, version: string) {
  const upstream = version.split("-")[0];
  const orig = await gzip(tar([{ name: `${name}-${upstream}/README`, data: "upstream" }]));
  const debianTar = await gzip(tar([{ name: "debian/control", data: `Source: ${name}\n` }]));
  const files = [
    { name: `${name}_${upstream}.orig.tar.gz`, bytes: orig },
    { name: `${name}_${version}.debian.tar.gz`, bytes: debianTar },
  ];
  const lines = async (algo: string | null) =>
    (await Promise.all(files.map(async (f) => ` ${algo ? await hex(algo, f.bytes) : await hex("MD5", f.bytes)} ${f.bytes.byteLength} ${f.name}`))).join("\n");
  const dsc = enc.encode(
    `Format: 3.0 (quilt)\nSource: ${name}\nBinary: ${name}, ${name}-udeb\nArchitecture: any\nVersion: ${version}\nMaintainer: Test <test@example.com>\nBuild-Depends: debhelper-compat (= 13)\nPackage-List:\n ${name} deb misc optional arch=any\nChecksums-Sha1:\n${await lines("SHA-1")}\nChecksums-Sha256:\n${await lines("SHA-256")}\nFiles:\n${await lines(null)}\n`,
  );
  return { dsc: { name: `${name}_${version}.dsc`, bytes: dsc }, files };
}

describe("source uploads and debian-installer packages", () => {
  it("index a .changes' .dsc in Sources and its .udeb in debian-installer/binary-<arch>/Packages", async () => {
    const s = await seed();
    await s.createDist("codename=bookworm&architectures[]=amd64");
    const src = await sourcePackage("acme", "1.2-1");
    const binary = await deb(controlText("acme", "1.2-1", "amd64", "Source: acme\n"));
    const udeb = await deb(controlText("acme-udeb", "1.2-1", "amd64", "Source: acme\n"));
    const buildinfo = enc.encode("Format: 1.0\nSource: acme\n");
    const uploads = [src.dsc, ...src.files, { name: "acme_1.2-1_amd64.deb", bytes: binary }, { name: "acme-udeb_1.2-1_amd64.udeb", bytes: udeb }, { name: "acme_1.2-1_amd64.buildinfo", bytes: buildinfo }];
    for (const f of uploads) expect((await s.put(f.name, f.bytes, "")).status, f.name).toBe(201);
    const sums = async (algo: string) => (await Promise.all(uploads.map(async (f) => ` ${await hex(algo, f.bytes)} ${f.bytes.byteLength} ${f.name}`))).join("\n");
    const sections = uploads.map((f) => ` 0 ${f.bytes.byteLength} ${f.name.endsWith(".udeb") ? "debian-installer" : "misc"} optional ${f.name}`).join("\n");
    const changes = `Format: 1.8\nSource: acme\nVersion: 1.2-1\nDistribution: bookworm\nArchitecture: source amd64\nFiles:\n${sections}\nChecksums-Sha256:\n${await sums("SHA-256")}\n`;
    const res = await call(`${s.repo}/acme_1.2-1_amd64.changes`, { method: "PUT", body: changes, headers: s.form });
    expect(res.status, await res.text()).toBe(201);

    const sources = await s.text("dists/bookworm/main/source/Sources");
    expect(sources).toMatch(/^Package: acme\nFormat: 3.0 \(quilt\)\nBinary: acme, acme-udeb\n/);
    expect(sources).toContain("Directory: pool/bookworm/a/acme/1.2-1\n");
    expect(sources).toContain(`Files:\n ${await hex("MD5", src.dsc.bytes)} ${src.dsc.bytes.byteLength} acme_1.2-1.dsc\n ${await hex("MD5", src.files[0]!.bytes)} ${src.files[0]!.bytes.byteLength} acme_1.2.orig.tar.gz\n`);
    expect(sources).toContain(`Checksums-Sha256:\n ${await hex("SHA-256", src.dsc.bytes)} ${src.dsc.bytes.byteLength} acme_1.2-1.dsc\n`);
    const installer = await s.text("dists/bookworm/main/debian-installer/binary-amd64/Packages");
    expect(installer).toContain("Package: acme-udeb\n");
    expect(installer).toContain("Filename: pool/bookworm/a/acme-udeb/1.2-1/acme-udeb_1.2-1_amd64.udeb\n");
    const binaries = await s.text("dists/bookworm/main/binary-amd64/Packages");
    expect(binaries).toContain("Package: acme\n");
    expect(binaries).not.toContain("acme-udeb");
    const release = await s.text("dists/bookworm/Release");
    for (const path of ["main/source/Sources.gz", "main/debian-installer/binary-amd64/Packages.gz", "main/binary-amd64/Packages.gz"]) expect(release).toContain(` ${path}\n`);

    // apt-get source fetches Directory/<file>.
    for (const f of [src.dsc, ...src.files]) {
      const got = await s.get(`pool/bookworm/a/acme/1.2-1/${f.name}`);
      expect(got.status, f.name).toBe(200);
      expect(new Uint8Array(await got.arrayBuffer())).toEqual(f.bytes);
    }
    const list = await (await call(`/api/v4/projects/${s.project.id}/packages?package_type=debian`, { token: s.developer.token })).json<{ name: string; version: string }[]>();
    expect(list.map((p) => `${p.name}@${p.version}`).sort()).toEqual(["acme-udeb@1.2-1", "acme@1.2-1"]);
  });

  it("keep a .ddeb (debug symbols) in the pool but in no index, as GitLab, by direct upload and through a .changes", async () => {
    const s = await seed();
    await s.createDist("codename=bookworm&architectures[]=amd64");
    const direct = await deb(controlText("acme-dbgsym", "1.0", "amd64", "Source: acme\nPackage-Type: ddeb\n"));
    const plain = await deb(controlText("acme", "1.0", "amd64"));
    expect((await s.put("acme-dbgsym_1.0_amd64.ddeb", direct)).status).toBe(201);
    expect((await s.put("acme_1.0_amd64.deb", plain)).status).toBe(201);
    const viaChanges = await deb(controlText("tool-dbgsym", "2.0", "amd64", "Source: tool\nPackage-Type: ddeb\n"));
    expect((await s.put("tool-dbgsym_2.0_amd64.ddeb", viaChanges, "")).status).toBe(201);
    const line = ` ${await hex("SHA-256", viaChanges)} ${viaChanges.byteLength} tool-dbgsym_2.0_amd64.ddeb`;
    const changes = `Format: 1.8\nSource: tool\nVersion: 2.0\nDistribution: bookworm\nFiles:\n 0 ${viaChanges.byteLength} debug optional tool-dbgsym_2.0_amd64.ddeb\nChecksums-Sha256:\n${line}\n`;
    expect((await call(`${s.repo}/tool_2.0_amd64.changes`, { method: "PUT", body: changes, headers: s.form })).status).toBe(201);

    const release = await s.text("dists/bookworm/Release");
    const indexes = await Promise.all(
      [...release.matchAll(/^ [0-9a-f]{64} +\d+ (\S+[^z])$/gm)].map(async (m) => (m[1]!.endsWith(".gz") ? "" : await s.text(`dists/bookworm/${m[1]}`))),
    );
    expect(indexes.join("\n")).toContain("Package: acme\n");
    expect(indexes.join("\n")).not.toContain("dbgsym");
    for (const [path, bytes] of [
      ["pool/bookworm/a/acme-dbgsym/1.0/acme-dbgsym_1.0_amd64.ddeb", direct],
      ["pool/bookworm/t/tool-dbgsym/2.0/tool-dbgsym_2.0_amd64.ddeb", viaChanges],
    ] as const) {
      const got = await s.get(path);
      expect(got.status, path).toBe(200);
      expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);
    }
  });

  it("refuses a .changes whose .dsc lists a file it does not carry", async () => {
    const s = await seed();
    await s.createDist("codename=bookworm");
    const src = await sourcePackage("lonely", "1.0-1");
    for (const f of [src.dsc, src.files[0]!]) expect((await s.put(f.name, f.bytes, "")).status).toBe(201);
    const sums = (await Promise.all([src.dsc, src.files[0]!].map(async (f) => ` ${await hex("SHA-256", f.bytes)} ${f.bytes.byteLength} ${f.name}`))).join("\n");
    const changes = `Format: 1.8\nSource: lonely\nDistribution: bookworm\n${filesFieldFor(sums)}Checksums-Sha256:\n${sums}\n`;
    const res = await call(`${s.repo}/lonely_1.0-1_source.changes`, { method: "PUT", body: changes, headers: s.form });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("lonely_1.0-1.debian.tar.gz");
  });
});

describe("a .changes", () => {
  const line = async (bytes: Uint8Array, name: string) => ` ${await hex("SHA-256", bytes)} ${bytes.byteLength} ${name}`;

  it("whose files are missing or differ answers one 400 naming them all, and publishes nothing", async () => {
    const s = await seed();
    await s.createDist("codename=bookworm");
    const [here, changed] = [await deb(controlText("here", "1.0")), await deb(controlText("changed", "1.0"))];
    expect((await s.put("here_1.0_all.deb", here, "")).status).toBe(201);
    expect((await s.put("changed_1.0_all.deb", changed, "")).status).toBe(201);
    const ghost = await deb(controlText("ghost", "1.0"));
    const other = await deb(controlText("changed", "1.0", "all", "X-Other: yes\n"));
    const sums = [
      await line(here, "here_1.0_all.deb"),
      await line(ghost, "ghost_1.0_all.deb"),
      await line(other, "changed_1.0_all.deb"),
      await line(ghost, "ghost_1.0.dsc"),
    ].join("\n");
    const changes = `Format: 1.8\nSource: here\nDistribution: bookworm\n${filesFieldFor(sums)}Checksums-Sha256:\n${sums}\n`;
    const res = await call(`${s.repo}/here_1.0_all.changes`, { method: "PUT", body: changes, headers: s.form });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      message: "400 Bad request - ghost_1.0_all.deb, ghost_1.0.dsc are listed in the .changes but not uploaded; changed_1.0_all.deb does not match the size and SHA256 the .changes lists",
    });
    expect(await (await call(`/api/v4/projects/${s.project.id}/packages`, { token: s.developer.token })).json()).toEqual([]);
    expect(await s.text("dists/bookworm/main/binary-amd64/Packages")).toBe("");
  });

  it("lands whole or not at all: a package refused part way takes back what the others published", async () => {
    const s = await seed();
    await s.createDist("codename=bookworm");
    const [free, locked] = [await deb(controlText("free", "1.0")), await deb(controlText("locked", "1.0"))];
    expect((await s.put("free_1.0_all.deb", free, "")).status).toBe(201);
    expect((await s.put("locked_1.0_all.deb", locked, "")).status).toBe(201);
    const rule = await call(`/api/v4/projects/${s.project.id}/packages/protection/rules`, {
      method: "POST",
      token: ADMIN_TOKEN,
      json: { package_name_pattern: "locked*", package_type: "debian", minimum_access_level_for_push: "admin" },
    });
    expect(rule.status).toBe(201);
    const sums = `${await line(free, "free_1.0_all.deb")}\n${await line(locked, "locked_1.0_all.deb")}`;
    const changes = `Format: 1.8\nSource: free\nDistribution: bookworm\n${filesFieldFor(sums)}Checksums-Sha256:\n${sums}\n`;
    const put = () => call(`${s.repo}/free_1.0_all.changes`, { method: "PUT", body: changes, headers: s.form });
    const refused = await put();
    expect(refused.status).toBe(403);
    // `free` was published first, then taken back: no package, no index entry, no pool file.
    expect(await (await call(`/api/v4/projects/${s.project.id}/packages?package_type=debian`, { token: s.developer.token })).json()).toEqual([]);
    expect(await s.text("dists/bookworm/main/binary-amd64/Packages")).toBe("");
    expect((await s.get("pool/bookworm/f/free/1.0/free_1.0_all.deb")).status).toBe(404);

    // The files still wait in incoming: once the rule is gone the same .changes lands.
    const rules = await (await call(`/api/v4/projects/${s.project.id}/packages/protection/rules`, { token: ADMIN_TOKEN })).json<{ id: number }[]>();
    expect((await call(`/api/v4/projects/${s.project.id}/packages/protection/rules/${rules[0]!.id}`, { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(204);
    expect((await put()).status).toBe(201);
    const packages = await s.text("dists/bookworm/main/binary-amd64/Packages");
    expect(packages).toContain("Package: free\n");
    expect(packages).toContain("Package: locked\n");
  });
});

/** The `Files` field dpkg-genchanges writes beside `Checksums-Sha256` lines (the MD5 column is not checked). */
function filesFieldFor(sums: string): string {
  const lines = sums.split("\n").map((l) => {
    const [, size, name] = l.trim().split(/\s+/);
    return ` ${"0".repeat(32)} ${size} misc optional ${name}`;
  });
  return `Files:\n${lines.join("\n")}\n`;
}

/** The request through the app with a D1 that counts statements, waiting for what it left to do (cache puts). */
async function counted(path: string, headers: Record<string, string>) {
  const counter = countingD1(env.DB);
  const ctx = createExecutionContext();
  const res = await createApp().fetch(new Request(`${BASE}${path}`, { headers }), { ...env, DB: counter.d1 }, ctx);
  const body = new Uint8Array(await res.arrayBuffer());
  await waitOnExecutionContext(ctx);
  return { status: res.status, bytes: body.byteLength, body, statements: counter.count.total };
}

describe("by-hash", () => {
  it("still answers the digest an InRelease listed a revision ago", async () => {
    const s = await seed();
    await s.createDist("codename=bookworm");
    expect((await s.put("first_1.0_all.deb", await deb(controlText("first", "1.0")))).status).toBe(201);
    const release = new TextDecoder().decode((await counted(`${s.repo}/dists/bookworm/Release`, s.auth)).body);
    const old = release.match(/^ ([0-9a-f]{64}) +\d+ main\/binary-amd64\/Packages.gz$/m)![1]!;
    const oldBytes = (await counted(`${s.repo}/dists/bookworm/main/binary-amd64/Packages.gz`, s.auth)).body;
    // A publish moves the revision: the current Release lists another digest.
    expect((await s.put("second_1.0_all.deb", await deb(controlText("second", "1.0")))).status).toBe(201);
    expect(await s.text("dists/bookworm/Release")).not.toContain(old);
    const byOld = await counted(`${s.repo}/dists/bookworm/main/binary-amd64/by-hash/SHA256/${old}`, s.auth);
    expect(byOld.status).toBe(200);
    expect(byOld.body).toEqual(oldBytes);
    expect((await counted(`${s.repo}/dists/bookworm/main/binary-amd64/by-hash/SHA256/${"0".repeat(64)}`, s.auth)).status).toBe(404);
  });
});

describe("what an index request costs", () => {
  it("is the same number of D1 queries for 2 or 25 packages, and none past the scope once the indexes are kept", async () => {
    const s = await seed();
    await s.createDist("codename=bookworm");
    const path = `${s.repo}/dists/bookworm/main/binary-amd64/Packages.gz`;
    const measure = async (count: number, from: number) => {
      for (let i = from; i < count; i++) expect((await s.put(`p${i}_1.0_all.deb`, await deb(controlText(`p${i}`, "1.0")))).status).toBe(201);
      const miss = await counted(path, s.auth);
      const hit = await counted(path, s.auth);
      expect(miss.status).toBe(200);
      expect(hit.bytes).toBe(miss.bytes);
      return { miss: miss.statements, hit: hit.statements };
    };
    const few = await measure(2, 0);
    const many = await measure(25, 2);
    expect(many.miss).toBe(few.miss);
    expect(many.hit).toBe(few.hit);
    expect(few.hit).toBeLessThan(few.miss);
    // The scope alone (credentials, roles, project): the kept indexes need no query of their own.
    const scopeOnly = await counted(`${s.repo}/dists/bookworm/nothing-here`, s.auth);
    expect(scopeOnly.status).toBe(404);
    expect(few.hit).toBe(scopeOnly.statements);
  });
});
