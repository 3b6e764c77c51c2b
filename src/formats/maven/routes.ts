// Maven routes under /api/v4: PUT at project level; GET/HEAD at project, group and instance level.
// Each route declares the access it needs; handlers start with a resolved project or read scope.
// Spec: ../shared/reference/gitlab-spec.md §3; client sequences: ../shared/reference/clients.md "Maven".
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import type { PackageReads, ScopeLevel } from "../../core/registry";
import { groupLevel, projectAccess, projectLevel, projectOf, readAccess, scopeOf } from "../../http/access";
import { MAVEN, serveMavenRead } from "./download";
import { parseMavenPath, type MavenFileRequest } from "./parse";
import { putChecksum, putFile } from "./upload";

const MARKER = "/packages/maven/";

/** The part of the URL after `/packages/maven/`, parsed into package, version and file. */
function mavenRequestOf(c: Context<AppEnv>): MavenFileRequest {
  const path = c.req.path;
  const parsed = parseMavenPath(path.slice(path.indexOf(MARKER) + MARKER.length));
  if (!parsed.ok) throw new AppError("bad_request", parsed.message);
  return parsed.value;
}

/**
 * Instance level reads only the project whose full path the package path starts with (GitLab: groupId =
 * `group.subgroup`, artifactId = project, or any artifact below that path): every prefix is a candidate.
 */
function instanceLevel(c: Context<AppEnv>): ScopeLevel {
  const segments = mavenRequestOf(c).packageName.split("/");
  return { kind: "project_paths", paths: segments.slice(1).map((_, i) => segments.slice(0, i + 2).join("/")) };
}

/** The rows serveMavenRead asks for: every version of the name (artifact-level metadata) or one version. */
function mavenReads(c: Context<AppEnv>): PackageReads {
  const request = mavenRequestOf(c);
  if (request.isMetadata && request.version === "") return { packageType: MAVEN, name: request.packageName };
  return { packageType: MAVEN, name: request.packageName, version: request.version };
}

/** The path is judged before access, so a malformed path is a 400 for everyone. */
const validPath = async (c: Context<AppEnv>, next: () => Promise<void>) => {
  mavenRequestOf(c);
  await next();
};

export const mavenRoutes = new Hono<AppEnv>();

// mvn deploy (wagon, each PUT with Expect: 100-continue):
//   PUT <g>/<a>/<v>/<a>-<v>.pom, .pom.sha1, .pom.md5, .jar, .jar.sha1, .jar.md5
//   [SNAPSHOT: GET <v>/maven-metadata.xml (404 first), PUT it + .sha1 + .md5]
//   GET <g>/<a>/maven-metadata.xml (404 before the first deploy) → PUT maven-metadata.xml, .sha1, .md5
// Gradle uploads the same files (plus .sha256/.sha512, .module), some of them in parallel.
// Access is decided before a byte of the body is read (a 401 here stops the 100-continue upload).
mavenRoutes.put("/projects/:id/packages/maven/*", validPath, projectAccess("create_package"), async (c) => {
  const request = mavenRequestOf(c);
  return request.checksum ? putChecksum(c, projectOf(c), request) : putFile(c, projectOf(c), request);
});

// mvn install/package (consumer): GET <v>/<a>-<v>.pom, .pom.sha1, .jar, .jar.sha1; for a SNAPSHOT first
// GET <v>/maven-metadata.xml (+ .sha1), then the timestamped files it names. Anonymous first; with
// username/password in settings.xml Maven retries with Basic only after our 401 challenge.
mavenRoutes.get("/projects/:id/packages/maven/*", validPath, readAccess(projectLevel, mavenReads), (c) => serveMavenRead(c, scopeOf(c), mavenRequestOf(c)));

// Same sequence against a group: every project of the group the caller may read, newest publish wins.
mavenRoutes.get("/groups/:id/-/packages/maven/*", validPath, readAccess(groupLevel, mavenReads), (c) => serveMavenRead(c, scopeOf(c), mavenRequestOf(c)));

// Same sequence instance-wide: only packages under their owning project's full path.
mavenRoutes.get("/packages/maven/*", validPath, readAccess(instanceLevel, mavenReads), (c) => serveMavenRead(c, scopeOf(c), mavenRequestOf(c)));
