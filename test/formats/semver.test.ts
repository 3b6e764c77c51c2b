// The SemVer 2.0.0 parsing and precedence that npm, Cargo, Helm and Terraform modules share (src/formats/semver.ts).
import { describe, expect, it } from "vitest";
import { comparePrecedence, parseSemver } from "../../src/formats/semver";

const order = (versions: string[]) => [...versions].sort((a, b) => comparePrecedence(parseSemver(a)!, parseSemver(b)!));

describe("SemVer", () => {
  it("orders by precedence as semver.org item 11 lists it, ignoring build metadata", () => {
    const spec = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.9.0", "1.10.0", "2.0.0"];
    expect(order([...spec].reverse())).toEqual(spec);
    expect(comparePrecedence(parseSemver("1.0.0+a")!, parseSemver("1.0.0+b")!)).toBe(0);
    expect(comparePrecedence(parseSemver("9007199254740993.0.0")!, parseSemver("9007199254740992.0.0")!)).toBe(1);
  });

  it("refuses leading zeros and a leading v unless asked for", () => {
    for (const bad of ["01.0.0", "1.0", "1.0.0-01", "v1.0.0", "1.0.0-", "1.0.0+"]) expect(parseSemver(bad), bad).toBeNull();
    expect(parseSemver("v1.2.3", { leadingV: true })?.core).toEqual([1n, 2n, 3n]);
  });
});
