// The .xz container around LZMA2 (dpkg-deb's default control.tar.xz): stream header, blocks with their
// integrity checks (CRC32, CRC64, SHA-256 verified), up to the index. Only the LZMA2 filter is accepted
// (dpkg-deb uses no BCJ or delta filter). Output is capped; `stop` ends decoding early once the caller has
// what it needs (the control file is near the start of the control tar).
// Spec: The .xz File Format 1.2.1 (tukaani.org/xz/xz-file-format.txt), §2 streams, §3 blocks, §3.4 checks.
import { decodeLzma2, Lzma2Output, XzError } from "./lzma2";

export { XzError };

const MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const LZMA2_FILTER = 0x21;

const CRC32_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.byteLength; i++) crc = CRC32_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** CRC-64/XZ (ECMA-182, reflected) in two 32-bit halves. */
const CRC64_TABLE = (() => {
  const lo = new Uint32Array(256);
  const hi = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let l = i;
    let h = 0;
    for (let k = 0; k < 8; k++) {
      const lsb = l & 1;
      l = ((l >>> 1) | ((h & 1) << 31)) >>> 0;
      h = h >>> 1;
      if (lsb) {
        l = (l ^ 0xd7870f42) >>> 0;
        h = (h ^ 0xc96c5795) >>> 0;
      }
    }
    lo[i] = l;
    hi[i] = h;
  }
  return { lo, hi };
})();

function crc64(bytes: Uint8Array): Uint8Array {
  let lo = 0xffffffff;
  let hi = 0xffffffff;
  for (let i = 0; i < bytes.byteLength; i++) {
    const idx = (lo ^ bytes[i]!) & 0xff;
    const nextLo = ((lo >>> 8) | (hi << 24)) >>> 0;
    lo = (nextLo ^ CRC64_TABLE.lo[idx]!) >>> 0;
    hi = ((hi >>> 8) ^ CRC64_TABLE.hi[idx]!) >>> 0;
  }
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, (lo ^ 0xffffffff) >>> 0, true);
  view.setUint32(4, (hi ^ 0xffffffff) >>> 0, true);
  return out;
}

const uint32le = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

/** A multibyte integer (7 bits a byte, little endian, at most 9 bytes). */
function varint(b: Uint8Array, at: number, end: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    if (at + i >= end) throw new XzError("corrupt xz block header");
    const byte = b[at + i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (i > 0 && byte === 0) throw new XzError("corrupt xz integer");
      return [value, at + i + 1];
    }
  }
  throw new XzError("corrupt xz integer");
}

function checkSize(type: number): number {
  if (type === 0) return 0;
  return 4 << Math.floor((type - 1) / 3);
}

async function verifyCheck(type: number, data: Uint8Array, stored: Uint8Array): Promise<void> {
  let computed: Uint8Array | null = null;
  if (type === 1) {
    computed = new Uint8Array(4);
    new DataView(computed.buffer).setUint32(0, crc32(data), true);
  } else if (type === 4) computed = crc64(data);
  else if (type === 10) computed = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  // Other check types are reserved; the format lets a decoder skip them.
  if (computed && !computed.every((b, i) => b === stored[i])) throw new XzError("xz integrity check failed");
}

export interface XzOptions {
  maxOutput: number;
  /** Asked after each LZMA2 chunk with the bytes so far; true ends decoding (checks are then not verified). */
  stop?: (output: Uint8Array) => boolean;
}

/** The decompressed bytes of the first xz stream in `input`. */
export async function decodeXz(input: Uint8Array, options: XzOptions): Promise<Uint8Array> {
  if (input.byteLength < 12 || !MAGIC.every((b, i) => input[i] === b)) throw new XzError("not xz data");
  if (input[6] !== 0 || (input[7]! & 0xf0) !== 0 || crc32(input.subarray(6, 8)) !== uint32le(input, 8)) throw new XzError("corrupt xz stream header");
  const checkType = input[7]!;
  const out = new Lzma2Output(options.maxOutput);
  const stop = options.stop ? () => options.stop!(out.bytes.subarray(0, out.length)) : undefined;
  let pos = 12;
  for (;;) {
    if (pos >= input.byteLength) throw new XzError("truncated xz stream");
    if (input[pos] === 0) break; // the index: every block has been read
    const blockStart = pos;
    const headerSize = (input[pos]! + 1) * 4;
    const headerEnd = pos + headerSize;
    if (headerEnd > input.byteLength) throw new XzError("truncated xz block header");
    if (crc32(input.subarray(pos, headerEnd - 4)) !== uint32le(input, headerEnd - 4)) throw new XzError("corrupt xz block header (CRC32)");
    const flags = input[pos + 1]!;
    if (flags & 0x3c) throw new XzError("unsupported xz block flags");
    let at = pos + 2;
    let compressedSize: number | null = null;
    let uncompressedSize: number | null = null;
    if (flags & 0x40) [compressedSize, at] = varint(input, at, headerEnd - 4);
    if (flags & 0x80) [uncompressedSize, at] = varint(input, at, headerEnd - 4);
    const filters = (flags & 3) + 1;
    let dictProps: number | null = null;
    for (let f = 0; f < filters; f++) {
      let id: number;
      let propsSize: number;
      [id, at] = varint(input, at, headerEnd - 4);
      [propsSize, at] = varint(input, at, headerEnd - 4);
      if (id !== LZMA2_FILTER || filters !== 1 || propsSize !== 1) throw new XzError(`unsupported xz filter 0x${id.toString(16)} (only LZMA2 is read)`);
      dictProps = input[at++]!;
    }
    if (dictProps === null || dictProps > 40) throw new XzError("corrupt xz filter properties");
    for (; at < headerEnd - 4; at++) if (input[at] !== 0) throw new XzError("corrupt xz block header padding");

    const before = out.length;
    const decoded = decodeLzma2(input, headerEnd, input.byteLength, out, stop);
    if (decoded.stopped) return out.bytes.subarray(0, out.length);
    if (compressedSize !== null && decoded.end - headerEnd !== compressedSize) throw new XzError("xz block size mismatch");
    if (uncompressedSize !== null && out.length - before !== uncompressedSize) throw new XzError("xz block size mismatch");
    pos = decoded.end;
    while ((pos - blockStart) % 4 !== 0) {
      if (input[pos++] !== 0) throw new XzError("corrupt xz block padding");
    }
    const size = checkSize(checkType);
    if (pos + size > input.byteLength) throw new XzError("truncated xz block check");
    await verifyCheck(checkType, out.bytes.subarray(before, out.length), input.subarray(pos, pos + size));
    pos += size;
  }
  return out.bytes.subarray(0, out.length);
}
