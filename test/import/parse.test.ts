// The importer's pure parts (scripts/import/lib/parse.mjs): options, PyPI file names and simple pages,
// maven-metadata.xml, directory listings, pagination links, digest comparison and the report.
import { describe, expect, it } from "vitest";
import {
  compareDigests,
  compareVersions,
  digestMismatches,
  fileKey,
  formatReport,
  integrityToHex,
  listingLinks,
  nextLink,
  parseArgs,
  parseMavenMetadata,
  parseSimpleHtml,
  parseSimpleJson,
  parseSimpleRoot,
  parseSource,
  pypiNameVersion,
  snapshotFileNames,
} from "../../scripts/import/lib/parse.mjs";

describe("parseArgs and parseSource", () => {
  it("reads a GitLab source URL, the target and the defaults", () => {
    const o = parseArgs(["--from", "https://gitlab.example.com/api/v4/projects/acme%2Ftools", "--to", "moved/tools", "--formats=npm,maven", "--dry-run"]);
    expect(o.source).toEqual({ kind: "gitlab", base: "https://gitlab.example.com", level: "project", ref: "acme/tools", basic: undefined });
    expect(o).toMatchObject({ to: "moved/tools", toUrl: "http://127.0.0.1:8787", formats: ["npm", "maven"], dryRun: true, concurrency: 4, rate: 20, retries: 3 });
  });

  it("tells sources apart by prefix and moves URL credentials into a Basic pair", () => {
    expect(parseSource("npm:http://127.0.0.1:4873/")).toEqual({ kind: "npm", url: "http://127.0.0.1:4873", basic: undefined });
    expect(parseSource("pypi:https://__token__:s%40cret@host/simple/")).toEqual({ kind: "pypi", url: "https://host/simple", basic: { user: "__token__", password: "s@cret" } });
    expect(parseSource("dir:./packages")).toEqual({ kind: "dir", path: "./packages" });
    expect(parseSource("verdaccio:/srv/verdaccio/storage")).toEqual({ kind: "verdaccio", path: "/srv/verdaccio/storage" });
    expect(parseSource("https://h/api/v4/groups/7")).toMatchObject({ kind: "gitlab", level: "group", ref: "7" });
  });

  it("refuses what it cannot use", () => {
    expect(() => parseArgs(["--to", "x"])).toThrow(/--from is required/);
    expect(() => parseArgs(["--from", "https://registry.npmjs.org", "--to", "x"])).toThrow(/cannot tell/);
    expect(() => parseArgs(["--from", "dir:x", "--to", "x", "--formats", "cargo"])).toThrow(/unknown format cargo/);
    expect(() => parseArgs(["--from", "dir:x", "--to", "x", "--concurrency", "0"])).toThrow(/--concurrency/);
    expect(() => parseArgs(["--from", "dir:x", "--to", "x", "--bogus"])).toThrow(/unknown option --bogus/);
  });
});

describe("PyPI", () => {
  it("takes name and version from wheels and sdists", () => {
    expect(pypiNameVersion("acme_hello-1.0.0-py3-none-any.whl")).toEqual({ name: "acme_hello", version: "1.0.0" });
    expect(pypiNameVersion("my-old-pkg-2.1rc1.tar.gz")).toEqual({ name: "my-old-pkg", version: "2.1rc1" });
    expect(pypiNameVersion("pkg-1.0.zip")).toEqual({ name: "pkg", version: "1.0" });
    expect(pypiNameVersion("README.md")).toBeNull();
    expect(pypiNameVersion("noversion.tar.gz")).toBeNull();
  });

  it("reads a PEP 503 page: URLs resolved against the page, sha256 fragments, escaped requires-python", () => {
    const html = `<!DOCTYPE html><html><body><h1>Links for acme-hello</h1>
      <a href="../../files/ab12/acme_hello-1.0.0-py3-none-any.whl#sha256=AB12" data-requires-python="&gt;=3.8">acme_hello-1.0.0-py3-none-any.whl</a><br>
      <a href='https://files.example/acme_hello-1.0.0.tar.gz#md5=ff' data-yanked="">acme_hello-1.0.0.tar.gz</a></body></html>`;
    expect(parseSimpleHtml(html, "https://host/simple/acme-hello/")).toEqual([
      { fileName: "acme_hello-1.0.0-py3-none-any.whl", url: "https://host/files/ab12/acme_hello-1.0.0-py3-none-any.whl", sha256: "ab12", requiresPython: ">=3.8", yanked: false },
      { fileName: "acme_hello-1.0.0.tar.gz", url: "https://files.example/acme_hello-1.0.0.tar.gz", sha256: undefined, requiresPython: undefined, yanked: true },
    ]);
  });

  it("reads PEP 691 JSON pages and both kinds of root page", () => {
    const doc = { meta: { "api-version": "1.0" }, name: "x", files: [{ filename: "x-1.0.tar.gz", url: "/f/x-1.0.tar.gz", hashes: { sha256: "CD" }, "requires-python": ">=3" }] };
    expect(parseSimpleJson(doc, "https://h/simple/x/")).toEqual([{ fileName: "x-1.0.tar.gz", url: "https://h/f/x-1.0.tar.gz", sha256: "cd", requiresPython: ">=3", yanked: false }]);
    expect(() => parseSimpleJson({}, "https://h/")).toThrow(/PEP 691/);
    expect(parseSimpleRoot({ projects: [{ name: "a" }, { name: "b" }] }, true)).toEqual(["a", "b"]);
    expect(parseSimpleRoot('<a href="a/">a</a><a href="b-c/">b-c</a>', false)).toEqual(["a", "b-c"]);
  });
});

describe("Maven", () => {
  it("reads artifact-level and SNAPSHOT metadata and names a build's files", () => {
    const artifact = "<metadata><groupId>com.acme</groupId><artifactId>lib</artifactId><versioning><latest>2.0</latest><versions><version>1.0</version><version>2.0</version></versions></versioning></metadata>";
    expect(parseMavenMetadata(artifact)).toMatchObject({ groupId: "com.acme", artifactId: "lib", versions: ["1.0", "2.0"] });
    const snapshot = `<metadata><version>1.1-SNAPSHOT</version><versioning><snapshotVersions>
      <snapshotVersion><extension>jar</extension><value>1.1-20260101.120000-2</value></snapshotVersion>
      <snapshotVersion><classifier>sources</classifier><extension>jar</extension><value>1.1-20260101.120000-2</value></snapshotVersion>
      <snapshotVersion><extension>pom</extension><value>1.1-20260101.120000-2</value></snapshotVersion></snapshotVersions></versioning></metadata>`;
    expect(snapshotFileNames("lib", parseMavenMetadata(snapshot))).toEqual(["lib-1.1-20260101.120000-2.jar", "lib-1.1-20260101.120000-2-sources.jar", "lib-1.1-20260101.120000-2.pom"]);
  });

  it("keeps only child links of a directory listing", () => {
    const html = '<a href="../">../</a><a href="1.0/">1.0/</a><a href="maven-metadata.xml">m</a><a href="?C=N;O=D">Name</a><a href="/abs/">x</a><a href="https://x/">y</a><a href="./2.0/">2.0/</a>';
    expect(listingLinks(html)).toEqual(["1.0/", "maven-metadata.xml", "2.0/"]);
  });
});

describe("comparing, keys and the report", () => {
  it("follows rel=next", () => {
    expect(nextLink('<https://h/api/v4/x?page=1>; rel="first", <https://h/api/v4/x?page=2>; rel="next"')).toBe("https://h/api/v4/x?page=2");
    expect(nextLink('<https://h/x?page=1>; rel="first"')).toBeNull();
    expect(nextLink(null)).toBeNull();
  });

  it("keys PyPI names normalised and npm by version only", () => {
    expect(fileKey("pypi", "Acme_Hello", "1.0", "a.whl")).toBe(fileKey("pypi", "acme.hello", "1.0", "a.whl"));
    expect(fileKey("npm", "x", "1.0.0", "x-1.0.0.tgz")).toBe(fileKey("npm", "x", "1.0.0", "other.tgz"));
    expect(fileKey("generic", "x", "1", "a")).not.toBe(fileKey("generic", "x", "1", "b"));
  });

  it("compares on the strongest digest both sides have", () => {
    expect(compareDigests({ sha256: "AA", sha1: "1" }, { sha256: "aa", sha1: "2" })).toBe("same");
    expect(compareDigests({ sha1: "1" }, { sha256: "aa", sha1: "2" })).toBe("different");
    expect(compareDigests({ sha512: "x" }, { md5: "y" })).toBe("unknown");
    expect(digestMismatches({ sha1: "ab", sha256: undefined }, { sha1: "AB", sha256: "cc" })).toEqual([]);
    expect(digestMismatches({ sha1: "ab" }, { sha1: "cd" })).toEqual(["sha1: source says ab, read cd"]);
  });

  it("turns an npm integrity into hex", () => {
    // sha512 of the empty string
    expect(integrityToHex("sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==")).toBe(
      "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
    );
    expect(integrityToHex("sha1-abc")).toBeUndefined();
  });

  it("orders versions numerically with pre-releases first", () => {
    expect(["1.10.0", "1.9.0", "2.0.0-beta.1", "2.0.0", "1.9.0-rc.1"].sort(compareVersions)).toEqual(["1.9.0-rc.1", "1.9.0", "1.10.0", "2.0.0-beta.1", "2.0.0"]);
  });

  it("reports counts per format and every failure with its reason", () => {
    const { text, counts } = formatReport([
      { format: "npm", name: "a", version: "1.0.0", fileName: "a-1.0.0.tgz", outcome: "imported" },
      { format: "npm", name: "a", version: "1.1.0", fileName: "a-1.1.0.tgz", outcome: "skipped" },
      { format: "generic", name: "g", version: "1", fileName: "f.bin", outcome: "failed", reason: "checksum mismatch" },
    ]);
    expect(counts).toEqual({ imported: 1, skipped: 1, failed: 1, planned: 0 });
    expect(text).toContain("imported 1, skipped 1, failed 1");
    expect(text).toContain("generic g@1 f.bin: checksum mismatch");
  });
});
