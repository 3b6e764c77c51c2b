// Pure parsing of Generic paths: coordinates, stored file names, and the chunked-upload suffixes.
import { describe, expect, it } from "vitest";
import { parseGenericPath, parseStatus, parseUploadStart } from "../../../src/formats/generic/parse";
import { choosePartSize, expectedPartLength, missingParts, MIN_PART_SIZE } from "../../../src/core/chunked-uploads";

const ID = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";

describe("parseGenericPath", () => {
  it("splits name, version and a file path with directories", () => {
    expect(parseGenericPath("PUT", "tool/1.0.0/dir/sub/f.bin")).toEqual({
      kind: "file",
      coordinates: { name: "tool", version: "1.0.0", path: "dir/sub/f.bin", fileName: "dir%2Fsub%2Ff.bin", baseName: "f.bin" },
    });
    expect(parseGenericPath("GET", "tool/1.0.0/f.bin").coordinates.fileName).toBe("f.bin");
  });

  it("recognises the upload suffixes only with their method and a UUID", () => {
    expect(parseGenericPath("POST", "t/1/f.bin/uploads")).toMatchObject({ kind: "upload_start", coordinates: { path: "f.bin" } });
    expect(parseGenericPath("GET", `t/1/f.bin/uploads/${ID}`)).toMatchObject({ kind: "upload", uploadId: ID });
    expect(parseGenericPath("DELETE", `t/1/f.bin/uploads/${ID}`)).toMatchObject({ kind: "upload", uploadId: ID });
    expect(parseGenericPath("PUT", `t/1/d/f.bin/uploads/${ID}/parts/7`)).toMatchObject({ kind: "upload_part", partNumber: 7, coordinates: { path: "d/f.bin" } });
    expect(parseGenericPath("POST", `t/1/f.bin/uploads/${ID}/complete`)).toMatchObject({ kind: "upload_complete", uploadId: ID });
    // Without a UUID these are ordinary file paths.
    expect(parseGenericPath("PUT", "t/1/f.bin/uploads/abc/parts/1")).toMatchObject({ kind: "file", coordinates: { path: "f.bin/uploads/abc/parts/1" } });
    expect(parseGenericPath("GET", "t/1/dir/uploads")).toMatchObject({ kind: "file", coordinates: { path: "dir/uploads" } });
  });

  it("rejects what GitLab rejects", () => {
    for (const rest of ["t/1.0", "t/1..0/f", "a b/1/f", "t/1/a%2Fb", "t/1/a//b", "t/1/%00", "t/1/~a", "t/1/a@", "t/1/%E0%A4%A", "t/1/..", "t/1/f/"]) {
      expect(() => parseGenericPath("PUT", rest), rest).toThrow(/is invalid/);
    }
  });

  it("parses status and the upload start body", () => {
    expect(parseStatus(undefined)).toBeUndefined();
    expect(parseStatus("hidden")).toBe("hidden");
    expect(() => parseStatus("error")).toThrow();
    expect(parseUploadStart({ size: 5, sha256: "A".repeat(64) }, "hidden")).toEqual({ size: 5, sha256: "a".repeat(64), partSize: undefined, status: "hidden" });
    expect(() => parseUploadStart({ size: 1.5, sha256: "a".repeat(64) }, undefined)).toThrow();
    expect(() => parseUploadStart([], undefined)).toThrow();
  });
});

describe("chunked upload arithmetic", () => {
  it("keeps every part but the last at the part size, within R2's limits", () => {
    const session = { totalSize: 2 * MIN_PART_SIZE + 7, partSize: MIN_PART_SIZE, parts: [{ partNumber: 2, etag: "e", size: MIN_PART_SIZE }] };
    expect(expectedPartLength(session, 1)).toBe(MIN_PART_SIZE);
    expect(expectedPartLength(session, 3)).toBe(7);
    expect(() => expectedPartLength(session, 4)).toThrow();
    expect(() => expectedPartLength(session, 0)).toThrow();
    expect(missingParts(session)).toEqual([1, 3]);
    expect(choosePartSize(100)).toBe(64 * 1024 * 1024);
    expect(choosePartSize(20_000 * MIN_PART_SIZE, MIN_PART_SIZE)).toBe(2 * MIN_PART_SIZE);
    expect(() => choosePartSize(100, 1024)).toThrow();
  });
});
