// Cargo's pure parts: name rules and normalisation, index paths, SemVer order, the publish JSON turned into
// an index line, config.json, and the planners that guard publishes and yank versions.
import { describe, expect, it } from "vitest";
import { compareVersions, crateOfIndexPath, indexPathOf, isValidCrateName, isValidVersion, normalizeCrateName } from "../../../src/formats/cargo/names";
import { highestVersion, indexLine, registryConfig, searchResult, versionMetadata } from "../../../src/formats/cargo/metadata";
import { parsePublishMetadata } from "../../../src/formats/cargo/parse";
import { planPublishGuard, planYank } from "../../../src/formats/cargo/planners";
import type { PackageState, PlannedVersion } from "../../../src/core/publish/planners";
import { crateMetadata } from "./support";

describe("crate names", () => {
  it("takes ASCII letters, digits, - and _, starting with a letter, up to 64 characters", () => {
    for (const ok of ["a", "serde", "Serde_JSON", "acme-hello-cargo", "x1", "a".repeat(64)]) expect(isValidCrateName(ok), ok).toBe(true);
    for (const bad of ["", "1abc", "-a", "_a", "a b", "a.b", "a/b", "crème", "a".repeat(65), "a\u0000"]) expect(isValidCrateName(bad), bad).toBe(false);
  });

  it("normalises case and - / _ so that one crate has one coordinator and one uniqueness check", () => {
    expect(normalizeCrateName("Foo_Bar")).toBe("foo-bar");
    expect(normalizeCrateName("foo-bar")).toBe("foo-bar");
    expect(normalizeCrateName("FOO__BAR")).toBe("foo--bar");
  });

  it("builds the sparse index paths cargo requests, and only accepts those", () => {
    expect(indexPathOf("a")).toBe("1/a");
    expect(indexPathOf("ab")).toBe("2/ab");
    expect(indexPathOf("abc")).toBe("3/a/abc");
    expect(indexPathOf("Serde")).toBe("se/rd/serde");
    expect(indexPathOf("acme-hello-cargo")).toBe("ac/me/acme-hello-cargo");
    expect(crateOfIndexPath("ac/me/acme-hello-cargo")).toBe("acme-hello-cargo");
    expect(crateOfIndexPath("3/a/abc")).toBe("abc");
    expect(crateOfIndexPath("1/a")).toBe("a");
    for (const bad of ["ac/mx/acme", "3/b/abc", "2/abc", "se/rd/Serde", "config.json", "ac/me/", "../ac/me/acme", "ac/me/acme/x"]) expect(crateOfIndexPath(bad), bad).toBeNull();
  });
});

describe("versions", () => {
  it("accepts SemVer 2.0.0 only", () => {
    for (const ok of ["0.1.0", "1.0.0-alpha.1", "1.0.0+build.5", "1.0.0-rc.1+meta", "10.20.30"]) expect(isValidVersion(ok), ok).toBe(true);
    for (const bad of ["1.0", "v1.0.0", "01.0.0", "1.0.0-", "1.0.0+", "1.0.0-01", "1.0.0 ", ""]) expect(isValidVersion(bad), bad).toBe(false);
  });

  it("orders by SemVer precedence, ignoring build metadata", () => {
    const sorted = ["1.0.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta.11", "1.0.0-beta.2", "0.9.10", "0.9.9", "1.0.0-rc.1"].sort(compareVersions);
    expect(sorted).toEqual(["0.9.9", "0.9.10", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"]);
    expect(compareVersions("1.0.0+a", "1.0.0+b")).toBe(0);
  });
});

describe("publish metadata → index line", () => {
  const published = parsePublishMetadata(
    crateMetadata({
      name: "acme_greeter",
      vers: "0.1.0",
      description: "greets",
      readme: "# a long README that is not kept",
      links: "greet",
      rust_version: "1.70",
      deps: [
        { name: "zeta", version_req: "^2", features: [], optional: false, default_features: true, target: null, kind: "normal", registry: "https://github.com/rust-lang/crates.io-index", explicit_name_in_toml: null },
        { name: "acme-hello-cargo", version_req: "^1.0", features: ["shout"], optional: true, default_features: false, target: "cfg(unix)", kind: "normal", registry: null, explicit_name_in_toml: "hello" },
        { name: "tester", version_req: "=0.3.1", features: [], optional: false, default_features: true, target: null, kind: "dev", registry: null, explicit_name_in_toml: null },
      ],
      features: { default: ["greet"], greet: ["dep:hello"], loud: ["hello?/shout"], plain: [] },
    }),
  );

  it("renames dependencies as the index does (name as written, package = the crate) and sorts them", () => {
    expect(published.index.deps).toEqual([
      { name: "hello", package: "acme-hello-cargo", req: "^1.0", features: ["shout"], optional: true, default_features: false, target: "cfg(unix)", kind: "normal" },
      { name: "tester", req: "=0.3.1", features: [], optional: false, default_features: true, target: null, kind: "dev" },
      { name: "zeta", req: "^2", features: [], optional: false, default_features: true, target: null, kind: "normal", registry: "https://github.com/rust-lang/crates.io-index" },
    ]);
  });

  it("splits dep: and ?/ features into features2 and marks the line v2, with cksum, yanked, links and rust_version", () => {
    const metadata = versionMetadata(published);
    expect(metadata).not.toHaveProperty("readme");
    const line = indexLine({ name: "acme_greeter", version: "0.1.0", cksum: "ab".repeat(32), metadata });
    expect(line).toBe(
      JSON.stringify({
        name: "acme_greeter",
        vers: "0.1.0",
        deps: published.index.deps,
        cksum: "ab".repeat(32),
        features: { default: ["greet"], plain: [] },
        yanked: false,
        links: "greet",
        features2: { greet: ["dep:hello"], loud: ["hello?/shout"] },
        v: 2,
        rust_version: "1.70",
      }),
    );
    expect(JSON.parse(indexLine({ name: "x", version: "1.0.0", cksum: "c", metadata: { ...metadata, yanked: true } })).yanked).toBe(true);
  });

  it("keeps a v1 line without features2 when no feature needs it", () => {
    const plain = parsePublishMetadata(crateMetadata({ name: "plain", vers: "1.0.0", features: { std: [] } }));
    const line = JSON.parse(indexLine({ name: "plain", version: "1.0.0", cksum: "c", metadata: versionMetadata(plain) }));
    expect(line).toEqual({ name: "plain", vers: "1.0.0", deps: [], cksum: "c", features: { std: [] }, yanked: false });
  });

  it("refuses invalid names, versions, dependency names and shapes with a 400 naming the field", () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [crateMetadata({ name: "1bad", vers: "1.0.0" }), /name: is not a valid crate name/],
      [crateMetadata({ name: "good", vers: "1.0" }), /vers: is not a valid SemVer version/],
      [crateMetadata({ name: "good", vers: "1.0.0", deps: [{ name: "bad name", version_req: "1" }] }), /deps\.0\.name/],
      [crateMetadata({ name: "good", vers: "1.0.0", deps: [{ name: "ok", version_req: "1", kind: "weird" }] }), /deps\.0\.kind/],
      [crateMetadata({ name: "good", vers: "1.0.0", features: { f: "not-a-list" } as never }), /features\.f/],
      [{ vers: "1.0.0" }, /name/],
    ];
    for (const [raw, message] of cases) {
      expect(() => parsePublishMetadata(raw)).toThrowError(message);
    }
  });
});

describe("config.json and search", () => {
  it("points dl and api at the level the client called, and asks for the token where anonymous users may not pull", () => {
    expect(registryConfig("http://h/api/v4/projects/7/packages/cargo", true)).toEqual({
      dl: "http://h/api/v4/projects/7/packages/cargo/api/v1/crates/{crate}/{version}/download",
      api: "http://h/api/v4/projects/7/packages/cargo",
      "auth-required": true,
    });
    expect(registryConfig("http://h/api/v4/groups/acme/-/packages/cargo", false)).not.toHaveProperty("auth-required");
  });

  it("answers cargo search with the highest version that is not yanked and its description", () => {
    const v = (version: string, yanked = false) => ({ version, metadata: { yanked, description: `d${version}` } });
    expect(highestVersion([v("1.2.0"), v("1.10.0", true), v("1.9.0")])?.version).toBe("1.9.0");
    expect(highestVersion([v("1.0.0", true), v("2.0.0", true)])?.version).toBe("2.0.0");
    expect(searchResult([{ name: "a", versions: [v("0.1.0"), v("0.2.0")] }], 3)).toEqual({ crates: [{ name: "a", max_version: "0.2.0", description: "d0.2.0" }], meta: { total: 3 } });
  });
});

describe("planners", () => {
  const version = (v: string, name = "Foo_bar", status: PlannedVersion["status"] = "default"): PlannedVersion => ({ id: 1, version: v, status, metadata: { name, yanked: false }, createdAt: new Date() });
  const state = (...versions: PlannedVersion[]): PackageState => ({ versions, tags: new Map() });

  it("refuses another spelling of an existing crate and a version equal up to build metadata", () => {
    expect(planPublishGuard(state(), { name: "foo-bar", version: "1.0.0" })).toEqual([]);
    expect(planPublishGuard(state(version("1.0.0")), { name: "Foo_bar", version: "1.1.0" })).toEqual([]);
    expect(() => planPublishGuard(state(version("1.0.0")), { name: "foo-bar", version: "1.1.0" })).toThrowError("crate was previously named `Foo_bar`");
    expect(() => planPublishGuard(state(version("1.0.0+a")), { name: "Foo_bar", version: "1.0.0+b" })).toThrowError("crate version `1.0.0+a` is already uploaded");
  });

  it("yanks and unyanks an installable version, by its exact version or without build metadata", () => {
    expect(planYank(state(version("1.0.0")), { name: "Foo_bar", version: "1.0.0", yanked: true })).toEqual([
      { kind: "update_version", version: "1.0.0", status: "deprecated", metadataPatch: { yanked: true } },
    ]);
    expect(planYank(state(version("1.0.0+meta", "Foo_bar", "deprecated")), { name: "Foo_bar", version: "1.0.0", yanked: false })).toEqual([
      { kind: "update_version", version: "1.0.0+meta", status: "default", metadataPatch: { yanked: false } },
    ]);
    expect(() => planYank(state(version("1.0.0", "Foo_bar", "hidden")), { name: "Foo_bar", version: "1.0.0", yanked: true })).toThrowError("crate `Foo_bar` does not have a version `1.0.0`");
  });
});
