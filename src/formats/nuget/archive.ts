// Reads entries of a package already streamed into R2, with ranged reads only: the archive's tail (end record),
// its central directory, then one entry's local header and data, inflated as a stream. A package is never
// held whole in memory: the nuspec is read after the upload, as GitLab's extraction does from its stored file.
//
//   tail = get(key, last ≤ 65,557 bytes) → end record (ZIP64: one more read) → get(central directory) → entries
//   entry: get(local header) → data offset → get(data range) → inflate (deflate-raw) → bytes, capped
import { blobKey } from "../../core/blobs";
import { findCentralDirectory, localDataOffset, LOCAL_HEADER_SIZE, MAX_TAIL, parseCentralDirectory, parseZip64End, ZIP64_END_SIZE, ZipError, type ZipEntry } from "./zip";

/** A central directory bigger than this is refused (a NuGet package lists a few thousand files at most). */
const MAX_CENTRAL_DIRECTORY = 16 * 1024 * 1024;
/** Name and extra fields of a local header are read with it in one request when they fit. */
const LOCAL_HEADER_READ = LOCAL_HEADER_SIZE + 1024;

export interface StoredArchive {
  bucket: R2Bucket;
  blobId: string;
  size: number;
}

async function readRange(archive: StoredArchive, offset: number, length: number): Promise<Uint8Array> {
  if (length <= 0) return new Uint8Array(0);
  const object = await archive.bucket.get(blobKey(archive.blobId), { range: { offset, length } });
  if (!object) throw new ZipError("the stored package is missing");
  return new Uint8Array(await object.arrayBuffer());
}

/** The archive's entries, from its central directory. */
export async function listEntries(archive: StoredArchive): Promise<ZipEntry[]> {
  const tailLength = Math.min(archive.size, MAX_TAIL);
  const tail = await readRange(archive, archive.size - tailLength, tailLength);
  let found = findCentralDirectory(tail, archive.size);
  if ("zip64At" in found) found = parseZip64End(await readRange(archive, found.zip64At, ZIP64_END_SIZE));
  if (found.size > MAX_CENTRAL_DIRECTORY) throw new ZipError("the central directory is too large");
  if (found.offset + found.size > archive.size) throw new ZipError("the central directory lies outside the archive");
  // Usually inside the tail already read.
  const tailStart = archive.size - tailLength;
  const directory = found.offset >= tailStart ? tail.subarray(found.offset - tailStart, found.offset - tailStart + found.size) : await readRange(archive, found.offset, found.size);
  const entries = parseCentralDirectory(directory);
  if (entries.length !== found.entries && found.entries !== 0xffff) throw new ZipError("the central directory does not match its entry count");
  return entries;
}

/** An entry's uncompressed bytes as a stream (stored or deflated entries only). */
export async function entryStream(archive: StoredArchive, entry: ZipEntry): Promise<ReadableStream<Uint8Array>> {
  if (entry.method !== 0 && entry.method !== 8) throw new ZipError(`${entry.name} uses an unsupported compression method (${entry.method})`);
  if (entry.flags & 0x1) throw new ZipError(`${entry.name} is encrypted`);
  const header = await readRange(archive, entry.localHeaderOffset, Math.min(LOCAL_HEADER_READ, archive.size - entry.localHeaderOffset));
  const dataOffset = localDataOffset(entry, header);
  if (dataOffset + entry.compressedSize > archive.size) throw new ZipError(`${entry.name} lies outside the archive`);
  const object = entry.compressedSize === 0 ? null : await archive.bucket.get(blobKey(archive.blobId), { range: { offset: dataOffset, length: entry.compressedSize } });
  if (entry.compressedSize !== 0 && !object) throw new ZipError("the stored package is missing");
  const raw: ReadableStream<Uint8Array> = object ? object.body : new ReadableStream({ start: (c) => c.close() });
  return entry.method === 8 ? raw.pipeThrough(new DecompressionStream("deflate-raw") as unknown as TransformStream<Uint8Array, Uint8Array>) : raw;
}

/** An entry's bytes, refused when they exceed `maxBytes` (a lying header cannot make us hold more). */
export async function readEntry(archive: StoredArchive, entry: ZipEntry, maxBytes: number): Promise<Uint8Array> {
  if (entry.uncompressedSize > maxBytes) throw new ZipError(`${entry.name} is larger than ${maxBytes} bytes`);
  const reader = (await entryStream(archive, entry)).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) throw new ZipError(`${entry.name} is larger than ${maxBytes} bytes`);
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    if (error instanceof ZipError) throw error;
    throw new ZipError(`${entry.name} could not be inflated`);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** The manifest: the one `.nuspec` at the archive's root (GitLab: `zip_file.glob('*.nuspec').first`). */
export function nuspecEntry(entries: ZipEntry[]): ZipEntry | undefined {
  return entries.find((e) => !e.name.includes("/") && e.name.toLowerCase().endsWith(".nuspec"));
}
