import { describe, expect, it } from "vitest";
import { duplicatesAllowed, repeatsFile, stripSnapshotParts } from "../../../src/core/publish/duplicates";
import { applyChanges, cascadedForwarding, packageSettingsOf, type InstanceForwarding } from "../../../src/core/settings/package-settings";
import { DEFAULT_INSTANCE_FORWARDING } from "../../../src/core/settings/store";

const instance = (changes: Partial<InstanceForwarding> = {}): InstanceForwarding => ({ ...DEFAULT_INSTANCE_FORWARDING, ...changes });

describe("namespace package settings", () => {
  it("fills GitLab's column defaults", () => {
    const settings = packageSettingsOf({ maven_duplicates_allowed: false });
    expect(settings.maven_duplicates_allowed).toBe(false);
    expect(settings.generic_duplicates_allowed).toBe(true);
    expect(settings.terraform_module_duplicates_allowed).toBe(false);
    expect(settings.npm_package_requests_forwarding).toBeNull();
    expect(settings.lock_npm_package_requests_forwarding).toBe(false);
  });

  it("cascades forwarding: own value, then the nearest ancestor that sets it, then the instance", () => {
    const root = packageSettingsOf({ npm_package_requests_forwarding: false });
    const middle = packageSettingsOf({});
    const leaf = packageSettingsOf({});
    expect(cascadedForwarding("npm", [root, middle, leaf], instance({ npm_package_requests_forwarding: true }))).toEqual({ value: false, locked: false });
    expect(cascadedForwarding("npm", [packageSettingsOf({}), leaf], instance({ npm_package_requests_forwarding: true }))).toEqual({ value: true, locked: false });
    expect(cascadedForwarding("npm", [root, packageSettingsOf({ npm_package_requests_forwarding: true })], instance())).toEqual({ value: true, locked: false });
  });

  it("lets a locking ancestor, then a locking instance, win over the namespace's own value", () => {
    const lockedRoot = packageSettingsOf({ pypi_package_requests_forwarding: false, lock_pypi_package_requests_forwarding: true });
    const own = packageSettingsOf({ pypi_package_requests_forwarding: true });
    expect(cascadedForwarding("pypi", [lockedRoot, own], instance({ pypi_package_requests_forwarding: true, lock_pypi_package_requests_forwarding: true }))).toEqual({ value: false, locked: true });
    expect(cascadedForwarding("pypi", [packageSettingsOf({}), own], instance({ lock_pypi_package_requests_forwarding: true }))).toEqual({ value: false, locked: true });
    // A namespace's own lock does not lock it for itself.
    expect(cascadedForwarding("pypi", [packageSettingsOf({ pypi_package_requests_forwarding: true, lock_pypi_package_requests_forwarding: true })], instance())).toEqual({ value: true, locked: false });
  });

  it("refuses changes to a value or lock an ancestor locks, with GitLab's messages", () => {
    const chain = [packageSettingsOf({ maven_package_requests_forwarding: true, lock_maven_package_requests_forwarding: true }), packageSettingsOf({})];
    const refused = applyChanges(chain, instance(), { maven_package_requests_forwarding: false, lock_maven_package_requests_forwarding: true });
    expect(refused).toEqual({
      ok: false,
      errors: [
        "Maven package requests forwarding cannot be changed because it is locked by an ancestor",
        "Lock maven package requests forwarding cannot be changed because it is locked by an ancestor",
      ],
    });
  });

  it("stores a value equal to the ancestor's as unset and copies the value in force when locking", () => {
    const chain = [packageSettingsOf({ npm_package_requests_forwarding: false }), packageSettingsOf({})];
    const same = applyChanges(chain, instance(), { npm_package_requests_forwarding: false });
    expect(same.ok && same.stored.npm_package_requests_forwarding).toBeNull();
    const locking = applyChanges(chain, instance(), { lock_npm_package_requests_forwarding: true });
    expect(locking.ok && locking.stored.npm_package_requests_forwarding).toBe(false);
    expect(locking.ok && locking.locked).toEqual(["npm"]);
  });
});

describe("duplicate rules as GitLab", () => {
  it("anchors the exception regex as \\A…\\z against the whole name or version", () => {
    const strict = { maven_duplicates_allowed: false, maven_duplicate_exception_regex: "SNAPSHOT" };
    expect(duplicatesAllowed(strict, "maven", "com/acme/app", "1.0-SNAPSHOT")).toBe(false);
    expect(duplicatesAllowed({ ...strict, maven_duplicate_exception_regex: ".*-SNAPSHOT" }, "maven", "com/acme/app", "1.0-SNAPSHOT")).toBe(true);
    expect(duplicatesAllowed({ ...strict, maven_duplicate_exception_regex: "com/acme/.*" }, "maven", "com/acme/app", "1.0")).toBe(true);
    // GitLab wraps without a group: `a|b` is "starts with a" or "ends with b".
    expect(duplicatesAllowed({ ...strict, maven_duplicate_exception_regex: "com|1\\.0" }, "maven", "com/acme/app", "2.1.0")).toBe(true);
    // Allowed: the regex names what may not be duplicated, as a whole.
    expect(duplicatesAllowed({ generic_duplicate_exception_regex: "1\\.0" }, "generic", "pkg", "1.0.1")).toBe(true);
    expect(duplicatesAllowed({ generic_duplicate_exception_regex: "1\\.0" }, "generic", "pkg", "1.0")).toBe(false);
  });

  it("never matches the versionless package's empty version", () => {
    expect(duplicatesAllowed({ maven_duplicates_allowed: false, maven_duplicate_exception_regex: ".*" }, "maven", "x", "")).toBe(true);
    expect(duplicatesAllowed({ maven_duplicates_allowed: false, maven_duplicate_exception_regex: "" }, "maven", "x", "")).toBe(false);
  });

  it("compares Maven SNAPSHOT file names without their timestamp and build number", () => {
    expect(stripSnapshotParts("app-1.0-20261125.100000-1.jar")).toBe("app-1.0.jar");
    expect(stripSnapshotParts("app-1.0-20261125.100000-12-sources.jar")).toBe("app-1.0-sources.jar");
    expect(repeatsFile("maven", "1.0-SNAPSHOT", ["app-1.0-20261125.100000-1.jar"], ["app-1.0-20261126.110000-2.jar"])).toBe("app-1.0-20261126.110000-2.jar");
    expect(repeatsFile("maven", "1.0-SNAPSHOT", ["app-1.0-20261125.100000-1.jar"], ["app-1.0-20261126.110000-2.pom"])).toBeUndefined();
    // Release versions and other formats compare names as they are.
    expect(repeatsFile("maven", "1.0", ["app-1.0-20261125.100000-1.jar"], ["app-1.0-20261126.110000-2.jar"])).toBeUndefined();
    expect(repeatsFile("generic", "1.0-SNAPSHOT", ["a-20261125.100000-1.bin"], ["a-20261126.110000-2.bin"])).toBeUndefined();
  });
});
