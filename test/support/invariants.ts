// The storage invariants of the write path (docs/architecture.md "Write path"), checked over the real D1 and
// R2 bindings after a fuzz run or an injected fault:
//   - every package_files row has its blob row and its R2 object;
//   - every package has files, unless the format keeps file-less rows on purpose (Debian's hidden
//     distribution rows) or a caller deleted its files one by one (GitLab keeps such a package);
//   - no blob row and no R2 object stays unreferenced past the grace period: the scheduled cleanup, run as
//     the cron would once the grace period is over, leaves none;
//   - the bytes of stored files match their recorded size and digests (every file, or a sample);
//   - every tag (npm dist-tags) points at an existing version of its own package.
import { env } from "cloudflare:workers";
import { removeUnreferencedBlobs } from "../../src/core/cleanup";

export interface InvariantOptions {
  /** Package ids that may have no files (their files were deleted through the API). */
  emptyAllowed?: Set<number>;
  /** Check the bytes of at most this many files (all when absent). */
  digestSample?: number;
  /** Run the cleanup as the cron would after the grace period, then require no unreferenced blob (default true). */
  afterGrace?: boolean;
}

export interface InvariantReport {
  violations: string[];
  packages: number;
  files: number;
  /** Unreferenced blob rows before the cleanup ran (left by failed or refused uploads, reclaimed by it). */
  unreferencedBeforeCleanup: number;
  removedByCleanup: number;
  digestsChecked: number;
}

const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** Every key under `blobs/` in the bucket. */
async function blobKeys(bucket: R2Bucket): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const listed = await bucket.list({ prefix: "blobs/", cursor, limit: 1000 });
    keys.push(...listed.objects.map((o) => o.key));
    if (!listed.truncated) break;
    cursor = listed.cursor;
  }
  return keys;
}

type FileRow = { id: number; package_id: number; blob_id: string; size: number; sha256: string; md5: string | null; sha1: string | null; sha512: string | null; blob_sha256: string | null; blob_size: number | null; blob_exists: number };

export async function checkInvariants(options: InvariantOptions = {}): Promise<InvariantReport> {
  const db = env.DB;
  const bucket = env.BLOBS;
  const violations: string[] = [];

  const files = (
    await db
      .prepare(
        "SELECT f.id, f.package_id, f.blob_id, f.size, f.sha256, f.md5, f.sha1, f.sha512, b.sha256 AS blob_sha256, b.size AS blob_size, (b.id IS NOT NULL) AS blob_exists FROM package_files f LEFT JOIN blobs b ON b.id = f.blob_id",
      )
      .all<FileRow>()
  ).results;
  const keys = new Set(await blobKeys(bucket));
  for (const f of files) {
    if (!f.blob_exists) violations.push(`package_files ${f.id} points at blob row ${f.blob_id}, which does not exist`);
    if (!keys.has(`blobs/${f.blob_id}`)) violations.push(`package_files ${f.id} (package ${f.package_id}) has no R2 object blobs/${f.blob_id}`);
    if (f.blob_exists && f.blob_sha256 !== null && f.blob_sha256 !== f.sha256) violations.push(`package_files ${f.id} sha256 ${f.sha256} differs from its blob's ${f.blob_sha256}`);
  }

  const empty = (
    await db
      .prepare(
        "SELECT p.id, p.package_type, p.name, p.version, p.status FROM packages p WHERE NOT EXISTS (SELECT 1 FROM package_files f WHERE f.package_id = p.id)",
      )
      .all<{ id: number; package_type: string; name: string; version: string; status: string }>()
  ).results;
  for (const p of empty) {
    // Debian keeps one hidden file-less row per distribution (src/formats/debian/distributions.ts).
    const legitimate = (p.package_type === "debian" && p.name === "distributions" && p.status === "hidden") || options.emptyAllowed?.has(p.id);
    if (!legitimate) violations.push(`package ${p.id} (${p.package_type} ${p.name}@${p.version}, ${p.status}) has no files`);
  }

  const strayTags = (
    await db
      .prepare(
        "SELECT t.id, t.tag, t.package_id, p.id AS pid FROM package_tags t LEFT JOIN packages p ON p.id = t.package_id AND p.project_id = t.project_id AND p.package_type = t.package_type AND p.normalized_name = t.normalized_name WHERE p.id IS NULL",
      )
      .all<{ id: number; tag: string; package_id: number }>()
  ).results;
  for (const t of strayTags) violations.push(`tag ${t.tag} (package_tags ${t.id}) points at package ${t.package_id}, which is not a version of its package`);

  // Digests: read the stored bytes back and compare with what the rows say.
  const sample = options.digestSample === undefined ? files : files.slice(0, options.digestSample);
  let digestsChecked = 0;
  for (const f of sample) {
    if (!keys.has(`blobs/${f.blob_id}`)) continue;
    const object = await bucket.get(`blobs/${f.blob_id}`);
    if (!object) continue;
    const bytes = await object.arrayBuffer();
    digestsChecked++;
    if (bytes.byteLength !== f.size) violations.push(`package_files ${f.id}: ${bytes.byteLength} bytes stored, ${f.size} recorded`);
    const sha256 = hex(await crypto.subtle.digest("SHA-256", bytes));
    if (sha256 !== f.sha256) violations.push(`package_files ${f.id}: stored bytes hash to ${sha256}, recorded ${f.sha256}`);
    // The optional digests are null when the file's format does not keep them; a kept one must match.
    for (const [column, algorithm] of [["md5", "MD5"], ["sha1", "SHA-1"], ["sha512", "SHA-512"]] as const) {
      const recorded = f[column];
      if (recorded === null) continue;
      const actual = hex(await crypto.subtle.digest(algorithm, bytes));
      if (actual !== recorded) violations.push(`package_files ${f.id}: stored bytes ${column} ${actual}, recorded ${recorded}`);
    }
  }

  const unreferenced = async () =>
    (
      await db
        .prepare(
          "SELECT b.id FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM package_files f WHERE f.blob_id = b.id) AND NOT EXISTS (SELECT 1 FROM upload_sessions u WHERE u.blob_id = b.id AND u.state = 'open')",
        )
        .all<{ id: string }>()
    ).results;
  const before = await unreferenced();
  let removedByCleanup = 0;
  if (options.afterGrace !== false) {
    const graceMs = (Number(env.BLOB_GRACE_SECONDS) || 86400) * 1000;
    const removed = await removeUnreferencedBlobs(env, Date.now() + graceMs + 1000);
    removedByCleanup = removed.blobs;
    for (const b of await unreferenced()) violations.push(`blob ${b.id} is unreferenced after the grace period and the cleanup`);
    const rows = new Set((await db.prepare("SELECT id FROM blobs").all<{ id: string }>()).results.map((r) => `blobs/${r.id}`));
    for (const key of await blobKeys(bucket)) if (!rows.has(key)) violations.push(`R2 object ${key} has no blob row`);
  }
  const packageCount = (await db.prepare("SELECT count(*) AS n FROM packages").first<{ n: number }>())?.n ?? 0;
  return { violations, packages: packageCount, files: files.length, unreferencedBeforeCleanup: before.length, removedByCleanup, digestsChecked };
}
