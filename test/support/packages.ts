// Seeds packages the way every format does: bytes through putBlob, rows through the publish coordinator.
import { env } from "cloudflare:workers";
import { putBlob } from "../../src/core/blobs";
import { commitPackage } from "../../src/core/publish/client";
import type { BuildInfo, DuplicatePolicy } from "../../src/core/publish/types";

export async function seedPackage(
  projectId: number,
  packageType: string,
  name: string,
  version: string,
  files: Record<string, string> = { [`${name}-${version}.bin`]: `${name}@${version}` },
  extra: { status?: "default" | "hidden"; duplicates?: DuplicatePolicy; buildInfo?: BuildInfo } = {},
) {
  const stored = [];
  for (const [fileName, text] of Object.entries(files)) {
    const bytes = new TextEncoder().encode(text);
    // Every digest any format keeps, so a seeded file serves whatever its format reads.
    stored.push({ fileName, blob: await putBlob(env, new Response(bytes).body, { contentLength: bytes.byteLength, maxBytes: 1 << 20, digests: ["md5", "sha1", "sha512"] }) });
  }
  return commitPackage(env, {
    projectId,
    packageType,
    name,
    normalizedName: name.toLowerCase(),
    ops: [{ kind: "publish", version, files: stored, duplicates: extra.duplicates ?? { kind: "allow" }, status: extra.status }],
    author: { creatorId: null, buildInfo: extra.buildInfo ?? null },
  });
}

/** A commit made by nobody in particular (tests that exercise the coordinator directly). */
export const NO_AUTHOR = { creatorId: null, buildInfo: null };
