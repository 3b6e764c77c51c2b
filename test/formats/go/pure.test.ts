// The Go format's pure parts: versions, module paths, proxy URLs, go.mod module lines, zip rules and the
// documents built from stored versions.
import { describe, expect, it } from "vitest";
import { ModuleDirectiveScanner, parseModuleLine } from "../../../src/formats/go/go-mod";
import { latestVersion, versionInfo, versionList } from "../../../src/formats/go/metadata";
import { checkModulePath, checkModuleVersion, escapeProxyElement, splitPathVersion, unescapeProxyElement } from "../../../src/formats/go/module-path";
import { checkModuleZip } from "../../../src/formats/go/module-zip";
import { parseGoRequest } from "../../../src/formats/go/parse";
import { canonicalVersion, compareVersions, isPseudoVersion } from "../../../src/formats/go/semver";
import type { ZipEntry } from "../../../src/core/archive";

describe("Go versions", () => {
  it("finds the canonical form and keeps only +incompatible builds", () => {
    expect(canonicalVersion("v1")).toBe("v1.0.0");
    expect(canonicalVersion("v1.2")).toBe("v1.2.0");
    expect(canonicalVersion("v1.2.3-rc.1+meta")).toBe("v1.2.3-rc.1");
    expect(canonicalVersion("v2.0.0+incompatible")).toBe("v2.0.0+incompatible");
    for (const bad of ["1.0.0", "v1.0.0-", "v01.0.0", "v1.0.0-01", "v1.0-rc1", "v1.0.0+", "latest"]) expect(canonicalVersion(bad), bad).toBeNull();
  });

  it("orders as semver: numbers by value, pre-releases below releases, numeric identifiers below others", () => {
    const sorted = ["v1.10.0", "v1.2.0", "v1.2.0-rc.10", "v1.2.0-rc.2", "v1.2.0-beta", "v0.9.0", "v1.2.0-rc"].sort(compareVersions);
    expect(sorted).toEqual(["v0.9.0", "v1.2.0-beta", "v1.2.0-rc", "v1.2.0-rc.2", "v1.2.0-rc.10", "v1.2.0", "v1.10.0"]);
  });

  it("recognises pseudo-versions", () => {
    expect(isPseudoVersion("v0.0.0-20260101120000-abcdef123456")).toBe(true);
    expect(isPseudoVersion("v1.2.4-0.20260101120000-abcdef123456")).toBe(true);
    expect(isPseudoVersion("v1.2.3-pre.0.20260101120000-abcdef123456")).toBe(true);
    expect(isPseudoVersion("v1.2.3")).toBe(false);
    expect(isPseudoVersion("v1.2.3-rc.1")).toBe(false);
  });
});

describe("Go module paths", () => {
  it("accepts what the go command accepts", () => {
    for (const ok of ["example.test/acme/hello", "example.test/Acme/Hello", "example.test/acme/hello/v2", "gopkg.in/yaml.v3", "golang.org/x/mod", "example.test/a_b~c.d"]) {
      expect(checkModulePath(ok), ok).toBeNull();
    }
  });

  it("refuses malformed paths with the go command's reasons", () => {
    expect(checkModulePath("example/hello")).toBe("missing dot in first path element");
    expect(checkModulePath("Example.test/hello")).toMatch(/first path element/);
    expect(checkModulePath("example.test//hello")).toBe("double slash");
    expect(checkModulePath("example.test/hello/")).toBe("trailing slash");
    expect(checkModulePath("example.test/.hidden")).toBe("leading dot in path element");
    expect(checkModulePath("example.test/hel lo")).toMatch(/invalid char/);
    expect(checkModulePath("example.test/con")).toMatch(/Windows/);
    expect(checkModulePath("example.test/hello~1")).toBe("trailing tilde and digits in path element");
    expect(checkModulePath("example.test/hello/v1")).toBe("invalid version");
    expect(checkModulePath("example.test/hello/v02")).toBe("invalid version");
    expect(checkModulePath("gopkg.in/yaml")).toBe("invalid version");
    expect(checkModulePath("-example.test/x")).toBe("leading dash");
  });

  it("splits major-version suffixes", () => {
    expect(splitPathVersion("example.test/hello/v2")).toEqual({ prefix: "example.test/hello", pathMajor: "/v2", ok: true });
    expect(splitPathVersion("example.test/hello")).toEqual({ prefix: "example.test/hello", pathMajor: "", ok: true });
    expect(splitPathVersion("gopkg.in/yaml.v3")).toEqual({ prefix: "gopkg.in/yaml", pathMajor: ".v3", ok: true });
  });

  it("matches versions to the major-version suffix, with +incompatible only without one", () => {
    expect(checkModuleVersion("example.test/hello", "v1.0.0")).toBeNull();
    expect(checkModuleVersion("example.test/hello", "v0.1.0-rc.1")).toBeNull();
    expect(checkModuleVersion("example.test/hello", "v2.0.0")).toMatch(/should be v0 or v1, not v2/);
    expect(checkModuleVersion("example.test/hello", "v2.0.0+incompatible")).toBeNull();
    expect(checkModuleVersion("example.test/hello", "v1.0.0+incompatible")).toMatch(/major versions 2 and above/);
    expect(checkModuleVersion("example.test/hello/v2", "v2.1.0")).toBeNull();
    expect(checkModuleVersion("example.test/hello/v2", "v3.0.0")).toMatch(/should be v2, not v3/);
    expect(checkModuleVersion("example.test/hello/v2", "v2.0.0+incompatible")).toMatch(/only for modules without a major-version suffix/);
    expect(checkModuleVersion("gopkg.in/yaml.v3", "v3.0.1")).toBeNull();
    expect(checkModuleVersion("example.test/hello", "v1.0")).toMatch(/not canonical/);
    expect(checkModuleVersion("example.test/hello", "v1.0.0+build")).toMatch(/not canonical/);
  });

  it("escapes upper-case letters as ! and the lower case, and refuses anything else", () => {
    expect(escapeProxyElement("example.test/Acme/HelloGo")).toBe("example.test/!acme/!hello!go");
    expect(unescapeProxyElement("example.test/!acme/!hello!go")).toBe("example.test/Acme/HelloGo");
    expect(unescapeProxyElement("example.test/Acme")).toBeNull();
    expect(unescapeProxyElement("example.test/!")).toBeNull();
    expect(unescapeProxyElement("example.test/!1")).toBeNull();
  });
});

describe("GOPROXY request paths", () => {
  it("names the module, version and document", () => {
    expect(parseGoRequest("example.test/!acme/hello/@v/list")).toEqual({ ok: true, value: { kind: "list", modulePath: "example.test/Acme/hello" } });
    expect(parseGoRequest("example.test/hello/@latest")).toEqual({ ok: true, value: { kind: "latest", modulePath: "example.test/hello" } });
    expect(parseGoRequest("example.test/hello/@v/v1.0.0-!r!c1.info")).toEqual({ ok: true, value: { kind: "info", modulePath: "example.test/hello", version: "v1.0.0-RC1" } });
    expect(parseGoRequest("example.test/hello/v2/@v/v2.0.0.zip")).toMatchObject({ ok: true, value: { kind: "zip", version: "v2.0.0" } });
    expect(parseGoRequest("example.test/hello/@v/v2.0.0+incompatible.mod")).toMatchObject({ ok: true, value: { kind: "mod", version: "v2.0.0+incompatible" } });
  });

  it("refuses malformed paths, versions and documents", () => {
    for (const bad of ["example.test/hello", "example.test/Hello/@v/list", "hello/@v/list", "example.test/hello/@v/v1.0.info", "example.test/hello/@v/v2.0.0.zip", "example.test/hello/@v/v1.0.0.tar", "example.test/hello/@v/master.info"]) {
      expect(parseGoRequest(bad).ok, bad).toBe(false);
    }
  });
});

describe("go.mod module directive", () => {
  it("reads bare, quoted and commented module lines", () => {
    expect(parseModuleLine("module example.test/hello")).toEqual({ path: "example.test/hello" });
    expect(parseModuleLine("module\texample.test/hello // the module")).toEqual({ path: "example.test/hello" });
    expect(parseModuleLine('module "example.test/hello"')).toEqual({ path: "example.test/hello" });
    expect(parseModuleLine("module `example.test/hello`")).toEqual({ path: "example.test/hello" });
    expect(parseModuleLine("go 1.19")).toBeNull();
    expect(parseModuleLine("modules x")).toBeNull();
    expect(parseModuleLine("module a b")).toEqual({ error: expect.stringMatching(/usage/) });
    expect(parseModuleLine("module")).toEqual({ error: expect.stringMatching(/usage/) });
  });

  it("finds the directive across chunks, after comments, and says when there is none", () => {
    const scanner = new ModuleDirectiveScanner();
    for (const chunk of ["// a comment\n\nmod", "ule example.test/", "split // c\ngo 1.19\n"]) scanner.feed(chunk);
    scanner.end();
    expect(scanner.result).toEqual({ path: "example.test/split" });
    const none = new ModuleDirectiveScanner();
    none.feed("go 1.19\n");
    none.end();
    expect(none.result).toEqual({ error: "go.mod has no module directive" });
    const last = new ModuleDirectiveScanner();
    last.feed("module example.test/no-newline");
    last.end();
    expect(last.result).toEqual({ path: "example.test/no-newline" });
  });
});

describe("module zip rules", () => {
  const entry = (name: string, size = 10, method = 8): ZipEntry => ({ name, utf8Name: true, flags: 0, method, crc32: 0, compressedSize: size, uncompressedSize: size, localHeaderOffset: 0 });
  const P = "example.test/hello@v1.0.0/";
  const check = (names: (string | ZipEntry)[]) => checkModuleZip(names.map((n) => (typeof n === "string" ? entry(n) : n)), "example.test/hello", "v1.0.0");

  it("accepts files and directories under the prefix and finds the root go.mod", () => {
    const result = check([`${P}go.mod`, `${P}hello.go`, `${P}sub/`, `${P}sub/x.go`, `${P}sub/go.sum`]);
    expect(result.problems).toEqual([]);
    expect(result.goMod?.name).toBe(`${P}go.mod`);
  });

  it("refuses what the go command refuses", () => {
    const problems = (names: (string | ZipEntry)[]) => check(names).problems.join("\n");
    expect(problems(["example.test/other@v1.0.0/x.go"])).toMatch(/does not have prefix/);
    expect(problems([`${P}a/../b.go`])).toMatch(/not clean/);
    expect(problems([`${P}a/b:c.go`])).toMatch(/malformed file path/);
    expect(problems([`${P}A.go`, `${P}a.go`])).toMatch(/case-insensitive file name collision/);
    expect(problems([`${P}x.go`, `${P}x.go`])).toMatch(/multiple entries/);
    expect(problems([`${P}x`, `${P}x/y.go`])).toMatch(/both a file and a directory/);
    expect(problems([`${P}sub/go.mod`])).toMatch(/not in module root/);
    expect(problems([`${P}GO.MOD`])).toMatch(/lowercase/);
    expect(problems([entry(`${P}go.mod`, 17 * 1024 * 1024)])).toMatch(/go.mod file too large/);
    expect(problems([entry(`${P}a`, 300 * 1024 * 1024), entry(`${P}b`, 300 * 1024 * 1024)])).toMatch(/total uncompressed size/);
    expect(problems([entry(`${P}x.go`, 10, 12)])).toMatch(/unsupported compression method 12/);
    expect(problems([{ ...entry(`${P}x.go`), utf8Name: false }])).toMatch(/not valid UTF-8/);
  });
});

describe("GOPROXY documents", () => {
  const at = (version: string, iso = "2026-01-02T03:04:05.678Z") => ({ version, createdAt: new Date(iso) });

  it("lists tagged versions in semver order without pseudo-versions", () => {
    expect(versionList([at("v1.10.0"), at("v1.2.0"), at("v0.0.0-20260101120000-abcdef123456"), at("v1.2.0-rc.1")])).toBe("v1.2.0-rc.1\nv1.2.0\nv1.10.0\n");
    expect(versionList([])).toBe("");
  });

  it("writes .info with RFC 3339 seconds", () => {
    expect(JSON.parse(versionInfo(at("v1.0.0")))).toEqual({ Version: "v1.0.0", Time: "2026-01-02T03:04:05Z" });
  });

  it("picks @latest: release, then +incompatible release, then pre-release, then pseudo-version", () => {
    expect(latestVersion([at("v1.2.0"), at("v1.10.0-rc.1"), at("v3.0.0+incompatible")])?.version).toBe("v1.2.0");
    expect(latestVersion([at("v3.0.0+incompatible"), at("v2.0.0+incompatible"), at("v1.0.0-rc.1")])?.version).toBe("v3.0.0+incompatible");
    expect(latestVersion([at("v1.0.0-rc.1"), at("v1.0.0-rc.2")])?.version).toBe("v1.0.0-rc.2");
    expect(latestVersion([at("v0.0.0-20260101120000-abcdef123456"), at("v0.0.0-20260201120000-abcdef123456")])?.version).toBe("v0.0.0-20260201120000-abcdef123456");
    expect(latestVersion([])).toBeNull();
  });
});
