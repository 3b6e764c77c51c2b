// Maven routes under /api/v4: PUT at project level; GET/HEAD at project, group and instance level.
// Spec: ../shared/reference/gitlab-spec.md §3; client sequences: ../shared/reference/clients.md "Maven".
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import { createDb } from "../../db/client";
import { AppError } from "../../core/errors";
import { authorizeProject } from "../../core/tenancy";
import { serveMavenRead } from "./download";
import { parseMavenPath, type MavenFileRequest } from "./parse";
import { groupReadScope, instanceReadScope, projectReadScope } from "./scope";
import { putChecksum, putFile } from "./upload";

const MARKER = "/packages/maven/";

/** The part of the URL after `/packages/maven/`, parsed into package, version and file. */
function mavenRequestOf(c: Context<AppEnv>): MavenFileRequest {
  const path = c.req.path;
  const parsed = parseMavenPath(path.slice(path.indexOf(MARKER) + MARKER.length));
  if (!parsed.ok) throw new AppError("bad_request", parsed.message);
  return parsed.value;
}

export const mavenRoutes = new Hono<AppEnv>();

// mvn deploy (wagon, each PUT with Expect: 100-continue):
//   PUT <g>/<a>/<v>/<a>-<v>.pom, .pom.sha1, .pom.md5, .jar, .jar.sha1, .jar.md5
//   [SNAPSHOT: GET <v>/maven-metadata.xml (404 first), PUT it + .sha1 + .md5]
//   GET <g>/<a>/maven-metadata.xml (404 before the first deploy) → PUT maven-metadata.xml, .sha1, .md5
// Gradle uploads the same files (plus .sha256/.sha512, .module), some of them in parallel.
mavenRoutes.put("/projects/:id/packages/maven/*", async (c) => {
  const request = mavenRequestOf(c);
  // Authorise before a byte of the body is read (a 401 here stops the 100-continue upload).
  const ctx = await authorizeProject(createDb(c.env.DB), c.get("actor"), c.req.param("id"), "create_package");
  return request.checksum ? putChecksum(c, ctx, request) : putFile(c, ctx, request);
});

// mvn install/package (consumer): GET <v>/<a>-<v>.pom, .pom.sha1, .jar, .jar.sha1; for a SNAPSHOT first
// GET <v>/maven-metadata.xml (+ .sha1), then the timestamped files it names. Anonymous first; with
// username/password in settings.xml Maven retries with Basic only after our 401 challenge.
mavenRoutes.get("/projects/:id/packages/maven/*", async (c) => {
  const request = mavenRequestOf(c);
  return serveMavenRead(c, await projectReadScope(c), request);
});

// Same sequence against a group: every project of the group the caller may read, newest publish wins.
mavenRoutes.get("/groups/:id/-/packages/maven/*", async (c) => {
  const request = mavenRequestOf(c);
  return serveMavenRead(c, await groupReadScope(c), request);
});

// Same sequence instance-wide: only packages under their owning project's full path.
mavenRoutes.get("/packages/maven/*", async (c) => {
  const request = mavenRequestOf(c);
  return serveMavenRead(c, await instanceReadScope(c, request.packageName), request);
});
