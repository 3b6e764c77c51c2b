// ZIP structures (pure): the end-of-central-directory record (ZIP64 too), central directory entries and the
// local header size, so an archive already in storage can be read with a few ranged reads instead of whole.
// Spec: PKWARE APPNOTE.TXT 6.3.x §4.3.6 (local header), §4.3.12 (central directory), §4.3.14–16 (end records).

export const EOCD_SIZE = 22;
const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
export const LOCAL_HEADER_SIZE = 30;
/** The comment after the end record is at most 65,535 bytes: the record is in the last 65,557 bytes. */
export const MAX_TAIL = EOCD_SIZE + 0xffff;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIZE = 56;

export class ZipError extends Error {}

export interface CentralDirectory {
  offset: number;
  size: number;
  entries: number;
}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated; anything else cannot be read here. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Find the central directory from the archive's last bytes (`tail` ends at `fileSize`). A ZIP64 archive answers
 * `{zip64At}`: the caller reads ZIP64_EOCD_SIZE bytes there and calls `parseZip64End`.
 */
export function findCentralDirectory(tail: Uint8Array, fileSize: number): CentralDirectory | { zip64At: number } {
  const data = view(tail);
  for (let at = tail.length - EOCD_SIZE; at >= 0; at--) {
    if (data.getUint32(at, true) !== EOCD_SIGNATURE) continue;
    const commentLength = data.getUint16(at + 20, true);
    if (at + EOCD_SIZE + commentLength !== tail.length) continue; // a signature inside the comment
    const entries = data.getUint16(at + 10, true);
    const size = data.getUint32(at + 12, true);
    const offset = data.getUint32(at + 16, true);
    const locatorAt = at - ZIP64_LOCATOR_SIZE;
    if (locatorAt >= 0 && data.getUint32(locatorAt, true) === ZIP64_LOCATOR_SIGNATURE) {
      return { zip64At: Number(data.getBigUint64(locatorAt + 8, true)) };
    }
    if (offset + size > fileSize - (tail.length - at)) throw new ZipError("the central directory lies outside the archive");
    return { offset, size, entries };
  }
  throw new ZipError("not a zip archive (no end of central directory record)");
}

export const ZIP64_END_SIZE = ZIP64_EOCD_SIZE;

export function parseZip64End(record: Uint8Array): CentralDirectory {
  const data = view(record);
  if (record.length < ZIP64_EOCD_SIZE || data.getUint32(0, true) !== ZIP64_EOCD_SIGNATURE) throw new ZipError("malformed ZIP64 end record");
  return { entries: Number(data.getBigUint64(32, true)), size: Number(data.getBigUint64(40, true)), offset: Number(data.getBigUint64(48, true)) };
}

/** Every entry of a central directory (its bytes, read whole). */
export function parseCentralDirectory(bytes: Uint8Array): ZipEntry[] {
  const data = view(bytes);
  const entries: ZipEntry[] = [];
  let at = 0;
  while (at + 46 <= bytes.length && data.getUint32(at, true) === CENTRAL_SIGNATURE) {
    const flags = data.getUint16(at + 8, true);
    const nameLength = data.getUint16(at + 28, true);
    const extraLength = data.getUint16(at + 30, true);
    const commentLength = data.getUint16(at + 32, true);
    const end = at + 46 + nameLength + extraLength + commentLength;
    if (end > bytes.length) throw new ZipError("truncated central directory entry");
    const nameBytes = bytes.subarray(at + 46, at + 46 + nameLength);
    const entry: ZipEntry = {
      name: new TextDecoder(flags & 0x800 ? "utf-8" : "latin1").decode(nameBytes),
      method: data.getUint16(at + 10, true),
      flags,
      crc32: data.getUint32(at + 16, true),
      compressedSize: data.getUint32(at + 20, true),
      uncompressedSize: data.getUint32(at + 24, true),
      localHeaderOffset: data.getUint32(at + 42, true),
    };
    applyZip64Extra(entry, bytes.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength));
    entries.push(entry);
    at = end;
  }
  return entries;
}

/** ZIP64 extra field (id 1): the 64-bit values of whichever 32-bit fields are 0xFFFFFFFF, in order. */
function applyZip64Extra(entry: ZipEntry, extra: Uint8Array) {
  const data = view(extra);
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = data.getUint16(at, true);
    const size = data.getUint16(at + 2, true);
    if (id === 1) {
      let field = at + 4;
      const next = () => {
        if (field + 8 > at + 4 + size) throw new ZipError("malformed ZIP64 extra field");
        const value = Number(data.getBigUint64(field, true));
        field += 8;
        return value;
      };
      if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
      return;
    }
    at += 4 + size;
  }
}

/** Where an entry's data starts, from its local header (whose name and extra lengths may differ from the central ones). */
export function localDataOffset(entry: ZipEntry, header: Uint8Array): number {
  const data = view(header);
  if (header.length < LOCAL_HEADER_SIZE || data.getUint32(0, true) !== LOCAL_SIGNATURE) throw new ZipError(`malformed local header for ${entry.name}`);
  return entry.localHeaderOffset + LOCAL_HEADER_SIZE + data.getUint16(26, true) + data.getUint16(28, true);
}
