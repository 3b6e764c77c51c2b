// Reads one entry of a zip archive through ranged reads: its local header (for where the data starts), then
// its data, inflated as a stream and checked against the central directory's size and CRC-32.
// Spec: PKWARE APPNOTE.TXT 6.3 §4.3.7 (local header), §4.4.4 (CRC-32), §4.4.5 (Store 0, Deflate 8).
//
//   local header (30 bytes) → data offset → stream(data range) → deflate-raw (pipeTo, rejection handled)
//   → exact declared length → CRC-32 → bytes; any failure is a ZipFormatError on the readable side
import { type RangedSource, view, type ZipEntry, ZipFormatError } from "./zip";

const LOCAL_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;
const STORE = 0;
const DEFLATE = 8;

/** Why an entry cannot be read here (encrypted, or neither stored nor deflated), or null. */
export function entryProblem(entry: Pick<ZipEntry, "flags" | "method">): string | null {
  if (entry.flags & 0x1) return "encrypted zip entries are not supported";
  if (entry.method !== STORE && entry.method !== DEFLATE) return `unsupported compression method ${entry.method}`;
  return null;
}

/** Where an entry's (compressed) data starts: after its local header, whose name and extra lengths may differ from the directory's. */
export async function entryDataOffset(source: RangedSource, entry: ZipEntry): Promise<number> {
  const problem = entryProblem(entry);
  if (problem) throw new ZipFormatError("unsupported", `${entry.name}: ${problem}`);
  if (entry.localHeaderOffset + LOCAL_HEADER_SIZE > source.size) throw new ZipFormatError("malformed", `the local header of ${entry.name} lies outside the archive`);
  const header = view(await source.read(entry.localHeaderOffset, LOCAL_HEADER_SIZE));
  if (header.getUint32(0, true) !== LOCAL_SIGNATURE) throw new ZipFormatError("malformed", `no local header for ${entry.name}`);
  const dataOffset = entry.localHeaderOffset + LOCAL_HEADER_SIZE + header.getUint16(26, true) + header.getUint16(28, true);
  if (dataOffset + entry.compressedSize > source.size) throw new ZipFormatError("malformed", `the data of ${entry.name} runs past the end of the archive`);
  return dataOffset;
}

/** An entry's uncompressed bytes as a stream, its data at `dataOffset` (from `entryDataOffset`). */
export async function entryStreamAt(source: RangedSource, entry: ZipEntry, dataOffset: number): Promise<ReadableStream<Uint8Array>> {
  const raw = entry.compressedSize === 0 ? emptyStream() : await source.stream(dataOffset, entry.compressedSize);
  return inflateEntry(raw, { ...entry, label: entry.name });
}

/** An entry's uncompressed bytes as a stream (stored or deflated), failing on a size or CRC-32 mismatch. */
export async function entryStream(source: RangedSource, entry: ZipEntry): Promise<ReadableStream<Uint8Array>> {
  return entryStreamAt(source, entry, await entryDataOffset(source, entry));
}

/** An entry's bytes, refused when it declares more than `maxBytes` (the stream holds it to what it declares). */
export async function readEntry(source: RangedSource, entry: ZipEntry, maxBytes: number): Promise<Uint8Array> {
  if (entry.uncompressedSize > maxBytes) throw new ZipFormatError("too_large", `${entry.name} is larger than ${maxBytes} bytes`);
  const reader = (await entryStream(source, entry)).getReader();
  const out = new Uint8Array(entry.uncompressedSize);
  let at = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    out.set(next.value, at); // the stream never passes its declared size
    at += next.value.byteLength;
  }
  return out;
}

export interface EntryData {
  method: number;
  uncompressedSize: number;
  /** Checked at the end when given. */
  crc32?: number;
  /** Names the entry in error messages. */
  label?: string;
}

/**
 * Uncompressed bytes from an entry's raw (stored or deflated) data. The stream fails with a ZipFormatError when
 * the data is corrupt, larger or smaller than `uncompressedSize`, or (given `crc32`) does not match it.
 */
export function inflateEntry(raw: ReadableStream<Uint8Array>, data: EntryData): ReadableStream<Uint8Array> {
  const label = data.label ?? "zip entry";
  let plain = raw;
  if (data.method === DEFLATE) {
    // pipeTo rather than pipeThrough: a corrupt entry rejects the pipe too, and that rejection must be handled
    // here; the reader of the readable side gets the error.
    const inflate = new DecompressionStream("deflate-raw");
    raw.pipeTo(inflate.writable).catch(() => undefined);
    plain = inflate.readable;
  }
  return asZipErrors(plain.pipeThrough(checked(data, label)), `${label}: its data is corrupt`);
}

function checked(data: EntryData, label: string): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  let crc = 0xffffffff;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > data.uncompressedSize) throw new ZipFormatError("corrupt", `${label} is larger than its declared size (${data.uncompressedSize} bytes)`);
      if (data.crc32 !== undefined) crc = crc32Update(crc, chunk);
      controller.enqueue(chunk);
    },
    flush() {
      if (seen !== data.uncompressedSize) throw new ZipFormatError("corrupt", `${label} is smaller than its declared size (${data.uncompressedSize} bytes)`);
      if (data.crc32 !== undefined && (crc ^ 0xffffffff) >>> 0 !== data.crc32) throw new ZipFormatError("corrupt", `${label} does not match its CRC-32`);
    },
  });
}

/** The same bytes; any failure other than a ZipFormatError (invalid deflate data) becomes one. */
function asZipErrors(stream: ReadableStream<Uint8Array>, message: string): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(error instanceof ZipFormatError ? error : new ZipFormatError("corrupt", message));
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

const emptyStream = () => new ReadableStream<Uint8Array>({ start: (c) => c.close() });

let crcTable: Uint32Array | null = null;

function crc32Update(crc: number, bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let next = crc;
  for (const byte of bytes) next = crcTable[(next ^ byte) & 0xff]! ^ (next >>> 8);
  return next >>> 0;
}

/** CRC-32 (ISO-HDLC, as zip uses it) of `bytes`. */
export const crc32 = (bytes: Uint8Array): number => (crc32Update(0xffffffff, bytes) ^ 0xffffffff) >>> 0;
