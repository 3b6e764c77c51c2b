// The pure parts of the NuGet format: id and version rules, the nuspec reader, the path parser, the bare-LF
// repair of NuGet 2.x multipart bodies (the zip reader is tested in test/core/zip-reader.test.ts).
import { describe, expect, it } from "vitest";
import { restoreCrBeforeBoundaries } from "../../../src/formats/nuget/bare-lf";
import { NuspecError, parseNuspec } from "../../../src/formats/nuget/nuspec";
import { parseNugetPath } from "../../../src/formats/nuget/paths";
import { parseV2Query } from "../../../src/formats/nuget/v2-query";
import { compareVersionStrings, isValidId, normalizeVersion, sameVersion } from "../../../src/formats/nuget/versions";
import { XmlError, parseXml } from "../../../src/formats/nuget/xml";
import { nuspec } from "./support";

describe("ids and versions", () => {
  it("normalizes versions as NuGet does", () => {
    expect(normalizeVersion("1.0")).toBe("1.0.0");
    expect(normalizeVersion("1")).toBe("1.0.0");
    expect(normalizeVersion("1.0.0.0")).toBe("1.0.0");
    expect(normalizeVersion("1.02.3.4")).toBe("1.2.3.4");
    expect(normalizeVersion("1.0.0-Beta.1+build.5")).toBe("1.0.0-Beta.1");
    expect(normalizeVersion(" 2.0.0 ")).toBe("2.0.0");
    for (const bad of ["", "one", "1.0.0.0.0", "1.0-", "1..0", "-1.0", "1.0.0-beta_1"]) expect(normalizeVersion(bad), bad).toBeNull();
  });

  it("orders versions as NuGet does", () => {
    const sorted = ["1.0.0", "1.0.0-beta", "1.0.0-alpha", "1.0.0-beta.2", "1.0.0-beta.10", "0.9.9", "1.0.0.1", "1.0.0-rc", "10.0.0", "2.0.0"].sort(compareVersionStrings);
    expect(sorted).toEqual(["0.9.9", "1.0.0-alpha", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.10", "1.0.0-rc", "1.0.0", "1.0.0.1", "2.0.0", "10.0.0"]);
    expect(sameVersion("1.0.0-BETA", "1.0-beta")).toBe(true);
    expect(sameVersion("1.0.0", "1.0.1")).toBe(false);
  });

  it("accepts NuGet ids and refuses the rest", () => {
    for (const id of ["Acme.Hello", "a", "A_b-c.D1", "x".repeat(100)]) expect(isValidId(id), id).toBe(true);
    for (const id of ["", ".a", "a.", "a..b", "a/b", "a b", "x".repeat(101), "ä"]) expect(isValidId(id), id).toBe(false);
  });
});

describe("the nuspec reader", () => {
  it("reads the metadata the feeds show", () => {
    const meta = parseNuspec(
      nuspec({
        id: "Acme.Full",
        version: "1.0.0-RC.1+sha.1",
        authors: "Ann &amp; Bob",
        description: "<![CDATA[Uses <b>tags</b>]]> &#x263A;",
        extra: `<title>Full</title><tags>one, two;three  four</tags><license type="expression">MIT OR Apache-2.0</license>
          <projectUrl>https://example.com</projectUrl><requireLicenseAcceptance>true</requireLicenseAcceptance>
          <packageTypes><packageType name="DotnetTool"/></packageTypes><repository type="git" url="https://example.com/r.git" commit="abc"/>
          <dependencies><dependency id="Direct" version="1.0"/><group targetFramework="net6.0"><dependency id="A" version="[1.0.0, 2.0.0)"/></group><group/></dependencies>`,
      }),
    );
    expect(meta).toMatchObject({
      id: "Acme.Full",
      version: "1.0.0-RC.1",
      verbatimVersion: "1.0.0-RC.1+sha.1",
      isPrerelease: true,
      isSemVer2: true,
      authors: "Ann & Bob",
      description: "Uses <b>tags</b> \u263a",
      title: "Full",
      tags: ["one", "two", "three", "four"],
      licenseExpression: "MIT OR Apache-2.0",
      requireLicenseAcceptance: true,
      packageTypes: ["DotnetTool"],
      repository: { type: "git", url: "https://example.com/r.git", commit: "abc" },
      dependencyGroups: [
        { targetFramework: "", dependencies: [{ id: "Direct", range: "1.0" }] },
        { targetFramework: "net6.0", dependencies: [{ id: "A", range: "[1.0.0, 2.0.0)" }] },
        { targetFramework: "", dependencies: [] },
      ],
    });
  });

  it("refuses manifests without a valid id or version, and document type declarations", () => {
    expect(() => parseNuspec(nuspec({ id: "", version: "1.0.0" }))).toThrow(NuspecError);
    expect(() => parseNuspec(nuspec({ id: "bad id", version: "1.0.0" }))).toThrow(/not a valid NuGet id/);
    expect(() => parseNuspec(nuspec({ id: "Ok", version: "1.x" }))).toThrow(/not a valid NuGet version/);
    expect(() => parseNuspec("<package><metadata>")).toThrow(/not valid XML/);
    expect(() => parseXml('<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')).toThrow(XmlError);
    expect(() => parseXml("<x>&unknown;</x>")).toThrow(XmlError);
    expect(parseXml("\ufeff<?xml version='1.0'?><!-- c --><a:x xmlns:a='u' k='v &lt; w'>t<y/>u</a:x>")).toEqual({
      name: "x",
      attributes: { a: "u", k: "v < w" },
      children: [{ name: "y", attributes: {}, children: [], text: "" }],
      text: "tu",
    });
  });
});

describe("paths", () => {
  it("maps v3 and v2 paths to endpoints", () => {
    expect(parseNugetPath("")).toEqual({ kind: "root" });
    expect(parseNugetPath("/index.json")).toEqual({ kind: "service_index" });
    expect(parseNugetPath("/metadata/Acme.Hello/index")).toEqual({ kind: "registration_index", id: "Acme.Hello" });
    expect(parseNugetPath("/metadata/Acme.Hello/1.0.0.json")).toEqual({ kind: "registration_leaf", id: "Acme.Hello", version: "1.0.0" });
    expect(parseNugetPath("/metadata/acme/page/1.0.0/2.0.0.json")).toEqual({ kind: "registration_page", id: "acme", lower: "1.0.0", upper: "2.0.0" });
    expect(parseNugetPath("/download/acme/index.json")).toEqual({ kind: "flat_versions", id: "acme" });
    expect(parseNugetPath("/download/acme/1.0.0/acme.1.0.0.nupkg")).toEqual({ kind: "flat_file", id: "acme", version: "1.0.0", fileName: "acme.1.0.0.nupkg" });
    expect(parseNugetPath("/Acme.Hello/1.0.0")).toEqual({ kind: "package", id: "Acme.Hello", version: "1.0.0" });
    expect(parseNugetPath("/v2/")).toEqual({ kind: "v2_root" });
    expect(parseNugetPath("/v2/Packages(Id=%27Acme.Hello%27,Version=%271.0.0%27)")).toEqual({ kind: "v2_entry", id: "Acme.Hello", version: "1.0.0" });
    expect(parseNugetPath("/v2/FindPackagesById()/$count")).toEqual({ kind: "v2_collection", collection: "FindPackagesById", count: true });
    expect(parseNugetPath("/v2/Search()")).toEqual({ kind: "v2_collection", collection: "Search", count: false });
    expect(parseNugetPath("/v2/Acme.Hello/1.0.0")).toEqual({ kind: "v2_package", id: "Acme.Hello", version: "1.0.0" });
    expect(parseNugetPath("/symbolfiles/a.pdb/ABC/a.pdb")).toEqual({ kind: "symbol_file", fileName: "a.pdb", signature: "ABC", fileName2: "a.pdb" });
    expect(parseNugetPath("/metadata/a/b/c/d")).toBeNull();
    expect(parseNugetPath("/download/%E0%A4%A")).toBeNull();
  });

  it("reads the OData query options NuGet 2.x sends", () => {
    const q = parseV2Query(new URLSearchParams("$filter=IsLatestVersion&$orderby=Id&$skip=30&$top=500&searchTerm='He''llo'&includePrerelease=false"), "Search");
    expect(q).toMatchObject({ latest: "stable", orderBy: "id", skip: 30, top: 100, term: "he'llo", includePrerelease: false, ids: [] });
    const byId = parseV2Query(new URLSearchParams("$filter=(tolower(Id) eq 'acme.a') or (tolower(Id) eq 'acme.b')&$orderby=Version desc"), "Packages");
    expect(byId).toMatchObject({ ids: ["acme.a", "acme.b"], orderBy: "version_desc", includePrerelease: true, latest: "none" });
    expect(parseV2Query(new URLSearchParams("id='Acme.Hello'&$filter=IsAbsoluteLatestVersion"), "FindPackagesById")).toMatchObject({ ids: ["acme.hello"], latest: "absolute" });
  });
});

describe("NuGet 2.x multipart bodies", () => {
  const boundary = "5f0e-boundary";
  const body = new TextEncoder().encode(`--${boundary}\r\nContent-Disposition: form-data; name="package"\r\n\r\nPK\x03\x04 data \n\r\n with\nnewlines\n--${boundary}--\r\n`);

  async function repaired(chunkSize: number): Promise<string> {
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < body.length; i += chunkSize) chunks.push(body.slice(i, i + chunkSize));
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (const chunk of chunks) c.enqueue(chunk);
        c.close();
      },
    }).pipeThrough(restoreCrBeforeBoundaries(boundary));
    return new TextDecoder().decode(new Uint8Array(await new Response(stream).arrayBuffer()));
  }

  it("puts the CR back before the closing boundary, however the body is split, and changes nothing else", async () => {
    const want = `--${boundary}\r\nContent-Disposition: form-data; name="package"\r\n\r\nPK\x03\x04 data \n\r\n with\nnewlines\r\n--${boundary}--\r\n`;
    for (const size of [1, 2, 3, 7, 16, 1000]) expect(await repaired(size), `chunks of ${size}`).toBe(want);
  });
});
