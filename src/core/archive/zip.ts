// Reads a zip archive's central directory through ranged reads (never the whole archive), pure over a
// `RangedSource`. Spec: PKWARE APPNOTE.TXT 6.3 §4.3.12 (central directory), §4.3.14–16 (end records,
// zip64), §4.5.3 (zip64 extra field); tolerances as Go's archive/zip reads them.
//
//   tail = last ≤ 64 KiB + 42 bytes → end record (→ zip64 locator → zip64 end record) → central directory
//   → entries (a prefix before the archive shifts every offset: archive/zip's baseOffset)

/** An archive's bytes by range: a stored blob (`registry.blobSource`) or an array in tests. */
export interface RangedSource {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  stream(offset: number, length: number): Promise<ReadableStream<Uint8Array>>;
}

export interface ZipEntry {
  /** The name as UTF-8 when its bytes are UTF-8, else as Latin-1 (see `utf8Name`). */
  name: string;
  utf8Name: boolean;
  flags: number;
  /** 0 stored, 8 deflated; anything else cannot be read here. */
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** What is wrong with an archive; formats render the code (and the message) in their client's words. */
export type ZipProblem = "not_zip" | "malformed" | "unsupported" | "too_large" | "corrupt";

export class ZipFormatError extends Error {
  constructor(
    readonly code: ZipProblem,
    message: string,
  ) {
    super(message);
  }
}

const EOCD_SIGNATURE = 0x06054b50;
const EOCD64_LOCATOR_SIGNATURE = 0x07064b50;
const EOCD64_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const EOCD_SIZE = 22;
const LOCATOR_SIZE = 20;
const EOCD64_SIZE = 56;
const MAX_COMMENT = 0xffff;
/** A central directory larger than this is refused (well over 100,000 entries with ordinary names). */
export const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;

export const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const latin1 = new TextDecoder("latin1");

function u64(v: DataView, at: number): number {
  const value = v.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError("malformed", "a zip64 field is out of range");
  return Number(value);
}

interface EndRecord {
  count: number;
  directorySize: number;
  directoryOffset: number;
  directoryEnd: number;
  zip64: boolean;
}

/** Every entry of the central directory: a read of the tail, the directory itself when the tail lacks it, and the zip64 record when there is one. */
export async function readCentralDirectory(source: RangedSource, maxDirectoryBytes = MAX_DIRECTORY_BYTES): Promise<ZipEntry[]> {
  if (source.size < EOCD_SIZE) throw new ZipFormatError("not_zip", "not a zip archive (too small)");
  const tailLength = Math.min(source.size, EOCD_SIZE + MAX_COMMENT + LOCATOR_SIZE);
  const tailStart = source.size - tailLength;
  const tail = await source.read(tailStart, tailLength);
  const end = await readEndRecord(source, tail, tailStart);
  const { count, directorySize, directoryOffset } = end;
  const base = end.directoryEnd - directorySize - directoryOffset;
  if (base < 0 || directoryOffset + base + directorySize > source.size) throw new ZipFormatError("malformed", "the central directory lies outside the archive");
  if (directorySize > maxDirectoryBytes) throw new ZipFormatError("too_large", `the central directory is larger than ${maxDirectoryBytes} bytes`);
  const start = directoryOffset + base;
  const directory =
    directorySize === 0 ? new Uint8Array(0) : start >= tailStart ? tail.subarray(start - tailStart, start - tailStart + directorySize) : await source.read(start, directorySize);
  const entries = parseDirectory(directory, base);
  // Without zip64 the count is 16 bits and may have wrapped (archive/zip compares it so too).
  if (end.zip64 ? entries.length !== count : entries.length % 0x10000 !== count) {
    throw new ZipFormatError("malformed", `the central directory lists ${entries.length} entries, the end record says ${count}`);
  }
  return entries;
}

async function readEndRecord(source: RangedSource, tail: Uint8Array, tailStart: number): Promise<EndRecord> {
  const tv = view(tail);
  let at = -1;
  for (let i = tail.byteLength - EOCD_SIZE; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD_SIGNATURE && i + EOCD_SIZE + tv.getUint16(i + 20, true) <= tail.byteLength) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipFormatError("not_zip", "not a zip archive (no end of central directory record)");
  const record: EndRecord = {
    count: tv.getUint16(at + 10, true),
    directorySize: tv.getUint32(at + 12, true),
    directoryOffset: tv.getUint32(at + 16, true),
    directoryEnd: tailStart + at,
    zip64: false,
  };
  if (record.count !== 0xffff && record.directorySize !== 0xffffffff && record.directoryOffset !== 0xffffffff) return record;
  // Saturated fields without a zip64 locator are taken as they are (archive/zip does so too).
  const locatorAt = tailStart + at - LOCATOR_SIZE;
  if (locatorAt < 0) return record;
  const locator = locatorAt >= tailStart ? tv : view(await source.read(locatorAt, LOCATOR_SIZE));
  const l = locatorAt >= tailStart ? locatorAt - tailStart : 0;
  if (locator.getUint32(l, true) !== EOCD64_LOCATOR_SIGNATURE) return record;
  const recordOffset = u64(locator, l + 8);
  if (recordOffset + EOCD64_SIZE > locatorAt) throw new ZipFormatError("malformed", "the zip64 end record lies outside the archive");
  const r = view(await source.read(recordOffset, EOCD64_SIZE));
  if (r.getUint32(0, true) !== EOCD64_SIGNATURE) throw new ZipFormatError("malformed", "no zip64 end of central directory record");
  return { count: u64(r, 32), directorySize: u64(r, 40), directoryOffset: u64(r, 48), directoryEnd: recordOffset, zip64: true };
}

/** Entries up to the end of the directory or the first bytes that are not an entry (archive/zip stops there too). */
function parseDirectory(directory: Uint8Array, base: number): ZipEntry[] {
  const dv = view(directory);
  const entries: ZipEntry[] = [];
  let at = 0;
  while (at + 46 <= directory.byteLength && dv.getUint32(at, true) === CENTRAL_SIGNATURE) {
    const nameLength = dv.getUint16(at + 28, true);
    const extraLength = dv.getUint16(at + 30, true);
    const commentLength = dv.getUint16(at + 32, true);
    const end = at + 46 + nameLength + extraLength + commentLength;
    if (end > directory.byteLength) throw new ZipFormatError("malformed", "a central directory entry runs past its end");
    const nameBytes = directory.subarray(at + 46, at + 46 + nameLength);
    const name = decodeName(nameBytes);
    const entry: ZipEntry = {
      name: name ?? latin1.decode(nameBytes),
      utf8Name: name !== null,
      flags: dv.getUint16(at + 8, true),
      method: dv.getUint16(at + 10, true),
      crc32: dv.getUint32(at + 16, true),
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

/**
 * Sizes and offset that do not fit 32 bits live in the zip64 extra field (id 1), in this order. A saturated
 * compressed size or offset without it is malformed; an uncompressed size of 2³²−1 may be real (archive/zip).
 */
function applyZip64Extra(entry: ZipEntry, extra: Uint8Array) {
  const needs = entry.compressedSize === 0xffffffff || entry.localHeaderOffset === 0xffffffff;
  const ev = view(extra);
  for (let at = 0; at + 4 <= extra.byteLength; ) {
    const id = ev.getUint16(at, true);
    const size = ev.getUint16(at + 2, true);
    if (id === 1) {
      let field = at + 4;
      const take = () => {
        if (field + 8 > at + 4 + size || field + 8 > extra.byteLength) throw new ZipFormatError("malformed", "a short zip64 extra field");
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
  if (needs) throw new ZipFormatError("malformed", "a zip64 entry without its extra field");
}
