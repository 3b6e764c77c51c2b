// The Marshal writer against the bytes Ruby's own Marshal.dump wrote for the same values (fixtures/generate.rb).
import { describe, expect, it } from "vitest";
import { asciiString, gemRequirement, gemVersion, marshalDump, RubyHash, RubyObject, RubyString, rubyUtcTime, shared, sym, type RubyValue } from "../../../src/formats/rubygems/marshal";
import { hex, RUBY_FIXTURES } from "./fixtures";

const req = shared(gemRequirement([[">= ", "1"].map((s) => s.trim()) as [string, string], ["<", "14"]]));
const ruby = shared("ruby");

const CASES: Record<string, RubyValue> = {
  nil: null,
  true: true,
  false: false,
  fixnums: [0, 1, -1, 122, 123, -123, -124, 255, 256, -256, -257, 65_535, 65_536, -65_536, 2 ** 30 - 1, -(2 ** 30)],
  strings: ["", "abc", "é ü ✓", new RubyString(new Uint8Array([0x61, 0, 0x62]), "ASCII-8BIT"), asciiString("UTC")],
  symbols: [sym("a"), sym("b"), sym("a"), sym("b"), sym("name")],
  hash: new RubyHash([
    ["k", "v"],
    [sym("s"), 1],
    ["n", null],
  ]),
  nested: [[], [[1, [2]]], new RubyHash([])],
  version: gemVersion("1.2.3.pre"),
  requirement: gemRequirement([
    [">=", "1.0"],
    ["<", "2"],
  ]),
  date: rubyUtcTime(new Date(Date.UTC(2026, 10, 28))),
  time: [rubyUtcTime(new Date(Date.UTC(1999, 11, 31, 23, 59, 58)))],
  link: [ruby, "x", ruby, [ruby]],
  dependency: new RubyObject("Gem::Dependency", [
    ["@name", "rake"],
    ["@requirement", req],
    ["@type", sym("runtime")],
    ["@prerelease", false],
    ["@version_requirements", req],
  ]),
};

describe("Marshal writer", () => {
  it(`covers every case generate.rb recorded with Ruby ${RUBY_FIXTURES.ruby}`, () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(RUBY_FIXTURES.marshal).sort());
  });

  for (const [name, value] of Object.entries(CASES)) {
    it(`writes ${name} byte for byte as Ruby does`, () => {
      expect(hex(marshalDump(value))).toBe(RUBY_FIXTURES.marshal[name]);
    });
  }

  it("refuses integers outside Ruby's Fixnum range", () => {
    expect(() => marshalDump(2 ** 30)).toThrow(RangeError);
    expect(() => marshalDump(1.5)).toThrow(RangeError);
  });
});
