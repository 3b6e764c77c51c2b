// The pure parts of the PyPI format: names, versions, file names, BLAKE2b, content negotiation and the
// simple pages (the multipart reader's tests are in test/http/multipart.test.ts).
import { describe, expect, it } from "vitest";
import { Blake2b } from "../../../src/formats/pypi/blake2b";
import { canonicalVersion, checkDistributionFileName, checkFileNameCharacters, isValidName, isValidVersion, normalizeName } from "../../../src/formats/pypi/names";
import { declaredDigests, UploadFields, versionMetadata } from "../../../src/formats/pypi/metadata";
import { negotiate, renderIndex, renderProjectPage } from "../../../src/formats/pypi/simple-pages";

const enc = new TextEncoder();

describe("names and versions", () => {
  it("normalises names per PEP 503", () => {
    expect(normalizeName("My.Package")).toBe("my-package");
    expect(normalizeName("my__package")).toBe("my-package");
    expect(normalizeName("A-_.b")).toBe("a-b");
  });
  it("validates names and GitLab's PEP 440 versions", () => {
    expect(isValidName("acme-hello")).toBe(true);
    expect(isValidName("-bad")).toBe(false);
    expect(isValidName("bad name")).toBe(false);
    for (const v of ["1.0", "v1.0.0", "1!2.0", "1.0a1", "1.0-beta.2", "1.0.post1", "1.0-1", "1.0.dev3", "1.0+local.7", "2.0RC1"]) expect(isValidVersion(v), v).toBe(true);
    for (const v of ["", "1.0.0-", "latest", "1..0", "1.0+"]) expect(isValidVersion(v), v).toBe(false);
  });
  it("compares versions in their PEP 440 normal form", () => {
    expect(canonicalVersion("1.0.0")).toBe("1");
    expect(canonicalVersion("v1.0-Beta.2")).toBe("1b2");
    expect(canonicalVersion("1.0-1")).toBe("1.post1");
    expect(canonicalVersion("1.0.DEV")).toBe("1.dev0");
    expect(canonicalVersion("1.0+Ubuntu-1")).toBe("1+ubuntu.1");
    expect(canonicalVersion("nope")).toBeNull();
  });
  it("accepts wheel and sdist names of the package and version, and refuses others", () => {
    expect(checkDistributionFileName("acme_hello-1.0.0-py3-none-any.whl", "acme-hello", "1.0.0")).toEqual({ kind: "wheel", pythonVersion: "py3" });
    expect(checkDistributionFileName("Acme.Hello-1.0-1-cp311-cp311-manylinux_2_17_x86_64.whl", "acme.hello", "1.0").kind).toBe("wheel");
    expect(checkDistributionFileName("acme-hello-1.0.0.tar.gz", "acme_hello", "1.0.0")).toEqual({ kind: "sdist", pythonVersion: "source" });
    expect(checkDistributionFileName("acme_hello-1.0.zip", "acme-hello", "1.0.0").kind).toBe("sdist");
    expect(() => checkDistributionFileName("other-1.0.0-py3-none-any.whl", "acme-hello", "1.0.0")).toThrow(/not a wheel/);
    expect(() => checkDistributionFileName("acme_hello-2.0.0-py3-none-any.whl", "acme-hello", "1.0.0")).toThrow(/not a wheel/);
    expect(() => checkDistributionFileName("acme-hello-1.0.1.tar.gz", "acme-hello", "1.0.0")).toThrow(/source distribution/);
    expect(() => checkDistributionFileName("acme-hello-1.0.0.exe", "acme-hello", "1.0.0")).toThrow(/Unsupported/);
  });
  it("refuses control characters, DEL and separators anywhere in a file name, even where tags are free-form", () => {
    for (const bad of ["acme-hello-1.0.0\n.tar.gz", "acme_hello-1.0.0-py3-none-any\r.whl", "acme_hello-1.0.0-py3\u0000-none-any.whl", "acme_hello-1.0.0-py3-none-any\u007f.whl", "acme_hello-1.0.0-py3-none-any\u0085.whl", "d/acme-hello-1.0.0.tar.gz", "d\\acme-hello-1.0.0.tar.gz", ""]) {
      expect(() => checkFileNameCharacters(bad), JSON.stringify(bad)).toThrow(/Invalid file name/);
      expect(() => checkDistributionFileName(bad, "acme-hello", "1.0.0"), JSON.stringify(bad)).toThrow(/Invalid file name/);
    }
    expect(() => checkFileNameCharacters("acme hello-1.0.0.tar.gz")).not.toThrow();
  });
});

describe("BLAKE2b", () => {
  it("matches Python's hashlib.blake2b for empty, short, block-sized and multi-block inputs, fed in any chunks", () => {
    const cases: [string, string][] = [
      ["", "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"],
      ["abc", "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"],
      ["a".repeat(128), "ae2aa48507885c4c950fb809b2076f959cde9f8ea6da260d9a3587df33dac450"],
      ["a".repeat(129), "2f64744a6de0d2c0b56e64cf6e29a5aaa255010d415d51c75ccc82f73dccd865"],
      ["x".repeat(1000), "ab75119ede14ef06ebf31f745fb655ed006cccfe8054c635308a557f7c9beaba"],
    ];
    for (const [input, expected] of cases) {
      expect(new Blake2b(32).update(enc.encode(input)).hex()).toBe(expected);
      const split = new Blake2b(32);
      const bytes = enc.encode(input);
      for (let i = 0; i < bytes.length; i += 7) split.update(bytes.subarray(i, i + 7));
      expect(split.hex()).toBe(expected);
    }
    // Around the 64 KiB input buffer of the WebAssembly core, fed whole and in odd pieces.
    const sized: [number, string][] = [
      [65536, "a609c7bab30fe235dd465369bc46a7d7fa248c56eafe86d0e43ba4cb07cbbd2a"],
      [65537, "adefe1478884563db5fc479704beae2405a9e748960574ee430d61acde3f6f08"],
      [131072, "0aee53584545273f2e0279af22c995a7da9e17bcdd4059ba26cc57cb5b6ea428"],
      [200000, "b59a875a08fbb8f080b98d157aa9c108b6a08565caec592f4584c9ae9e9cfb32"],
    ];
    for (const [size, expected] of sized) {
      const bytes = new Uint8Array(size).map((_, i) => (i * 7) & 255);
      expect(new Blake2b(32).update(bytes).hex(), String(size)).toBe(expected);
      const pieces = new Blake2b(32);
      for (let i = 0; i < size; i += 40_000 + 1) pieces.update(bytes.subarray(i, i + 40_001));
      expect(pieces.hex(), `${size} in pieces`).toBe(expected);
    }
    expect(new Blake2b(64).update(enc.encode("abc")).hex()).toBe(
      "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
    );
  });
});

describe("upload fields", () => {
  it("reads declared digests (md5 as hex or urlsafe base64) and truncates the description at 4000 characters", () => {
    const fields = new UploadFields();
    fields.add("md5_digest", "kAFQmDzST7DWlj99KOF_cg");
    fields.add("sha256_digest", "A".repeat(64));
    fields.add("description", "é".repeat(5000));
    fields.add("requires_dist", "a");
    fields.add("requires_dist", "b");
    expect(declaredDigests(fields)).toEqual({ md5: "900150983cd24fb0d6963f7d28e17f72", sha256: "a".repeat(64) });
    const metadata = versionMetadata(fields);
    expect((metadata.description as string).length).toBe(4000);
    expect(metadata.requires_dist).toEqual(["a", "b"]);
    const bad = new UploadFields();
    bad.add("sha256_digest", "xyz");
    expect(() => declaredDigests(bad)).toThrow(/sha256_digest is invalid/);
  });
});

describe("simple pages", () => {
  it("negotiates PEP 691 types by q-value, falling back to text/html", () => {
    expect(negotiate("application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01").kind).toBe("json");
    expect(negotiate("application/vnd.pypi.simple.v1+json;q=0.2, text/html").contentType).toBe("text/html; charset=utf-8");
    expect(negotiate("application/vnd.pypi.simple.latest+html").contentType).toBe("application/vnd.pypi.simple.v1+html");
    expect(negotiate("application/vnd.pypi.simple.latest+json").contentType).toBe("application/vnd.pypi.simple.v1+json");
    expect(negotiate(undefined).kind).toBe("html");
    expect(negotiate("*/*").kind).toBe("html");
    expect(negotiate("application/vnd.pypi.simple.v1+json;q=0").kind).toBe("html");
  });

  it("renders escaped HTML with sha256 fragments and PEP 700 JSON", () => {
    const page = {
      name: "acme-hello",
      versions: ["1.0"],
      files: [{ fileName: "acme_hello-1.0+x-py3-none-any.whl", sha256: "ab".repeat(32), size: 10, uploadedAt: new Date(0), requiresPython: ">=3.8,<4" }],
    };
    const html = renderProjectPage(negotiate("text/html"), page);
    expect(html).toContain(`<a href="../../files/${"ab".repeat(32)}/acme_hello-1.0%2Bx-py3-none-any.whl#sha256=${"ab".repeat(32)}" data-requires-python="&gt;=3.8,&lt;4">`);
    const json = JSON.parse(renderProjectPage(negotiate("application/vnd.pypi.simple.v1+json"), page));
    expect(json).toEqual({
      meta: { "api-version": "1.1" },
      name: "acme-hello",
      versions: ["1.0"],
      files: [{ filename: page.files[0]!.fileName, url: `../../files/${"ab".repeat(32)}/acme_hello-1.0%2Bx-py3-none-any.whl`, hashes: { sha256: "ab".repeat(32) }, "requires-python": ">=3.8,<4", size: 10, "upload-time": "1970-01-01T00:00:00.000Z" }],
    });
    expect(renderIndex(negotiate("text/html"), "<g>", [{ name: "Acme.Hello", normalizedName: "acme-hello" }], true)).toContain('<a href="acme-hello/">Acme.Hello</a>');
    expect(renderIndex(negotiate("text/html"), "g", [{ name: "a", normalizedName: "a" }], false)).toContain('href="simple/a/"');
  });
});
