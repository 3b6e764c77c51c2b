// Reads one file out of a zip archive through ranged reads, without holding the archive: the end of
// central directory record (zip64 too), the central directory, then the one entry's local header and
// bytes (stored or deflated, CRC-checked). Spec: PKWARE APPNOTE.TXT 6.3 §4.3, §4.4, §4.5.3.
//
//   tail = last ≤ 64 KiB + 42 bytes → EOCD (→ zip64 locator → zip64 EOCD) → central directory
//   → entries → pick one → local header (30 bytes + name + extra) → data → inflate with a size cap

/** Reads `length` bytes at `offset` of the archive (an R2 ranged get, or a slice in tests). */
export type ReadRange = (offset: number, length: number) => Promise<Uint8Array>;

export interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export class ZipError extends Error {}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const EOCD_SIZE = 22;
const LOCATOR_SIZE = 20;
const MAX_COMMENT = 0xffff;
/** A central directory larger than this is refused (about 200,000 entries with ordinary names). */
export const MAX_CENTRAL_DIRECTORY_BYTES = 16 * 1024 * 1024;

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function u64(v: DataView, at: number): number {
  const value = v.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError("a zip64 field is out of range");
  return Number(value);
}

/** Every entry of the central directory. */
export async function readCentralDirectory(read: ReadRange, size: number): Promise<ZipEntry[]> {
  if (size < EOCD_SIZE) throw new ZipError("the file is too small to be a zip archive");
  const tailLength = Math.min(size, EOCD_SIZE + MAX_COMMENT + LOCATOR_SIZE);
  const tailStart = size - tailLength;
  const tail = await read(tailStart, tailLength);
  const tv = view(tail);
  let at = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD && i + EOCD_SIZE + tv.getUint16(i + 20, true) <= tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipError("no end of central directory record: not a zip archive");
  let entries = tv.getUint16(at + 10, true);
  let cdSize = tv.getUint32(at + 12, true);
  let cdOffset = tv.getUint32(at + 16, true);
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locator = at - LOCATOR_SIZE;
    if (locator < 0 || tv.getUint32(locator, true) !== ZIP64_LOCATOR) throw new ZipError("a zip64 archive without its locator");
    const recordOffset = u64(tv, locator + 8);
    if (recordOffset + 56 > size) throw new ZipError("the zip64 end of central directory is outside the file");
    const record = view(await read(recordOffset, 56));
    if (record.getUint32(0, true) !== ZIP64_EOCD) throw new ZipError("no zip64 end of central directory record");
    entries = u64(record, 32);
    cdSize = u64(record, 40);
    cdOffset = u64(record, 48);
  }
  if (cdSize > MAX_CENTRAL_DIRECTORY_BYTES) throw new ZipError(`the central directory is larger than ${MAX_CENTRAL_DIRECTORY_BYTES} bytes`);
  if (cdOffset + cdSize > size) throw new ZipError("the central directory is outside the file");
  const cd = cdOffset >= tailStart && cdOffset + cdSize <= size ? tail.subarray(cdOffset - tailStart, cdOffset - tailStart + cdSize) : await read(cdOffset, cdSize);
  return parseCentralDirectory(cd, entries);
}

function parseCentralDirectory(cd: Uint8Array, count: number): ZipEntry[] {
  const v = view(cd);
  const decoder = new TextDecoder();
  const out: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || v.getUint32(p, true) !== CENTRAL_ENTRY) throw new ZipError("a malformed central directory entry");
    const nameLength = v.getUint16(p + 28, true);
    const extraLength = v.getUint16(p + 30, true);
    const commentLength = v.getUint16(p + 32, true);
    const end = p + 46 + nameLength + extraLength + commentLength;
    if (end > cd.length) throw new ZipError("a central directory entry runs past its end");
    const entry: ZipEntry = {
      name: decoder.decode(cd.subarray(p + 46, p + 46 + nameLength)),
      flags: v.getUint16(p + 8, true),
      method: v.getUint16(p + 10, true),
      crc32: v.getUint32(p + 16, true),
      compressedSize: v.getUint32(p + 20, true),
      size: v.getUint32(p + 24, true),
      localHeaderOffset: v.getUint32(p + 42, true),
    };
    applyZip64Extra(entry, cd.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
    out.push(entry);
    p = end;
  }
  return out;
}

/** Sizes and offset that did not fit 32 bits are in the zip64 extra field (id 1), in this order. */
function applyZip64Extra(entry: ZipEntry, extra: Uint8Array) {
  if (entry.size !== 0xffffffff && entry.compressedSize !== 0xffffffff && entry.localHeaderOffset !== 0xffffffff) return;
  const v = view(extra);
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = v.getUint16(p, true);
    const length = v.getUint16(p + 2, true);
    if (id === 1) {
      let q = p + 4;
      const next = () => {
        if (q + 8 > p + 4 + length) throw new ZipError("a short zip64 extra field");
        const value = u64(v, q);
        q += 8;
        return value;
      };
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
      return;
    }
    p += 4 + length;
  }
  throw new ZipError("a zip64 entry without its extra field");
}

/**
 * Composer's rule for the composer.json of an archive (Composer\Util\Zip::locateFile): the one at the
 * top level, else the one inside the single top-level directory (macOS `__MACOSX` folders ignored).
 */
export function locateFile(entries: ZipEntry[], fileName: string): ZipEntry {
  const isFile = (e: ZipEntry | undefined) => e !== undefined && !e.name.endsWith("/");
  const root = entries.find((e) => e.name === fileName);
  if (isFile(root)) return root!;
  const topLevel = new Set<string>();
  for (const e of entries) {
    if (e.name.includes("__MACOSX")) continue;
    const slash = e.name.replace(/\/$/, "").indexOf("/");
    topLevel.add(slash < 0 ? e.name : `${e.name.slice(0, slash)}/`);
    if (topLevel.size > 1) {
      throw new ZipError(`the archive has no ${fileName} at the top level and more than one top-level path (${[...topLevel].slice(0, 5).join(", ")})`);
    }
  }
  const [dir] = [...topLevel];
  const nested = dir?.endsWith("/") ? entries.find((e) => e.name === `${dir}${fileName}`) : undefined;
  if (isFile(nested)) return nested!;
  throw new ZipError(`no ${fileName} at the top level of the archive or inside its one top-level directory`);
}

/** The entry's bytes (stored or deflated), refused beyond `maxBytes`, checked against its CRC-32. */
export async function readEntry(read: ReadRange, size: number, entry: ZipEntry, maxBytes: number): Promise<Uint8Array> {
  if (entry.flags & 1) throw new ZipError(`${entry.name} is encrypted`);
  if (entry.size > maxBytes) throw new ZipError(`${entry.name} is larger than ${maxBytes} bytes`);
  if (entry.method !== 0 && entry.method !== 8) throw new ZipError(`${entry.name} uses compression method ${entry.method} (only stored and deflate are read)`);
  if (entry.localHeaderOffset + 30 > size) throw new ZipError(`the local header of ${entry.name} is outside the file`);
  const header = view(await read(entry.localHeaderOffset, 30));
  if (header.getUint32(0, true) !== LOCAL_HEADER) throw new ZipError(`no local header for ${entry.name}`);
  const dataStart = entry.localHeaderOffset + 30 + header.getUint16(26, true) + header.getUint16(28, true);
  const compressedLimit = entry.method === 0 ? maxBytes : maxBytes + 1024; // deflate can be larger than its input
  if (entry.compressedSize > compressedLimit) throw new ZipError(`${entry.name} is larger than ${maxBytes} bytes`);
  if (dataStart + entry.compressedSize > size) throw new ZipError(`the data of ${entry.name} runs past the end of the file`);
  const raw = entry.compressedSize === 0 ? new Uint8Array(0) : await read(dataStart, entry.compressedSize);
  const bytes = entry.method === 0 ? raw : await inflateRaw(raw, maxBytes, entry.name);
  if (bytes.length !== entry.size || crc32(bytes) !== entry.crc32) throw new ZipError(`${entry.name} does not match its size or CRC-32 in the archive`);
  return bytes;
}

async function inflateRaw(data: Uint8Array, maxBytes: number, name: string): Promise<Uint8Array> {
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw new ZipError(`${name} is larger than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof ZipError) throw error;
    throw new ZipError(`${name} is not valid deflate data`);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

let crcTable: Uint32Array | null = null;

export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
