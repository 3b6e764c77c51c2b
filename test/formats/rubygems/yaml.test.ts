// The YAML reader against documents Psych wrote (fixtures/generate.rb): the same plain data Psych's parser
// sees, tags ignored; and what it refuses.
import { describe, expect, it } from "vitest";
import { parseYaml, YamlError, type YamlValue } from "../../../src/formats/rubygems/yaml";
import { RUBY_FIXTURES, type Plain } from "./fixtures";

function toPlain(value: YamlValue): Plain {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, toPlain(v)]));
  if (Array.isArray(value)) return value.map(toPlain);
  return value;
}

describe("YAML reader", () => {
  RUBY_FIXTURES.yaml.forEach(({ yaml, plain }, i) => {
    it(`reads Psych document ${i} as Psych does`, () => {
      expect(toPlain(parseYaml(yaml))).toEqual(plain);
    });
  });

  it("reads a real gemspec", () => {
    expect(toPlain(parseYaml(RUBY_FIXTURES.gem.yaml))).toEqual(RUBY_FIXTURES.gem.plain);
  });

  it("shares aliased values instead of copying them, and caps aliases", () => {
    const doc = parseYaml("a: &x [1, 2]\nb: *x\n") as Map<string, YamlValue>;
    expect(doc.get("b")).toBe(doc.get("a"));
    const bomb = ["a: &a [x]", ...Array.from({ length: 20_001 }, (_, i) => `k${i}: *a`)].join("\n");
    expect(() => parseYaml(bomb)).toThrow(YamlError);
  });

  it("refuses what it does not understand rather than guessing", () => {
    for (const bad of ["a: b\n  c: d\n", "a: 'unterminated\n", "a: *missing\n", "a: [1, 2\n", "\ta: b\n", "a: 1\na: 2\n", "<<: *x\n"]) {
      expect(() => parseYaml(bad), bad).toThrow(YamlError);
    }
  });

  it("reads long lines in linear time and refuses long flow collections", () => {
    const long = " ".repeat(2_000_000);
    const started = Date.now();
    expect(toPlain(parseYaml(`description: "a${long}b"\nname: x\n`))).toEqual({ description: `a${long}b`, name: "x" });
    expect(() => parseYaml(`list: [${"x, ".repeat(40_000)}`)).toThrow(YamlError);
    expect(() => parseYaml(`list: [${" ".repeat(100_000)}x]`)).toThrow(YamlError);
    expect(parseYaml(`k: "${"\\\\".repeat(100_000)}x"`)).toBeInstanceOf(Map);
    expect(parseYaml(`- k${"\t".repeat(100_000)}${" ".repeat(1_000_000)}x\n`)).toEqual([`k${"\t".repeat(100_000)}${" ".repeat(1_000_000)}x`]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("never instantiates tagged objects", () => {
    const doc = parseYaml("--- !ruby/object:Kernel\nsystem: !ruby/object:Gem::Installer\n  i: x\n") as Map<string, YamlValue>;
    expect(toPlain(doc)).toEqual({ system: { i: "x" } });
  });
});
