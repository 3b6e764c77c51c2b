// The one zip writer of the tests: stored or deflated entries, optionally with data descriptors (as streaming
// writers make them), zip64 end records and offsets, an archive comment or bytes before the archive, so the
// readers are tested on the structures real clients produce (go mod, nuget pack, composer archive).
import { crc32, type RangedSource } from "../../src/core/archive";

export interface ZipInput {
  name: string;
  data: string | Uint8Array;
  /** Overrides the archive's `method`. */
  method?: "store" | "deflate";
}

export interface ZipOptions {
  /** How entries are written unless they say: deflate (what go, nuget and composer write) by default. */
  method?: "store" | "deflate";
  /** Sizes and CRC after the data (general purpose bit 3), zeros in the local header. */
  dataDescriptor?: boolean;
  /** Zip64 end records, and every local header offset in a zip64 extra field. */
  zip64?: boolean;
  comment?: string;
  /** Bytes before the archive (a self-extractor stub); offsets count them. */
  prefix?: Uint8Array;
}

export async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

function record(size: number, fill: (v: DataView) => void): Uint8Array {
  const bytes = new Uint8Array(size);
  fill(new DataView(bytes.buffer));
  return bytes;
}

/** A zip archive of `entries`, in order, with UTF-8 names (flag bit 11). */
export async function makeZip(entries: ZipInput[], options: ZipOptions = {}): Promise<Uint8Array> {
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = options.prefix?.byteLength ?? 0;
  for (const entry of entries) {
    const data = typeof entry.data === "string" ? enc.encode(entry.data) : entry.data;
    const method = (entry.method ?? options.method ?? "deflate") === "deflate" ? 8 : 0;
    const body = method === 8 ? await deflateRaw(data) : data;
    const name = enc.encode(entry.name);
    const crc = crc32(data);
    const flags = 0x800 | (options.dataDescriptor ? 0x8 : 0);
    const deferred = options.dataDescriptor === true;
    const local = record(30, (v) => {
      v.setUint32(0, 0x04034b50, true);
      v.setUint16(4, 20, true);
      v.setUint16(6, flags, true);
      v.setUint16(8, method, true);
      v.setUint32(14, deferred ? 0 : crc, true);
      v.setUint32(18, deferred ? 0 : body.byteLength, true);
      v.setUint32(22, deferred ? 0 : data.byteLength, true);
      v.setUint16(26, name.byteLength, true);
    });
    const descriptor = deferred
      ? record(16, (v) => {
          v.setUint32(0, 0x08074b50, true);
          v.setUint32(4, crc, true);
          v.setUint32(8, body.byteLength, true);
          v.setUint32(12, data.byteLength, true);
        })
      : new Uint8Array(0);
    const extra = options.zip64
      ? record(12, (v) => {
          v.setUint16(0, 1, true);
          v.setUint16(2, 8, true);
          v.setBigUint64(4, BigInt(offset), true);
        })
      : new Uint8Array(0);
    const central = record(46, (v) => {
      v.setUint32(0, 0x02014b50, true);
      v.setUint16(4, 45, true);
      v.setUint16(6, 20, true);
      v.setUint16(8, flags, true);
      v.setUint16(10, method, true);
      v.setUint32(16, crc, true);
      v.setUint32(20, body.byteLength, true);
      v.setUint32(24, data.byteLength, true);
      v.setUint16(28, name.byteLength, true);
      v.setUint16(30, extra.byteLength, true);
      v.setUint32(42, options.zip64 ? 0xffffffff : offset, true);
    });
    locals.push(local, name, body, descriptor);
    centrals.push(central, name, extra);
    offset += local.byteLength + name.byteLength + body.byteLength + descriptor.byteLength;
  }
  const directory = concat(centrals);
  const comment = enc.encode(options.comment ?? "");
  const tail: Uint8Array[] = [];
  if (options.zip64) {
    const recordAt = offset + directory.byteLength;
    tail.push(
      record(56, (v) => {
        v.setUint32(0, 0x06064b50, true);
        v.setBigUint64(4, 44n, true);
        v.setBigUint64(24, BigInt(entries.length), true);
        v.setBigUint64(32, BigInt(entries.length), true);
        v.setBigUint64(40, BigInt(directory.byteLength), true);
        v.setBigUint64(48, BigInt(offset), true);
      }),
      record(20, (v) => {
        v.setUint32(0, 0x07064b50, true);
        v.setBigUint64(8, BigInt(recordAt), true);
        v.setUint32(16, 1, true);
      }),
    );
  }
  tail.push(
    record(22, (v) => {
      v.setUint32(0, 0x06054b50, true);
      v.setUint16(8, options.zip64 ? 0xffff : entries.length, true);
      v.setUint16(10, options.zip64 ? 0xffff : entries.length, true);
      v.setUint32(12, options.zip64 ? 0xffffffff : directory.byteLength, true);
      v.setUint32(16, options.zip64 ? 0xffffffff : offset, true);
      v.setUint16(20, comment.byteLength, true);
    }),
    comment,
  );
  return concat([...(options.prefix ? [options.prefix] : []), ...locals, directory, ...tail]);
}

/** An archive in memory as the readers' ranged source; `reads` records every range read. */
export function memorySource(bytes: Uint8Array): RangedSource & { reads: [number, number][] } {
  const reads: [number, number][] = [];
  return {
    size: bytes.byteLength,
    reads,
    read: async (offset, length) => {
      reads.push([offset, length]);
      return bytes.slice(offset, offset + length);
    },
    stream: async (offset, length) => {
      reads.push([offset, length]);
      return new Blob([bytes.slice(offset, offset + length)]).stream();
    },
  };
}
