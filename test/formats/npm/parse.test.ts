// Pure npm parsing and documents: endpoint paths, name and version rules, the streaming publish-body
// scanner (split at every byte), packuments and packument-PUT diffs.
import { describe, expect, it } from "vitest";
import { buildPackument, deprecationChanges, distTagsOf, packumentUpdate, wantsAbbreviated, type VersionRecord } from "../../../src/formats/npm/metadata";
import { compareSemver, isValidSemver, packageNameProblem, parseNpmPath, parsePublishDocument, sha512FromIntegrity } from "../../../src/formats/npm/parse";
import { PublishBodyScanner, type ScanEvent } from "../../../src/formats/npm/parse-publish-body";
import { base64 } from "./support";

describe("parseNpmPath", () => {
  it("reads scoped names encoded and unencoded, tarballs, revisions, dist-tags, search and audit", () => {
    expect(parseNpmPath("@acme%2fhello")).toEqual({ kind: "packument", name: "@acme/hello" });
    expect(parseNpmPath("@acme%2Fhello")).toEqual({ kind: "packument", name: "@acme/hello" });
    expect(parseNpmPath("@acme/hello")).toEqual({ kind: "packument", name: "@acme/hello" });
    expect(parseNpmPath("left-pad")).toEqual({ kind: "packument", name: "left-pad" });
    expect(parseNpmPath("@acme/hello/-/@acme/hello-1.0.0.tgz")).toEqual({ kind: "tarball", name: "@acme/hello", fileName: "@acme/hello-1.0.0.tgz" });
    expect(parseNpmPath("@acme%2fhello/-/hello-1.0.0.tgz")).toEqual({ kind: "tarball", name: "@acme/hello", fileName: "hello-1.0.0.tgz" });
    expect(parseNpmPath("left-pad/-/left-pad-1.0.0.tgz")).toEqual({ kind: "tarball", name: "left-pad", fileName: "left-pad-1.0.0.tgz" });
    expect(parseNpmPath("@acme%2fhello/-rev/p1r4")).toEqual({ kind: "package_rev", name: "@acme/hello", rev: "p1r4" });
    expect(parseNpmPath("@acme/hello/-/@acme/hello-1.0.0.tgz/-rev/p1r4")).toEqual({ kind: "tarball_rev", name: "@acme/hello", fileName: "@acme/hello-1.0.0.tgz", rev: "p1r4" });
    expect(parseNpmPath("-/package/@acme%2fhello/dist-tags")).toEqual({ kind: "dist_tags", name: "@acme/hello" });
    expect(parseNpmPath("-/package/@acme/hello/dist-tags/beta")).toEqual({ kind: "dist_tag", name: "@acme/hello", tag: "beta" });
    expect(parseNpmPath("-/v1/search")).toEqual({ kind: "search" });
    expect(parseNpmPath("-/npm/v1/security/advisories/bulk")).toEqual({ kind: "audit", quick: false });
    expect(parseNpmPath("-/npm/v1/security/audits/quick")).toEqual({ kind: "audit", quick: true });
    expect(parseNpmPath("")).toBeNull();
    expect(parseNpmPath("@acme")).toBeNull();
    expect(parseNpmPath("a/b/c")).toBeNull();
    expect(parseNpmPath("-/whoami")).toBeNull();
    expect(() => parseNpmPath("%E0%A4%A")).toThrow(/percent/);
  });
});

describe("package names and versions", () => {
  it("follows validate-npm-package-name for new packages", () => {
    for (const ok of ["hello", "@acme/hello", "hello-world.js", "a_b", "@a-b/c.d"]) expect(packageNameProblem(ok)).toBeNull();
    for (const bad of ["", " x", ".hidden", "_under", "Capital", "node_modules", "favicon.ico", "http", "with space", "a~b", "@acme", "@acme/", "a/b", "@acme/.x", "x".repeat(215), "caf\u00e9"]) {
      expect(packageNameProblem(bad), bad).not.toBeNull();
    }
  });
  it("accepts semver 2.0.0 only and orders it", () => {
    for (const ok of ["1.0.0", "0.0.1-alpha.1", "1.2.3+build.5", "10.20.30-rc.1+x"]) expect(isValidSemver(ok), ok).toBe(true);
    for (const bad of ["1", "1.0", "v1.0.0", "01.0.0", "1.0.0-", "latest", " 1.0.0"]) expect(isValidSemver(bad), bad).toBe(false);
    const sorted = ["1.0.0", "1.0.0-rc.1", "0.9.9", "1.0.0-alpha", "1.0.0-alpha.10", "1.0.0-alpha.2", "2.0.0"].sort(compareSemver);
    expect(sorted).toEqual(["0.9.9", "1.0.0-alpha", "1.0.0-alpha.2", "1.0.0-alpha.10", "1.0.0-rc.1", "1.0.0", "2.0.0"]);
  });
  it("decodes sha512 SRI strings to hex", () => {
    expect(sha512FromIntegrity(`sha1-xx sha512-${btoa("\u0001\u00ff")}`)).toBe("01ff");
    expect(sha512FromIntegrity("sha1-abc")).toBeNull();
  });
});

describe("parsePublishDocument", () => {
  const doc = (versions: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ name: "@acme/x", versions, "dist-tags": { latest: "1.0.0" }, ...extra });
  it("keeps the manifest without readme and the client's tarball URL, and marks install scripts", () => {
    const parsed = parsePublishDocument(doc({ "1.0.0": { name: "@acme/x", version: "1.0.0", readme: "r", scripts: { postinstall: "node x" }, dist: { shasum: "AB", tarball: "http://x", integrity: `sha512-${btoa("\u0002")}` } } }), "@acme/x");
    expect(parsed.manifest).toEqual({ name: "@acme/x", version: "1.0.0", scripts: { postinstall: "node x" }, hasInstallScript: true, dist: { shasum: "AB", integrity: `sha512-${btoa("\u0002")}` } });
    expect(parsed).toMatchObject({ version: "1.0.0", tag: "latest", declaredSha1: "ab", declaredSha512: "02" });
  });
  it("refuses several versions, bad semver, a name mismatch, bad names and a manifest over 20,000 characters", () => {
    expect(() => parsePublishDocument(doc({ "1.0.0": {}, "1.0.1": {} }), "@acme/x")).toThrow(/one version/);
    expect(() => parsePublishDocument(doc({ "1.0": {} }), "@acme/x")).toThrow(/semver/);
    expect(() => parsePublishDocument(doc({ "1.0.0": {} }), "@acme/y")).toThrow(/does not match/);
    expect(() => parsePublishDocument({ name: "Bad", versions: { "1.0.0": {} } }, "Bad")).toThrow(/capital/);
    expect(() => parsePublishDocument(doc({ "1.0.0": { big: "x".repeat(20_001) } }), "@acme/x")).toThrow(/too large/);
    expect(parsePublishDocument(doc({ "1.0.0": { readme: "x".repeat(50_000) } }), "@acme/x").version).toBe("1.0.0");
    expect(() => parsePublishDocument(doc({ "1.0.0": {} }, { "dist-tags": { "1.2.3": "1.0.0" } }), "@acme/x")).toThrow(/dist-tag/);
  });
});

/** Feed a body in pieces of `size` bytes; collect the document and the decoded attachment. */
function scan(text: string, size: number, limit = 1 << 20) {
  const bytes = new TextEncoder().encode(text);
  const scanner = new PublishBodyScanner(limit);
  const events: ScanEvent[] = [];
  for (let i = 0; i < bytes.length; i += size) events.push(...scanner.push(bytes.subarray(i, i + size)));
  const data: number[] = [];
  for (const e of events) if (e.kind === "attachment_bytes") data.push(...e.bytes);
  return { document: scanner.finish(), events, data: Uint8Array.from(data) };
}

describe("PublishBodyScanner", () => {
  const payload = Uint8Array.from({ length: 301 }, (_, i) => (i * 37) % 256);
  const body = JSON.stringify({
    name: "@acme/x",
    description: 'quotes " and \\ backslashes, and "data": "not this"',
    versions: { "1.0.0": { data: "not the attachment", n: [1, true, null, -2.5e3, { a: [] }] } },
    _attachments: { "@acme/x-1.0.0.tgz": { content_type: "application/octet-stream", data: base64(payload), length: payload.length } },
    after: "kept",
  });

  it("decodes the attachment and keeps everything else, whatever the chunk boundaries", () => {
    for (const size of [1, 2, 3, 5, 7, 64, 100_000]) {
      const { document, events, data } = scan(body, size);
      expect(data, `chunk size ${size}`).toEqual(payload);
      expect(events[0]).toEqual({ kind: "attachment_start", name: "@acme/x-1.0.0.tgz" });
      expect(events.at(-1)).toEqual({ kind: "attachment_end" });
      const parsed = document as any;
      expect(parsed._attachments["@acme/x-1.0.0.tgz"]).toEqual({ content_type: "application/octet-stream", data: "", length: 301 });
      expect(parsed.versions["1.0.0"].data).toBe("not the attachment");
      expect(parsed.description).toContain('"data": "not this"');
      expect(parsed.after).toBe("kept");
    }
  });

  it("accepts whitespace, escaped slashes and unpadded base64", () => {
    const slashy = base64(Uint8Array.of(255, 255, 255, 254)).replace(/=+$/, "").replace(/\//g, "\\/");
    const text = `{ "_attachments" : { "f.tgz" : { "data" : "${slashy}" } } }`;
    expect([...scan(text, 3).data]).toEqual([255, 255, 255, 254]);
  });

  it("rejects malformed JSON, non-base64 data and metadata over the cap", () => {
    expect(() => scan('{"a": [1, 2}', 4)).toThrow(/malformed|brackets/);
    expect(() => scan('{"a": 1', 4)).toThrow(/ended early/);
    expect(() => scan('{"_attachments": {"f": {"data": "ab$d"}}}', 4)).toThrow(/base64/);
    expect(() => scan('{"_attachments": {"f": {"data": "abcde"}}}', 4)).toThrow(/base64/);
    expect(() => scan('{"a": 1} x', 4)).toThrow(/after the JSON/);
    expect(() => scan(`{"readme": "${"x".repeat(2000)}"}`, 64, 1000)).toThrow(/larger than 1000/);
    // the attachment does not count against the metadata cap
    expect(scan(`{"_attachments": {"f": {"data": "${"A".repeat(4000)}"}}}`, 64, 1000).data.length).toBe(3000);
  });
});

describe("packument documents", () => {
  const record = (version: string, manifest: Record<string, unknown> = {}, at = 1): VersionRecord => ({
    version,
    manifest: { name: "@acme/x", version, description: "d", dependencies: { a: "^1" }, scripts: { test: "t" }, ...manifest },
    createdAt: new Date(at * 1000),
    updatedAt: new Date(at * 1000),
    file: { fileName: `@acme/x-${version}.tgz`, sha1: "ab", sha512: "01ff" },
  });
  const input = {
    name: "@acme/x",
    versions: [record("1.0.0", {}, 1), record("2.0.0-rc.1", { deprecated: "old" }, 2), record("1.5.0", { bin: { x: "x.js" }, hasInstallScript: true }, 3)],
    tags: new Map([["beta", "2.0.0-rc.1"], ["gone", "9.9.9"]]),
    tarballUrl: (f: string) => `http://h/p/${f}`,
    rev: "p1r2",
  };

  it("builds the abbreviated install document with dist, deprecation and resolution fields", () => {
    const doc = buildPackument(input, true) as any;
    expect(Object.keys(doc)).toEqual(["name", "modified", "dist-tags", "versions"]);
    expect(doc["dist-tags"]).toEqual({ beta: "2.0.0-rc.1", latest: "2.0.0-rc.1" });
    expect(doc.versions["1.5.0"]).toEqual({
      name: "@acme/x",
      version: "1.5.0",
      dependencies: { a: "^1" },
      bin: { x: "x.js" },
      hasInstallScript: true,
      dist: { shasum: "ab", integrity: `sha512-${btoa("\u0001\u00ff")}`, tarball: "http://h/p/@acme/x-1.5.0.tgz" },
    });
    expect(doc.versions["2.0.0-rc.1"].deprecated).toBe("old");
  });

  it("builds the full document with time, _rev and the manifest", () => {
    const doc = buildPackument({ ...input, tags: new Map([["latest", "1.5.0"]]) }, false) as any;
    expect(doc).toMatchObject({ _id: "@acme/x", _rev: "p1r2", name: "@acme/x", description: "d", "dist-tags": { latest: "1.5.0" } });
    expect(doc.time).toMatchObject({ created: new Date(1000).toISOString(), "1.5.0": new Date(3000).toISOString() });
    expect(doc.versions["1.0.0"].scripts).toEqual({ test: "t" });
    expect(Object.keys(doc.versions)).toEqual(["1.0.0", "1.5.0", "2.0.0-rc.1"]);
  });

  it("falls back to the highest version for latest, and negotiates by Accept", () => {
    expect(distTagsOf(["1.0.0", "1.10.0", "1.9.0"], new Map())).toEqual({ latest: "1.10.0" });
    expect(wantsAbbreviated("application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*")).toBe(true);
    expect(wantsAbbreviated("application/json")).toBe(false);
  });

  it("finds deprecation changes and unpublish diffs in a client's packument", () => {
    const stored = new Map<string, Record<string, unknown>>([["1.0.0", {}], ["1.1.0", { deprecated: "x" }], ["1.2.0", {}]]);
    const body = { versions: { "1.0.0": { deprecated: "use 2" }, "1.1.0": { deprecated: "" }, "1.2.0": {}, "9.0.0": { deprecated: "no" } } };
    expect(deprecationChanges(body, stored)).toEqual([{ version: "1.0.0", message: "use 2" }, { version: "1.1.0", message: "" }]);
    const update = packumentUpdate({ versions: { "1.0.0": {} }, "dist-tags": { latest: "1.0.0" } }, ["1.0.0", "1.1.0"], new Map([["latest", "1.1.0"], ["beta", "1.1.0"]]));
    expect(update).toEqual({ removeVersions: ["1.1.0"], setTags: [{ tag: "latest", version: "1.0.0" }], removeTags: ["beta"] });
  });
});
