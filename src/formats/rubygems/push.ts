// gem push: the raw .gem streams into the blob store while its tar is scanned for metadata.gz; the gemspec
// inside names the gem, version and platform, which are validated before the publish is committed.
// Duplicates are allowed (GitLab: "both visible"); the newest upload of a file is served.
// Spec: ../shared/reference/gitlab-spec.md §9; https://guides.rubygems.org/rubygems-org-api/ (POST /api/v1/gems).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import type { StoredBlob } from "../../core/blobs";
import { AppError, badRequest } from "../../core/errors";
import { projectOf } from "../../http/access";
import { declaredLength, maxUploadBytes } from "../../http/request-body";
import { GemTarScanner, gunzipMetadata, scanningStream } from "./gem-file";
import { parseGemspec } from "./gemspec";
import { fileMetadataOf, gemFileName, RUBYGEMS, versionMetadataOf } from "./release";

/** GitLab's `rubygems_max_file_size` default: 3 GiB (the instance's own limit applies when lower). */
const MAX_GEM_BYTES = 3 * 1024 ** 3;

export async function pushGem(c: Context<AppEnv>): Promise<Response> {
  const registry = c.var.registry;
  const project = projectOf(c);
  const maxBytes = Math.min(maxUploadBytes(c), MAX_GEM_BYTES);
  const contentLength = declaredLength(c);
  if (contentLength !== null && contentLength > maxBytes) throw new AppError("payload_too_large", `413 File is too large: the limit is ${maxBytes} bytes`);
  const scanner = new GemTarScanner();
  const body = c.req.raw.body ? c.req.raw.body.pipeThrough(scanningStream(scanner)) : null;
  // The compact index's checksum is the sha256; GitLab keeps no digest of the .gem itself.
  let blob: StoredBlob | null = await registry.putBlob(body, { contentLength, maxBytes, contentType: "application/octet-stream", digests: [] });
  try {
    const parsed = parseGemspec(await gunzipMetadata(scanner.metadata()));
    if (!parsed.ok) throw badRequest(`400 Bad request - ${parsed.message}`);
    const spec = parsed.spec;
    const fileName = gemFileName(spec);
    const stored = blob;
    blob = null; // from here the commit owns the blob (a refused commit discards it)
    await registry.commit({ projectId: project.project.id, packageType: RUBYGEMS, name: spec.name, normalizedName: spec.name }, [
      {
        kind: "publish",
        version: spec.version,
        files: [{ blob: stored, fileName, metadata: fileMetadataOf(spec) }],
        duplicates: { kind: "allow" },
        metadata: versionMetadataOf(spec, fileName),
      },
    ]);
  } catch (error) {
    if (blob) await registry.discardBlob(blob);
    throw error;
  }
  return c.json({ message: "201 Created" }, 201);
}
