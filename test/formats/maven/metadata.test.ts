import { describe, expect, it } from "vitest";
import { buildArtifactMetadata, buildSnapshotMetadata, mavenTimestamp } from "../../../src/formats/maven/metadata";

const at = (iso: string) => new Date(iso);

describe("maven-metadata.xml builders", () => {
  it("lists versions in publish order with latest, release and the last change", () => {
    const xml = buildArtifactMetadata("com/acme/hello", [
      { version: "2.0.0-SNAPSHOT", createdAt: at("2026-01-03T00:00:00Z"), updatedAt: at("2026-01-05T10:11:12Z") },
      { version: "1.0.0", createdAt: at("2026-01-01T00:00:00Z"), updatedAt: at("2026-01-01T00:00:00Z") },
      { version: "1.1.0", createdAt: at("2026-01-02T00:00:00Z"), updatedAt: at("2026-01-02T00:00:00Z") },
    ]);
    expect(xml).toContain("<groupId>com.acme</groupId>");
    expect(xml).toContain("<artifactId>hello</artifactId>");
    expect(xml).toContain("<latest>2.0.0-SNAPSHOT</latest>");
    expect(xml).toContain("<release>1.1.0</release>");
    expect(xml.indexOf("<version>1.0.0</version>")).toBeLessThan(xml.indexOf("<version>1.1.0</version>"));
    expect(xml.indexOf("<version>1.1.0</version>")).toBeLessThan(xml.indexOf("<version>2.0.0-SNAPSHOT</version>"));
    expect(xml).toContain("<lastUpdated>20260105101112</lastUpdated>");
  });

  it("omits release when only snapshots exist", () => {
    const xml = buildArtifactMetadata("a/b", [{ version: "1-SNAPSHOT", createdAt: at("2026-01-01T00:00:00Z"), updatedAt: at("2026-01-01T00:00:00Z") }]);
    expect(xml).not.toContain("<release>");
    expect(xml).toContain("<latest>1-SNAPSHOT</latest>");
  });

  it("points a SNAPSHOT at its newest build and lists the newest file per classifier and extension", () => {
    const xml = buildSnapshotMetadata("com/acme/hello", "1.1-SNAPSHOT", [
      "hello-1.1-20261125.100000-1.jar",
      "hello-1.1-20261125.100000-1.pom",
      "hello-1.1-20261125.100000-1-sources.jar",
      "hello-1.1-20261125.110000-2.jar",
      "hello-1.1-20261125.110000-2.pom",
      "maven-metadata.xml",
    ])!;
    expect(xml).toContain("<timestamp>20261125.110000</timestamp>");
    expect(xml).toContain("<buildNumber>2</buildNumber>");
    expect(xml).toContain("<lastUpdated>20261125110000</lastUpdated>");
    expect(xml).toContain("<value>1.1-20261125.110000-2</value>");
    // The sources jar was only built once: its entry stays at build 1.
    expect(xml).toMatch(/<classifier>sources<\/classifier>\s*<extension>jar<\/extension>\s*<value>1.1-20261125.100000-1<\/value>/);
    expect(xml.match(/<snapshotVersion>/g)).toHaveLength(3);
  });

  it("has nothing to generate for a snapshot without timestamped files", () => {
    expect(buildSnapshotMetadata("a/b", "1-SNAPSHOT", ["b-1-SNAPSHOT.jar"])).toBeNull();
  });

  it("formats lastUpdated as yyyyMMddHHmmss in UTC", () => {
    expect(mavenTimestamp(at("2026-11-25T13:05:09.123Z"))).toBe("20261125130509");
  });
});
