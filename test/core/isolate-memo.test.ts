// The isolate memo keeps copies of what lives elsewhere (Cache API entries, markers): each entry expires when
// it says, and the memo stays within its entry count and byte budget by dropping the least recently used.
import { describe, expect, it } from "vitest";
import { IsolateMemo } from "../../src/core/isolate-memo";

describe("IsolateMemo", () => {
  it("answers until an entry's expiry and not after", () => {
    const memo = new IsolateMemo<string>(10);
    memo.set("a", "A", 2_000, 0, 1_000);
    expect(memo.get("a", 1_999)).toBe("A");
    expect(memo.get("a", 2_000)).toBeUndefined();
    expect(memo.size).toBe(0);
  });

  it("does not keep what has already expired", () => {
    const memo = new IsolateMemo<string>(10);
    memo.set("a", "A", 1_000, 0, 1_000);
    expect(memo.get("a", 999)).toBeUndefined();
  });

  it("drops the least recently used entry past its entry count", () => {
    const memo = new IsolateMemo<string>(2);
    memo.set("a", "A", 10_000, 0, 0);
    memo.set("b", "B", 10_000, 0, 0);
    expect(memo.get("a", 1)).toBe("A");
    memo.set("c", "C", 10_000, 0, 0);
    expect([memo.get("a", 1), memo.get("b", 1), memo.get("c", 1)]).toEqual(["A", undefined, "C"]);
  });

  it("stays within its byte budget and refuses an entry over a quarter of it", () => {
    const memo = new IsolateMemo<string>(100, 1_000);
    memo.set("big", "x", 10_000, 251, 0);
    expect(memo.get("big", 1)).toBeUndefined();
    for (const key of ["a", "b", "c", "d", "e"]) memo.set(key, key, 10_000, 250, 0);
    expect(memo.bytes).toBeLessThanOrEqual(1_000);
    expect(memo.get("a", 1)).toBeUndefined();
    expect(memo.get("e", 1)).toBe("e");
  });

  it("forgets a deleted entry and a replaced one's bytes", () => {
    const memo = new IsolateMemo<string>(10, 1_000);
    memo.set("a", "A", 10_000, 100, 0);
    memo.set("a", "A2", 10_000, 200, 0);
    expect(memo.bytes).toBe(200);
    memo.delete("a");
    expect([memo.get("a", 1), memo.bytes]).toEqual([undefined, 0]);
  });
});
