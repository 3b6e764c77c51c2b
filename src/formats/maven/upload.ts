// Handles `PUT /projects/:id/packages/maven/<path>/<file>`: files stream into the blob store and are
// committed through the coordinator; checksum PUTs are compared with the stored digests, never stored.
// Spec: ../shared/reference/gitlab-spec.md §3 and §0.3 (lib/api/maven_packages.rb behaviour).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import type { DigestName } from "../../core/blobs";
import { AppError } from "../../core/errors";
import type { DuplicatePolicy } from "../../core/publish/types";
import { newestFile, type ProjectContext } from "../../core/registry";
import { declaredLength, maxUploadBytes, readLimitedText } from "../../http/request-body";
import { MAVEN } from "./download";
import { coordinatesOf, parseChecksumBody, type MavenFileRequest } from "./parse";

const CHECKSUM_BODY_LIMIT = 1024;

/**
 * Duplicates follow the namespace's Maven setting per file name (a SNAPSHOT's builds compare without their
 * timestamps); only the versionless artifact-level `maven-metadata.xml` may always be re-uploaded, as on GitLab.
 */
function duplicatePolicyFor(request: MavenFileRequest): DuplicatePolicy {
  return request.isMetadata && request.version === "" ? { kind: "allow" } : { kind: "setting", setting: "maven", perFile: true };
}

/**
 * `.sha1`, `.sha256`, `.sha512`: 204 when the digest matches the stored file, 409 when it does not
 * (GitLab compares `.sha1` the same way); `.md5` is accepted and ignored, as GitLab does.
 */
export async function putChecksum(c: Context<AppEnv>, ctx: ProjectContext, request: MavenFileRequest): Promise<Response> {
  if (request.checksum === "md5") {
    await c.req.raw.body?.cancel();
    return c.body(null, 200);
  }
  const declared = parseChecksumBody(await readLimitedText(c, CHECKSUM_BODY_LIMIT));
  const rows = await c.var.registry.versions([ctx], MAVEN, request.packageName, { version: request.version });
  const file = rows.map((r) => newestFile(r.files, request.fileName)).find((f) => f !== undefined);
  if (!file) throw new AppError("not_found", "404 Package file Not Found");
  if (declared === null || declared !== file[request.checksum!]) throw new AppError("conflict", "409 Conflict - checksum does not match the stored file");
  return c.body(null, 204);
}

/** Any other file: stream into R2 (digests the client declared in X-Checksum-* headers are verified), then commit. */
export async function putFile(c: Context<AppEnv>, ctx: ProjectContext, request: MavenFileRequest): Promise<Response> {
  const contentLength = declaredLength(c);
  const registry = c.var.registry;
  // Every file has .md5, .sha1, .sha256 and .sha512 to serve (and to compare checksum PUTs with).
  const blob = await registry.putBlob(c.req.raw.body, { contentLength, maxBytes: maxUploadBytes(c), expected: declaredDigests(c), digests: ["md5", "sha1", "sha512"] });
  const { groupId, artifactId } = coordinatesOf(request.packageName);
  await registry.commit({ projectId: ctx.project.id, packageType: MAVEN, name: request.packageName, normalizedName: request.packageName }, [
    {
      kind: "publish",
      version: request.version,
      files: [{ blob, fileName: request.fileName }],
      duplicates: duplicatePolicyFor(request),
      metadata: { path: request.path, app_group: groupId, app_name: artifactId, app_version: request.version || null },
      // One build record per deploy, not per file: every deploy of a version uploads exactly one .pom.
      recordBuild: request.fileName.endsWith(".pom"),
    },
  ]);
  return c.body(null, 200);
}

function declaredDigests(c: Context<AppEnv>): Partial<Record<DigestName, string>> {
  const pick = (header: string) => parseChecksumBody(c.req.header(header) ?? "") ?? undefined;
  const digests: Partial<Record<DigestName, string>> = { sha1: pick("x-checksum-sha1"), md5: pick("x-checksum-md5"), sha256: pick("x-checksum-sha256") };
  return Object.fromEntries(Object.entries(digests).filter(([, v]) => v !== undefined));
}
