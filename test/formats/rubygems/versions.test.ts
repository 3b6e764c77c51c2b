// Gem::Version ordering and prerelease detection against Ruby's (fixtures/generate.rb), and the compact
// index lines built from releases.
import { describe, expect, it } from "vitest";
import { buildInfo, buildNames, buildVersions, infoLine } from "../../../src/formats/rubygems/compact-index";
import { canonicalVersion, isPrerelease, type Gemspec } from "../../../src/formats/rubygems/gemspec";
import type { GemRelease } from "../../../src/formats/rubygems/release";
import { compareGemVersions } from "../../../src/formats/rubygems/version-order";
import { RUBY_FIXTURES } from "./fixtures";

describe("Gem::Version", () => {
  const { sorted, prerelease, equal } = RUBY_FIXTURES.versions;
  const same = (a: string, b: string) => a === b || equal.some(([x, y]) => (x === a && y === b) || (x === b && y === a));

  it("orders versions as Ruby does, equal ones included", () => {
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i; j < sorted.length; j++) {
        const [a, b] = [sorted[i]!, sorted[j]!];
        expect(compareGemVersions(a, b), `${a} <=> ${b}`).toBe(same(a, b) ? 0 : -1);
        expect(compareGemVersions(b, a), `${b} <=> ${a}`).toBe(same(a, b) ? 0 : 1);
      }
    }
  });

  it("knows prereleases and reads `-` as `.pre.`", () => {
    expect(sorted.filter(isPrerelease).sort()).toEqual([...prerelease].sort());
    expect(canonicalVersion(" 1.0-beta.2 ")).toBe("1.0.pre.beta.2");
  });
});

describe("compact index", () => {
  const spec = (over: Partial<Gemspec> = {}): Gemspec => ({
    name: "g",
    version: "1.0.0",
    platform: "ruby",
    summary: "",
    description: null,
    authors: [],
    email: null,
    homepage: null,
    licenses: [],
    metadata: {},
    date: "2026-01-02",
    rubygemsVersion: "3.3.15",
    specificationVersion: 4,
    requiredRubyVersion: [[">=", "0"]],
    requiredRubygemsVersion: [[">=", "0"]],
    dependencies: [],
    ...over,
  });
  const release = (version: string, platform: string, over: Partial<Gemspec> = {}, at = 0): GemRelease =>
    ({ name: "g", version, platform, fileName: "", sha256: "ab".repeat(32), createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, at)), spec: spec({ version, platform, ...over }) }) as GemRelease;

  it("writes info lines as rubygems.org does: runtime dependencies, checksum, then Ruby and RubyGems requirements", () => {
    const line = infoLine(
      release("1.2.0", "java", {
        dependencies: [
          { name: "rake", requirement: [[">=", "1.0"], ["<", "14"]], type: "runtime" },
          { name: "rspec", requirement: [["~>", "3.0"]], type: "development" },
          { name: "json", requirement: [[">=", "0"]], type: "runtime" },
        ],
        requiredRubyVersion: [[">=", "2.7"]],
        requiredRubygemsVersion: [[">", "1.3.1"]],
      }),
    );
    expect(line).toBe(`1.2.0-java rake:>= 1.0&< 14,json:>= 0|checksum:${"ab".repeat(32)},ruby:>= 2.7,rubygems:> 1.3.1`);
    expect(buildInfo([release("1.0.0", "ruby")])).toBe(`---\n1.0.0 |checksum:${"ab".repeat(32)}\n`);
  });

  it("writes versions with a created_at from the newest release, and names sorted", () => {
    const releases = [release("1.0.0", "ruby", {}, 1), release("1.0.0", "x86_64-linux", {}, 5)];
    expect(buildVersions([{ name: "g", releases, infoMd5: "0".repeat(32) }, { name: "empty", releases: [], infoMd5: "" }])).toBe(
      `created_at: 2026-01-01T00:00:05Z\n---\ng 1.0.0,1.0.0-x86_64-linux ${"0".repeat(32)}\n`,
    );
    expect(buildNames(["b", "a", "b"])).toBe("---\na\nb\n");
  });
});
