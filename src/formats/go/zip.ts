// Reads a zip archive's central directory through ranged reads (never the whole archive), and
// opens one entry as a stream. Formats: PKWARE APPNOTE 6.3 (§4.3.12 central directory, §4.3.16 end of
// central directory, §4.3.14/15 zip64); as Go's archive/zip reads it (Store and Deflate only).

/** Where the archive's bytes come from: the stored blob, read by range. */
export interface ZipSource {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  stream(offset: number, length: number): Promise<ReadableStream<Uint8Array>>;
}

export interface ZipEntry {
  /** Raw name bytes decoded as UTF-8 (null when they are not UTF-8). */
  name: string | null;
  flags: number;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export class ZipFormatError extends Error {}

const EOCD_SIGNATURE = 0x06054b50;
const EOCD64_LOCATOR_SIGNATURE = 0x07064b50;
const EOCD64_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const STORE = 0;
const DEFLATE = 8;

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const u64 = (v: DataView, at: number) => Number(v.getBigUint64(at, true));
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Every entry of the central directory, read with at most three ranged reads plus the directory itself. */
export async function readCentralDirectory(source: ZipSource, maxDirectoryBytes: number): Promise<ZipEntry[]> {
  if (source.size < EOCD_SIZE) throw new ZipFormatError("not a valid zip file");
  const tailLength = Math.min(source.size, EOCD_SIZE + MAX_COMMENT);
  const tailStart = source.size - tailLength;
  const tail = await source.read(tailStart, tailLength);
  const tv = view(tail);
  let at = -1;
  for (let i = tail.byteLength - EOCD_SIZE; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD_SIGNATURE && i + EOCD_SIZE + tv.getUint16(i + 20, true) <= tail.byteLength) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipFormatError("not a valid zip file: no end of central directory record");
  const eocdOffset = tailStart + at;
  let count = tv.getUint16(at + 10, true);
  let directorySize = tv.getUint32(at + 12, true);
  let directoryOffset = tv.getUint32(at + 16, true);
  let directoryEnd = eocdOffset;
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const zip64 = await readZip64End(source, eocdOffset);
    if (zip64) ({ count, directorySize, directoryOffset, directoryEnd } = zip64);
  }
  // Bytes prepended to the archive shift every offset (archive/zip's baseOffset).
  const base = directoryEnd - directorySize - directoryOffset;
  if (base < 0 || directoryOffset + base + directorySize > source.size) throw new ZipFormatError("not a valid zip file: central directory out of range");
  if (directorySize > maxDirectoryBytes) throw new ZipFormatError(`zip central directory too large (max size is ${maxDirectoryBytes} bytes)`);
  const directory = directorySize === 0 ? new Uint8Array(0) : await source.read(directoryOffset + base, directorySize);
  const entries = parseDirectory(directory, base);
  if (entries.length !== count) throw new ZipFormatError(`zip central directory lists ${entries.length} entries, the end record says ${count}`);
  return entries;
}

async function readZip64End(source: ZipSource, eocdOffset: number) {
  if (eocdOffset < 20) return null;
  const locator = view(await source.read(eocdOffset - 20, 20));
  if (locator.getUint32(0, true) !== EOCD64_LOCATOR_SIGNATURE) return null;
  const recordOffset = u64(locator, 8);
  if (recordOffset + 56 > eocdOffset - 20) throw new ZipFormatError("not a valid zip file: zip64 end record out of range");
  const record = view(await source.read(recordOffset, 56));
  if (record.getUint32(0, true) !== EOCD64_SIGNATURE) throw new ZipFormatError("not a valid zip file: bad zip64 end record");
  return { count: u64(record, 32), directorySize: u64(record, 40), directoryOffset: u64(record, 48), directoryEnd: recordOffset };
}

function parseDirectory(directory: Uint8Array, base: number): ZipEntry[] {
  const dv = view(directory);
  const entries: ZipEntry[] = [];
  let at = 0;
  while (at < directory.byteLength) {
    if (at + 46 > directory.byteLength || dv.getUint32(at, true) !== CENTRAL_SIGNATURE) throw new ZipFormatError("not a valid zip file: bad central directory entry");
    const nameLength = dv.getUint16(at + 28, true);
    const extraLength = dv.getUint16(at + 30, true);
    const commentLength = dv.getUint16(at + 32, true);
    const end = at + 46 + nameLength + extraLength + commentLength;
    if (end > directory.byteLength) throw new ZipFormatError("not a valid zip file: truncated central directory entry");
    const entry: ZipEntry = {
      name: decodeName(directory.subarray(at + 46, at + 46 + nameLength)),
      flags: dv.getUint16(at + 8, true),
      method: dv.getUint16(at + 10, true),
      compressedSize: dv.getUint32(at + 20, true),
      uncompressedSize: dv.getUint32(at + 24, true),
      localHeaderOffset: dv.getUint32(at + 42, true),
    };
    applyZip64Extra(entry, directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength));
    entry.localHeaderOffset += base;
    entries.push(entry);
    at = end;
  }
  return entries;
}

function decodeName(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/** Sizes and offset that do not fit 32 bits live in the zip64 extra field (id 1), in this order. */
function applyZip64Extra(entry: ZipEntry, extra: Uint8Array) {
  const ev = view(extra);
  for (let at = 0; at + 4 <= extra.byteLength; ) {
    const id = ev.getUint16(at, true);
    const size = ev.getUint16(at + 2, true);
    if (id === 1) {
      let field = at + 4;
      const take = () => {
        if (field + 8 > at + 4 + size) throw new ZipFormatError("not a valid zip file: short zip64 extra field");
        const value = u64(ev, field);
        field += 8;
        return value;
      };
      if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = take();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = take();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = take();
      return;
    }
    at += 4 + size;
  }
}

/** Why an entry cannot be read as Go reads module zips, or null. */
export function entryProblem(entry: ZipEntry): string | null {
  if (entry.flags & 0x1) return "encrypted zip entries are not supported";
  if (entry.method !== STORE && entry.method !== DEFLATE) return `unsupported compression method ${entry.method}`;
  return null;
}

/** Where an entry's (compressed) data starts: after its local header, whose name and extra lengths may differ from the directory's. */
export async function entryDataOffset(source: ZipSource, entry: ZipEntry): Promise<number> {
  const problem = entryProblem(entry);
  if (problem) throw new ZipFormatError(problem);
  if (entry.localHeaderOffset + 30 > source.size) throw new ZipFormatError("not a valid zip file: local header out of range");
  const header = view(await source.read(entry.localHeaderOffset, 30));
  if (header.getUint32(0, true) !== LOCAL_SIGNATURE) throw new ZipFormatError("not a valid zip file: bad local file header");
  const dataOffset = entry.localHeaderOffset + 30 + header.getUint16(26, true) + header.getUint16(28, true);
  if (dataOffset + entry.compressedSize > source.size) throw new ZipFormatError("not a valid zip file: entry data out of range");
  return dataOffset;
}

/**
 * An entry's uncompressed bytes from its raw (stored or deflated) data. The stream fails when the data is
 * larger or smaller than `size`, the size the central directory declares.
 */
export function inflateEntry(raw: ReadableStream<Uint8Array>, method: number, size: number): ReadableStream<Uint8Array> {
  if (method !== DEFLATE) return raw.pipeThrough(exactLength(size));
  // pipeTo rather than pipeThrough: a corrupt entry rejects the pipe too, and that rejection must be handled
  // here; the reader of the readable side gets the same error.
  const inflate = new DecompressionStream("deflate-raw");
  raw.pipeTo(inflate.writable).catch(() => undefined);
  return inflate.readable.pipeThrough(exactLength(size));
}

function exactLength(expected: number): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > expected) throw new ZipFormatError(`zip entry is larger than its declared size (${expected} bytes)`);
      controller.enqueue(chunk);
    },
    flush() {
      if (seen !== expected) throw new ZipFormatError(`zip entry is smaller than its declared size (${expected} bytes)`);
    },
  });
}
