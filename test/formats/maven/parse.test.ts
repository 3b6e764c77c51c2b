import { describe, expect, it } from "vitest";
import { parseChecksumBody, parseMavenPath, parseSnapshotFileName, splitChecksum } from "../../../src/formats/maven/parse";

describe("maven path parsing", () => {
  it("maps a versioned file to package groupId/artifactId path and version", () => {
    expect(parseMavenPath("com/acme/hello/1.0.0/hello-1.0.0.jar")).toEqual({
      ok: true,
      value: { path: "com/acme/hello/1.0.0", fileName: "hello-1.0.0.jar", checksum: null, packageName: "com/acme/hello", version: "1.0.0", isMetadata: false },
    });
  });

  it("maps artifact-level maven-metadata.xml to the versionless package named after the whole path", () => {
    const parsed = parseMavenPath("com/acme/hello/maven-metadata.xml.sha1");
    expect(parsed).toMatchObject({ ok: true, value: { packageName: "com/acme/hello", version: "", isMetadata: true, checksum: "sha1", fileName: "maven-metadata.xml" } });
  });

  it("keeps a SNAPSHOT's version-level metadata in the versioned package", () => {
    expect(parseMavenPath("com/acme/hello/1.1-SNAPSHOT/maven-metadata.xml")).toMatchObject({ ok: true, value: { packageName: "com/acme/hello", version: "1.1-SNAPSHOT", isMetadata: true } });
  });

  it("rejects invalid versions, file names and too-short paths", () => {
    expect(parseMavenPath("com/acme/hello/1..0/hello.jar")).toEqual({ ok: false, message: "Validation failed: Version is invalid" });
    expect(parseMavenPath("com/acme/hello/1.0/he llo.jar").ok).toBe(false);
    expect(parseMavenPath("hello.jar").ok).toBe(false);
    expect(parseMavenPath("acme/hello.jar").ok).toBe(false);
    expect(parseMavenPath("com/ac$me/1.0/hello.jar").ok).toBe(false);
  });

  it("splits every checksum suffix and leaves other extensions alone", () => {
    for (const kind of ["md5", "sha1", "sha256", "sha512"]) expect(splitChecksum(`a.jar.${kind}`)).toEqual({ fileName: "a.jar", checksum: kind });
    expect(splitChecksum("a.jar.asc")).toEqual({ fileName: "a.jar.asc", checksum: null });
  });

  it("reads checksum bodies with or without a file name", () => {
    expect(parseChecksumBody("ABCDEF0123  hello.jar\n")).toBe("abcdef0123");
    expect(parseChecksumBody("not-hex")).toBeNull();
    expect(parseChecksumBody("")).toBeNull();
  });

  it("recognises unique snapshot file names with and without classifier", () => {
    expect(parseSnapshotFileName("hello", "1.1-SNAPSHOT", "hello-1.1-20261125.135223-2-sources.jar")).toEqual({
      fileName: "hello-1.1-20261125.135223-2-sources.jar",
      timestamp: "20261125.135223",
      buildNumber: 2,
      classifier: "sources",
      extension: "jar",
      value: "1.1-20261125.135223-2",
    });
    expect(parseSnapshotFileName("hello", "1.1-SNAPSHOT", "hello-1.1-20261125.135223-12.tar.gz")).toMatchObject({ buildNumber: 12, classifier: "", extension: "tar.gz" });
    expect(parseSnapshotFileName("hello", "1.1-SNAPSHOT", "hello-1.1-SNAPSHOT.jar")).toBeNull();
    expect(parseSnapshotFileName("hello", "1.1", "hello-1.1-20261125.135223-2.jar")).toBeNull();
  });
});
