// Publishing a Composer package: `POST /projects/:id/packages/composer`, a multipart form with the zip as
// `package` and an optional `version`. The zip streams into R2; its composer.json is then read back with
// ranged reads through the registry (central directory, one entry), so no upload is ever held in memory.
// Spec: ../shared/reference/gitlab-spec.md §7 (GitLab builds from git `tag=`/`branch=`; Packyard has no git).
//
//   POST (Developer) → stream `package` to R2 → composer.json → name, version (field wins)
//   → read the version's current archive → commit: [plan composer.replace, publish]
//     composer.replace (inside the coordinator): same archive → 400; changed since read → 409; else remove old files
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { readCentralDirectory, readEntry, ZipFormatError } from "../../core/archive";
import type { StoredBlob } from "../../core/blobs";
import { badRequest } from "../../core/errors";
import type { PackageStatus, ProjectContext } from "../../core/registry";
import { projectOf } from "../../http/access";
import { boundaryOf, MultipartReader, readPartText } from "../../http/multipart";
import { declaredLength, maxUploadBytes } from "../../http/request-body";
import { archiveFileName, MAX_COMPOSER_JSON_BYTES, PACKAGE_TYPE, parseComposerJson, type ComposerManifest } from "./parse";
import { commitTarget, REPLACE_PLANNER, type ReplaceInput } from "./planners";
import { locateFile } from "./locate-file";
import { checkVersion } from "./versions";

const FIELD_MAX_BYTES = 64 * 1024;
const EVERY_STATUS: PackageStatus[] = ["default", "hidden", "processing", "error", "pending_destruction", "deprecated"];

// curl --form package=@dist/acme-hello.zip [--form version=1.0.0] --header "PRIVATE-TOKEN: <token>" \
//      https://HOST/api/v4/projects/<id>/packages/composer
//   ← 201 {"message":"201 Created"}; 400 for a bad archive, name or version, or the same archive again.
// (`composer archive --format=zip` makes the zip.) Access is decided before a byte of the body is read.
export async function uploadComposerPackage(c: Context<AppEnv>): Promise<Response> {
  const registry = c.var.registry;
  const ctx = projectOf(c);
  const contentType = c.req.header("content-type") ?? "";
  if (/^\s*application\/x-www-form-urlencoded/i.test(contentType) || /^\s*application\/json/i.test(contentType)) {
    throw badRequest("400 Bad request - Packyard publishes Composer packages from an uploaded zip: send it as multipart field `package` (and `version` when composer.json has none); publishing from a git tag or branch is not available");
  }
  const boundary = boundaryOf(contentType);
  declaredLength(c); // a Content-Length over the limit is a 413 before any byte is read
  if (!c.req.raw.body) throw badRequest("package is missing");

  let blob: StoredBlob | null = null;
  try {
    let versionField: string | null = null;
    const reader = new MultipartReader(c.req.raw.body, boundary);
    for (let part = await reader.next(); part; part = await reader.next()) {
      if (part.filename === null) {
        const value = await readPartText(part, FIELD_MAX_BYTES);
        if (part.name === "version") versionField = value;
      } else if (part.name === "package") {
        if (blob) throw badRequest("400 Bad request - more than one package file");
        // dist.shasum is the zip's sha1 (and dist.reference its sha256).
        blob = await registry.putBlob(part.body, { contentLength: null, maxBytes: maxUploadBytes(c), contentType: "application/zip", digests: ["sha1"] });
      }
      // Other parts are skipped by the reader without being kept.
    }
    if (!blob) throw badRequest("package is missing");
    const manifest = await readManifest(c, blob);
    const declared = versionField?.trim() ? versionField : manifest.version;
    if (!declared) throw badRequest("version is missing: send a `version` field or set `version` in composer.json");
    const checked = checkVersion(declared);
    if (!checked.ok) throw badRequest(checked.message);
    const stored = blob;
    blob = null; // from here the commit owns the blob (a refused commit discards it)
    await publish(c, ctx, manifest, checked, stored);
  } catch (error) {
    if (blob) await registry.discardBlob(blob);
    throw error;
  }
  return c.json({ message: "201 Created" }, 201);
}

async function publish(c: Context<AppEnv>, ctx: ProjectContext, manifest: ComposerManifest, version: { version: string; normalized: string }, blob: StoredBlob) {
  const registry = c.var.registry;
  // What the version holds now; the planner refuses the commit if that changed before it runs.
  const [current] = await registry.versions([ctx], PACKAGE_TYPE, manifest.name, { version: version.version, statuses: EVERY_STATUS });
  const seen = current?.metadata?.archive_sha256;
  const input: ReplaceInput = {
    version: version.version,
    sha256: blob.sha256,
    seenSha256: typeof seen === "string" ? seen : null,
    staleFileIds: current?.files.map((f) => f.id) ?? [],
  };
  await registry.commit(commitTarget(ctx, manifest.name), [
    { kind: "plan", planner: REPLACE_PLANNER, input },
    {
      kind: "publish",
      version: version.version,
      files: [{ blob, fileName: archiveFileName(manifest.name, version.version) }],
      duplicates: { kind: "allow" },
      status: "default",
      metadata: { composer_json: manifest.json, version_normalized: version.normalized, archive_sha256: blob.sha256 },
      uniqueInRootNamespace: true,
    },
  ]);
}

/** composer.json out of the stored zip: a few ranged reads of the stored blob, never the whole archive. */
async function readManifest(c: Context<AppEnv>, blob: StoredBlob): Promise<ComposerManifest> {
  const source = c.var.registry.blobSource(blob);
  try {
    const bytes = await readEntry(source, locateFile(await readCentralDirectory(source), "composer.json"), MAX_COMPOSER_JSON_BYTES);
    const parsed = parseComposerJson(bytes);
    if (!parsed.ok) throw badRequest(parsed.message);
    return parsed.value;
  } catch (error) {
    if (error instanceof ZipFormatError) throw badRequest(`package is not a usable zip archive: ${error.message}`);
    throw error;
  }
}
