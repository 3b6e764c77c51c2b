// Pure parts of the Composer format: version rules (checked against composer/semver 3.3's VersionParser),
// package names, composer.json, read paths, and where an archive's composer.json is.
import { describe, expect, it } from "vitest";
import { checkVersion, isDevVersion, normalizeVersion } from "../../../src/formats/composer/versions";
import { readCentralDirectory, readEntry } from "../../../src/core/archive";
import { locateFile } from "../../../src/formats/composer/locate-file";
import { nameProblem, parseComposerJson, parseReadPath } from "../../../src/formats/composer/parse";
import { memorySource, makeZip } from "../../support/zip-writer";

describe("Composer versions", () => {
  // Expected values are what `VersionParser::normalize` of Debian's php-composer-semver 3.3.2 answers.
  it.each([
    ["1.0.0", "1.0.0.0"],
    ["1.0", "1.0.0.0"],
    ["v1.2.3", "1.2.3.0"],
    ["1.2.3.4", "1.2.3.4"],
    ["1.0.0-beta.1", "1.0.0.0-beta1"],
    ["1.0.0-b2", "1.0.0.0-beta2"],
    ["1.0.0-rc.1", "1.0.0.0-RC1"],
    ["1.0.0-a.3", "1.0.0.0-alpha3"],
    ["1.0.0-pl3", "1.0.0.0-patch3"],
    ["1.0.0-stable", "1.0.0.0"],
    ["1.0.0-beta-dev", "1.0.0.0-beta-dev"],
    ["1.0.0+build.1", "1.0.0.0"],
    ["dev-feature/x", "dev-feature/x"],
    ["1.x-dev", "1.9999999.9999999.9999999-dev"],
    ["1.0.x-dev", "1.0.9999999.9999999-dev"],
    ["2.X-dev", "2.9999999.9999999.9999999-dev"],
    ["master", "dev-master"],
    ["2023-01-01-12-30", "2023.01.01.12.30"],
    ["1.0.0@beta", "1.0.0.0"],
    ["1.0.0 as 1.1.0", "1.0.0.0"],
  ])("normalises %s as Composer does (%s)", (input, normalized) => {
    expect(normalizeVersion(input)).toBe(normalized);
  });

  it.each(["1.2.3.4.5", "1.0.0-foo", "foo-dev", "main", ""])("refuses %j as Composer does", (input) => {
    expect(normalizeVersion(input)).toBeNull();
  });

  it("stores SemVer and dev versions, drops a leading v as GitLab does for tags, and refuses the rest", () => {
    expect(checkVersion("v1.2.3")).toEqual({ ok: true, version: "1.2.3", normalized: "1.2.3.0" });
    expect(checkVersion(" 1.2.3 ")).toEqual({ ok: true, version: "1.2.3", normalized: "1.2.3.0" });
    expect(checkVersion("1.0.0-beta.1")).toMatchObject({ ok: true, version: "1.0.0-beta.1" });
    expect(checkVersion("1.0.0+build.5")).toMatchObject({ ok: true, normalized: "1.0.0.0" });
    expect(checkVersion("dev-main")).toMatchObject({ ok: true, normalized: "dev-main" });
    expect(checkVersion("v1.x-dev")).toMatchObject({ ok: true, version: "1.x-dev" });
    // GitLab: `1.0.0.0 style invalid → Validation failed: Version is invalid`; SemVer needs three numbers.
    for (const bad of ["1.0.0.0", "1.0", "1", "01.0.0", "1.0.0-foo", "foo-dev", "DEV-main", "dev main", "1.0.0\u0000", "x".repeat(256)]) {
      const checked = checkVersion(bad);
      expect(checked.ok, bad).toBe(false);
      if (!checked.ok) expect(checked.message).toMatch(/^Validation failed: Version is invalid/);
    }
    expect(isDevVersion("dev-main") && isDevVersion("2.x-dev") && !isDevVersion("2.0.0")).toBe(true);
  });
});

describe("Composer names and composer.json", () => {
  it("accepts vendor/package names as Composer validates them", () => {
    for (const good of ["acme/hello", "acme-corp/hello_world", "a1/b.c", "acme/hello--world"]) expect(nameProblem(good), good).toBeNull();
    expect(nameProblem("Acme/Hello")).toMatch(/lowercase/);
    for (const bad of ["acme", "acme/", "/hello", "acme/hello/extra", "acme/-hello", "acme/hello~dev", "acme/con", "acme/x.json"]) expect(nameProblem(bad), bad).not.toBeNull();
  });

  it("keeps composer.json but the keys the registry sets, and reads its version", () => {
    const bytes = new TextEncoder().encode(`\ufeff${JSON.stringify({ name: "acme/hello", version: "1.0.0", require: { php: ">=8" }, dist: { url: "x" }, source: { url: "y" } })}`);
    expect(parseComposerJson(bytes)).toEqual({ ok: true, value: { name: "acme/hello", version: "1.0.0", json: { require: { php: ">=8" } } } });
    const problems = [
      ["{", /not valid JSON/],
      ["[]", /not a JSON object/],
      ["{}", /has no name/],
      ['{"name":"Acme/Hello"}', /lowercase/],
      ['{"name":"acme/hello","version":1}', /version must be a string/],
    ] as const;
    for (const [text, message] of problems) {
      const parsed = parseComposerJson(new TextEncoder().encode(text));
      expect(parsed.ok ? "" : parsed.message, text).toMatch(message);
    }
  });

  it("parses the repository's read paths", () => {
    const sha = "a".repeat(64);
    expect(parseReadPath("packages.json")).toEqual({ kind: "root" });
    expect(parseReadPath(`p/${sha}.json`)).toEqual({ kind: "providers", sha });
    expect(parseReadPath("p2/acme/hello.json")).toEqual({ kind: "p2", name: "acme/hello", dev: false });
    expect(parseReadPath("p2/acme/hello~dev.json")).toEqual({ kind: "p2", name: "acme/hello", dev: true });
    expect(parseReadPath(`acme/hello$${sha}.json`)).toEqual({ kind: "v1", name: "acme/hello", sha });
    expect(parseReadPath(`acme/hello%24${sha}.json`)).toEqual({ kind: "v1", name: "acme/hello", sha });
    expect(parseReadPath("archives/acme/hello.zip")).toEqual({ kind: "archive", name: "acme/hello" });
    // Vendors named like the endpoints stay unambiguous.
    expect(parseReadPath("p2/p2/archives.json")).toEqual({ kind: "p2", name: "p2/archives", dev: false });
    expect(parseReadPath(`archives/x$${sha}.json`)).toEqual({ kind: "v1", name: "archives/x", sha });
    for (const other of ["", "p2/acme.json", "p2/acme/hello", "archives/acme/hello.tar", "../x", "p/short.json"]) expect(parseReadPath(other), other).toBeNull();
  });
});

describe("where composer.json is (locateFile over the shared reader's entries)", () => {
  const composerJsonOf = async (zip: Uint8Array) => {
    const source = memorySource(zip);
    const entry = locateFile(await readCentralDirectory(source), "composer.json");
    return new TextDecoder().decode(await readEntry(source, entry, 1024 * 1024));
  };

  it("finds composer.json at the top level or in the one top-level folder", async () => {
    expect(await composerJsonOf(await makeZip([{ name: "composer.json", data: "A" }, { name: "src/x.php", data: "x" }]))).toBe("A");
    expect(await composerJsonOf(await makeZip([{ name: "pkg/", data: "" }, { name: "pkg/composer.json", data: "B" }]))).toBe("B");
    expect(await composerJsonOf(await makeZip([{ name: "pkg/composer.json", data: "C" }, { name: "__MACOSX/pkg/._composer.json", data: "junk" }]))).toBe("C");
  });

  it("refuses what Composer could not install from", async () => {
    const cases: [Promise<Uint8Array>, RegExp][] = [
      [makeZip([{ name: "a/composer.json", data: "{}" }, { name: "b/x", data: "" }]), /more than one top-level path/],
      [makeZip([{ name: "README", data: "" }]), /no composer.json/],
      [makeZip([{ name: "a/b/composer.json", data: "{}" }]), /no composer.json/],
      [makeZip([{ name: "composer.json/", data: "" }]), /no composer.json/],
    ];
    for (const [zip, message] of cases) await expect(composerJsonOf(await zip)).rejects.toThrow(message);
  });
});
