// Debian in workerd: control read from .debs, distributions API, indexes (Release, Packages, by-hash, pool),
// signatures checked with OpenPGP.js, concurrent uploads of several architectures, dput-ng's .changes flow.
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import * as openpgp from "openpgp";
import { createApp } from "../../../src/app";
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, addMember, BASE, call, createGroup, createProject, createUser, unique } from "../../support/api";
import { controlFromTar, readDebControl } from "../../../src/formats/debian/deb";
import { parseChanges, parseDsc } from "../../../src/formats/debian/changes";
import { gzip, tar } from "../helm/charts";
import { controlText, deb } from "./debs";

const enc = new TextEncoder();
const hex = async (algo: string, b: Uint8Array) => [...new Uint8Array(await crypto.subtle.digest(algo, b))].map((x) => x.toString(16).padStart(2, "0")).join("");
const streamOf = (b: Uint8Array) => new Blob([b]).stream();

async function seed() {
  const group = await createGroup(unique("debgrp"));
  const project = await createProject(group.id, { visibility: "private" });
  const developer = await createUser();
  await addMember("projects", project.id, developer.id, 30);
  const auth = { authorization: `Basic ${btoa(`${developer.username}:${developer.token}`)}` };
  const repo = `/api/v4/projects/${project.id}/packages/debian`;
  const createDist = (body: string) =>
    call(`/api/v4/projects/${project.id}/debian_distributions`, { method: "POST", body, headers: { ...auth, "content-type": "application/x-www-form-urlencoded" } });
  const put = (file: string, bytes: Uint8Array, query = "?distribution=bookworm&component=main") =>
    call(`${repo}/${file}${query}`, { method: "PUT", body: bytes, headers: { ...auth, "content-type": "application/vnd.debian.binary-package" } });
  const get = (path: string) => call(`${repo}/${path}`, { headers: auth });
  return { group, project, developer, auth, repo, createDist, put, get };
}

describe("control files", () => {
  it("reads ./control from control.tar.gz and from an uncompressed control.tar, stopping before the data member", async () => {
    const text = controlText("hello", "1.0-1", "amd64");
    expect(await readDebControl(streamOf(await deb(text)))).toBe(text);
    expect(await readDebControl(streamOf(await deb(text, enc.encode("x"), "control.tar")))).toBe(text);
  });

  it("refuses what is not a package", async () => {
    await expect(readDebControl(streamOf(enc.encode("not an ar archive at all")))).rejects.toThrow(/not a Debian package/);
    expect(() => controlFromTar(tar([{ name: "./postinst", data: "#!/bin/sh" }]))).toThrow(/no control file/);
    await expect(readDebControl(streamOf(await deb(controlText("x", "1"), enc.encode("x"), "control.tar.bz2")))).rejects.toThrow(/control.tar.bz2/);
    expect((await gzip(enc.encode("a"))).byteLength).toBeGreaterThan(0);
  });

  it("parses a .changes: distribution, files with SHA256 and the component from Section", () => {
    const sha = "a".repeat(64);
    const changes = parseChanges(
      `Format: 1.8\nDistribution: bookworm\nFiles:\n 0123 10 contrib/net optional x_1_all.deb\n 4567 20 misc optional x_1_amd64.buildinfo\nChecksums-Sha256:\n ${sha} 10 x_1_all.deb\n ${sha} 20 x_1_amd64.buildinfo\n`,
    );
    expect(changes).toEqual({ distribution: "bookworm", files: [{ name: "x_1_all.deb", size: 10, sha256: sha, section: "contrib/net" }, { name: "x_1_amd64.buildinfo", size: 20, sha256: sha, section: "misc" }] });
  });

  it("refuses a .changes whose Files and Checksums-Sha256 disagree, as GitLab", () => {
    const sha = "a".repeat(64);
    const changes = (files: string, sums: string) => `Format: 1.8\nDistribution: bookworm\nFiles:\n${files}\nChecksums-Sha256:\n${sums}\n`;
    expect(() => parseChanges(changes(" 0 10 misc optional a_1_all.deb\n 0 5 misc optional b_1.dsc", ` ${sha} 10 a_1_all.deb`))).toThrow("b_1.dsc is listed in Files but not in Checksums-Sha256");
    expect(() => parseChanges(changes(" 0 10 misc optional a_1_all.deb", ` ${sha} 10 a_1_all.deb\n ${sha} 5 c_1.dsc`))).toThrow("c_1.dsc is listed in Checksums-Sha256 but not in Files");
    expect(() => parseChanges(changes(" 0 11 misc optional a_1_all.deb", ` ${sha} 10 a_1_all.deb`))).toThrow("Size for a_1_all.deb in Files and Checksums-Sha256 differ");
    expect(parseChanges(changes(" 0 10 misc optional a_1_all.deb", ` ${sha} 10 a_1_all.deb`)).files).toHaveLength(1);
    expect(() => parseChanges(`Format: 1.8\nDistribution: bookworm\nChecksums-Sha256:\n ${sha} 10 a_1_all.deb\n`)).toThrow("Files field is missing");
  });

  it("reads clearsigned .changes and .dsc files (debsign's output) by their signed text", () => {
    const sha = "b".repeat(64);
    const signed = (body: string) =>
      `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n${body}\n-----BEGIN PGP SIGNATURE-----\n\niHUEARYKAB0WIQ==\n=abcd\n-----END PGP SIGNATURE-----\n`;
    expect(parseChanges(signed(`Format: 1.8\nDistribution: unstable\nFiles:\n ${"d".repeat(32)} 5 devel optional y_1.dsc\nChecksums-Sha256:\n ${sha} 5 y_1.dsc`))).toEqual({ distribution: "unstable", files: [{ name: "y_1.dsc", size: 5, sha256: sha, section: "devel" }] });
    const dsc = parseDsc(signed(`Format: 3.0 (native)\nSource: yy\nVersion: 1\nChecksums-Sha256:\n ${sha} 7 y_1.tar.xz\nFiles:\n ${"c".repeat(32)} 7 y_1.tar.xz`));
    expect(dsc).toMatchObject({ source: "yy", version: "1", files: [{ name: "y_1.tar.xz", size: 7, sha256: sha }] });
    expect(() => parseDsc("Format: 3.0 (native)\nSource: Bad Name\nVersion: 1\n")).toThrow(/Source/);
  });
});

describe("the repository", () => {
  it("creates a distribution, indexes uploads and serves Release, Packages(.gz), by-hash and the pool", async () => {
    const s = await seed();
    expect((await s.put("hello_1.0_all.deb", await deb(controlText("hello", "1.0")))).status).toBe(404);
    const created = await s.createDist("codename=bookworm&suite=stable&origin=Acme&label=Acme&components[]=main&architectures[]=amd64&architectures[]=arm64");
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ codename: "bookworm", suite: "stable", components: ["main"], architectures: ["all", "amd64", "arm64"] });
    expect((await s.createDist("codename=bookworm")).status).toBe(400);

    const allDeb = await deb(controlText("hello", "1.0"));
    expect((await s.put("hello_1.0_all.deb", allDeb)).status).toBe(201);
    expect((await s.put("bad_1.0_all.deb", enc.encode("garbage"))).status).toBe(400);

    const packages = await (await s.get("dists/bookworm/main/binary-arm64/Packages")).text();
    expect(packages).toContain("Package: hello\nVersion: 1.0\n");
    expect(packages).toContain(`Filename: pool/bookworm/h/hello/1.0/hello_1.0_all.deb\nSize: ${allDeb.byteLength}\n`);
    expect(packages).toContain(`SHA256: ${await hex("SHA-256", allDeb)}\n`);
    expect(packages).toMatch(/Description: test package hello\n A longer description.\n$/);

    const release = await (await s.get("dists/bookworm/Release")).text();
    expect(release).toMatch(/^Origin: Acme\nLabel: Acme\nSuite: stable\nCodename: bookworm\n/);
    expect(release).toContain("Architectures: all amd64 arm64\nComponents: main\n");
    const gz = new Uint8Array(await (await s.get("dists/bookworm/main/binary-arm64/Packages.gz")).arrayBuffer());
    const gzSha = await hex("SHA-256", gz);
    expect(release).toContain(` ${gzSha} ${String(gz.byteLength).padStart(8)} main/binary-arm64/Packages.gz`);
    const byHash = await s.get(`dists/bookworm/main/binary-arm64/by-hash/SHA256/${gzSha}`);
    expect(new Uint8Array(await byHash.arrayBuffer())).toEqual(gz);

    const pool = await s.get("pool/bookworm/h/hello/1.0/hello_1.0_all.deb");
    expect(pool.status).toBe(200);
    expect(new Uint8Array(await pool.arrayBuffer())).toEqual(allDeb);
    expect((await s.get("pool/other/h/hello/1.0/hello_1.0_all.deb")).status).toBe(404);
    expect((await call(`${s.repo}/dists/bookworm/Release`)).status).toBe(401);
  });

  it("refuses anything but .deb/.udeb/.ddeb with ?distribution= as GitLab, before the distribution is looked up, and stores nothing", async () => {
    const s = await seed();
    await s.createDist("codename=bookworm");
    for (const name of ["x_1.0.dsc", "x_1.0.tar.xz", "x_1.0_amd64.buildinfo", "x_1.0_amd64.changes"]) {
      for (const query of ["?distribution=bookworm&component=main", "?distribution=nowhere&component=main"]) {
        const res = await s.put(name, enc.encode("Format: 3.0 (native)\nSource: x\nVersion: 1.0\n"), query);
        expect(res.status, `${name}${query}`).toBe(400);
        expect(await res.json()).toEqual({ message: "400 Bad request - file_name Only debs, udebs and ddebs can be directly added to a distribution" });
      }
    }
    const stored = await call(`/api/v4/projects/${s.project.id}/packages?package_type=debian&status=processing&include_versionless=true`, { token: s.developer.token });
    expect(await stored.json()).toEqual([]);
    // Without a distribution they wait for their .changes (201).
    expect((await s.put("x_1.0.dsc", enc.encode("Format: 3.0 (native)\nSource: x\nVersion: 1.0\n"), "")).status).toBe(201);
  });

  it("signs Release: InRelease and Release.gpg verify with key.asc", async () => {
    const s = await seed();
    await s.createDist("codename=trixie");
    await s.put("hello_1.0_all.deb", await deb(controlText("hello", "1.0")), "?distribution=trixie&component=main");
    const armoredKey = await (await call(`/api/v4/projects/${s.project.id}/debian_distributions/trixie/key.asc`, { headers: s.auth })).text();
    const verificationKeys = await openpgp.readKey({ armoredKey });
    // Release and its signatures are built and kept together; the first read builds them (and waits for them
    // to be kept), the next ones read that one set, so Release, InRelease and Release.gpg share one Date.
    const ctx = createExecutionContext();
    expect((await createApp().fetch(new Request(`${BASE}${s.repo}/dists/trixie/Release`, { headers: s.auth }), env, ctx)).status).toBe(200);
    await waitOnExecutionContext(ctx);
    const release = await (await s.get("dists/trixie/Release")).text();
    const inRelease = await (await s.get("dists/trixie/InRelease")).text();
    const clear = await openpgp.verify({ message: await openpgp.readCleartextMessage({ cleartextMessage: inRelease }), verificationKeys, expectSigned: true });
    expect(clear.data).toBe(release);
    const detached = await (await s.get("dists/trixie/Release.gpg")).text();
    const check = await openpgp.verify({
      message: await openpgp.createMessage({ binary: enc.encode(release) }),
      signature: await openpgp.readSignature({ armoredSignature: detached }),
      verificationKeys,
      expectSigned: true,
    });
    expect(check.data).toBeTruthy();
  });

  it("keeps every package of concurrent uploads of several architectures", async () => {
    const s = await seed();
    await s.createDist("codename=bookworm&architectures=amd64 arm64 i386");
    const archs = ["amd64", "arm64", "i386", "all"];
    const results = await Promise.all(archs.flatMap((arch) => [1, 2].map(async (n) => (await s.put(`p${n}_1_${arch}.deb`, await deb(controlText(`p${n}`, "1", arch)))).status)));
    expect(results.every((r) => r === 201)).toBe(true);
    const amd64 = await (await s.get("dists/bookworm/main/binary-amd64/Packages")).text();
    expect(amd64.match(/^Package: /gm)).toHaveLength(4);
    const all = await (await s.get("dists/bookworm/main/binary-all/Packages")).text();
    expect(all.match(/^Package: /gm)).toHaveLength(2);
  });

  it("takes dput-ng's uploads: files into incoming, then the .changes (form-urlencoded) publishes and indexes them", async () => {
    const s = await seed();
    await s.createDist("codename=bookworm");
    const pkg = await deb(controlText("dputted", "2.0"));
    const buildinfo = enc.encode("Format: 1.0\nSource: dputted\n");
    expect((await s.put("dputted_2.0_all.deb", pkg, "")).status).toBe(201);
    expect((await s.put("dputted_2.0_amd64.buildinfo", buildinfo, "")).status).toBe(201);
    const line = async (b: Uint8Array, name: string) => ` ${await hex("SHA-256", b)} ${b.byteLength} ${name}`;
    const changes = `Format: 1.8\nSource: dputted\nDistribution: bookworm\nFiles:\n 0 ${pkg.byteLength} contrib/misc optional dputted_2.0_all.deb\n 0 ${buildinfo.byteLength} misc optional dputted_2.0_amd64.buildinfo\nChecksums-Sha256:\n${await line(pkg, "dputted_2.0_all.deb")}\n${await line(buildinfo, "dputted_2.0_amd64.buildinfo")}\n`;
    const bad = changes.replace(/ [0-9a-f]{64} /, ` ${"0".repeat(64)} `);
    const put = (body: string) => call(`${s.repo}/dputted_2.0_amd64.changes`, { method: "PUT", body, headers: { ...s.auth, "content-type": "application/x-www-form-urlencoded" } });
    expect((await put(bad)).status).toBe(400);
    expect((await put(changes)).status).toBe(201);
    const packages = await (await s.get("dists/bookworm/contrib/binary-amd64/Packages")).text();
    expect(packages).toContain("Filename: pool/bookworm/d/dputted/2.0/dputted_2.0_all.deb");
    expect((await s.get("pool/bookworm/d/dputted/2.0/dputted_2.0_all.deb")).status).toBe(200);
    const list = await (await call(`/api/v4/projects/${s.project.id}/packages?package_type=debian`, { token: s.developer.token })).json<{ name: string; version: string }[]>();
    expect(list.map((p) => `${p.name}@${p.version}`)).toEqual(["dputted@2.0"]);
  });
});

describe("the group repository", () => {
  it("merges the codename's packages of the group's public projects, with the project id in pool paths", async () => {
    const s = await seed();
    expect((await call(`/api/v4/projects/${s.project.id}`, { method: "PUT", token: ADMIN_TOKEN, json: { visibility: "public" } })).status).toBe(200);
    await s.createDist("codename=bookworm");
    const pkg = await deb(controlText("grouped", "3.0"));
    expect((await s.put("grouped_3.0_all.deb", pkg)).status).toBe(201);
    const groupRepo = `/api/v4/groups/${s.group.id}/-/packages/debian`;
    expect((await call(`${groupRepo}/dists/bookworm/main/binary-amd64/Packages`, { headers: s.auth })).status).toBe(404);
    expect((await call(`/api/v4/groups/${s.group.id}/-/debian_distributions?codename=bookworm`, { method: "POST", token: ADMIN_TOKEN })).status).toBe(201);
    const packages = await (await call(`${groupRepo}/dists/bookworm/main/binary-amd64/Packages`, { headers: s.auth })).text();
    const filename = `pool/bookworm/${s.project.id}/g/grouped/3.0/grouped_3.0_all.deb`;
    expect(packages).toContain(`Filename: ${filename}`);
    const file = await call(`${groupRepo}/${filename}`, { headers: s.auth });
    expect(file.status).toBe(200);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(pkg);
    expect((await call(`${groupRepo}/pool/bookworm/999999/g/grouped/3.0/grouped_3.0_all.deb`, { headers: s.auth })).status).toBe(404);
  });
});
