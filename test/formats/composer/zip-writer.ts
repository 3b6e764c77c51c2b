// A small zip writer for the Composer tests: stored or deflated entries, optionally with zip64 records
// (the layout `composer archive` and big archives produce), so the reader is tested on real structures.
import { crc32 } from "../../../src/formats/composer/zip";

export interface ZipInput {
  name: string;
  data: string | Uint8Array;
  deflate?: boolean;
}

async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function concat(parts: Uint8Array[]): Uint8Array {
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

/** A zip archive of `entries`; `zip64` writes zip64 end records and offsets, `comment` an archive comment. */
export async function makeZip(entries: ZipInput[], options: { zip64?: boolean; comment?: string; prefix?: Uint8Array } = {}): Promise<Uint8Array> {
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = options.prefix?.byteLength ?? 0;
  for (const entry of entries) {
    const data = typeof entry.data === "string" ? enc.encode(entry.data) : entry.data;
    const body = entry.deflate ? await deflateRaw(data) : data;
    const name = enc.encode(entry.name);
    const crc = crc32(data);
    const method = entry.deflate ? 8 : 0;
    const local = record(30, (v) => {
      v.setUint32(0, 0x04034b50, true);
      v.setUint16(4, 20, true);
      v.setUint16(8, method, true);
      v.setUint32(14, crc, true);
      v.setUint32(18, body.byteLength, true);
      v.setUint32(22, data.byteLength, true);
      v.setUint16(26, name.byteLength, true);
    });
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
      v.setUint16(10, method, true);
      v.setUint32(16, crc, true);
      v.setUint32(20, body.byteLength, true);
      v.setUint32(24, data.byteLength, true);
      v.setUint16(28, name.byteLength, true);
      v.setUint16(30, extra.byteLength, true);
      v.setUint32(42, options.zip64 ? 0xffffffff : offset, true);
    });
    locals.push(local, name, body);
    centrals.push(central, name, extra);
    offset += local.byteLength + name.byteLength + body.byteLength;
  }
  const cd = concat(centrals);
  const comment = enc.encode(options.comment ?? "");
  const tail: Uint8Array[] = [];
  if (options.zip64) {
    const recordAt = offset + cd.byteLength;
    tail.push(
      record(56, (v) => {
        v.setUint32(0, 0x06064b50, true);
        v.setBigUint64(4, 44n, true);
        v.setBigUint64(24, BigInt(entries.length), true);
        v.setBigUint64(32, BigInt(entries.length), true);
        v.setBigUint64(40, BigInt(cd.byteLength), true);
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
      v.setUint32(12, options.zip64 ? 0xffffffff : cd.byteLength, true);
      v.setUint32(16, options.zip64 ? 0xffffffff : offset, true);
      v.setUint16(20, comment.byteLength, true);
    }),
    comment,
  );
  return concat([...(options.prefix ? [options.prefix] : []), ...locals, cd, ...tail]);
}
