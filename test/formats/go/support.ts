// Builds module zips for the Go workerd tests (Store or Deflate entries, as golang.org/x/mod/zip writes
// them) and sends them to the project's Go proxy.
import { call } from "../../support/api";

export interface ZipFile {
  name: string;
  content: string | Uint8Array;
  /** Deflate (method 8, what Go writes) unless "store". */
  method?: "deflate" | "store";
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Response(bytes).body!.pipeThrough(new CompressionStream("deflate-raw"));
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

/** A zip archive of these files, in order. */
export async function makeZip(files: ZipFile[]): Promise<Uint8Array> {
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const file of files) {
    const name = enc.encode(file.name);
    const data = typeof file.content === "string" ? enc.encode(file.content) : file.content;
    const method = file.method === "store" ? 0 : 8;
    const stored = method === 8 ? await deflateRaw(data) : data;
    const crc = crc32(data);
    const local = new Uint8Array(30 + name.byteLength);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, 0x0800, true);
    lv.setUint16(8, method, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, stored.byteLength, true);
    lv.setUint32(22, data.byteLength, true);
    lv.setUint16(26, name.byteLength, true);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.byteLength);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, 0x0800, true);
    cv.setUint16(10, method, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, stored.byteLength, true);
    cv.setUint32(24, data.byteLength, true);
    cv.setUint16(28, name.byteLength, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local, stored);
    centrals.push(central);
    offset += local.byteLength + stored.byteLength;
  }
  const directory = concat(centrals);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, files.length, true);
  ev.setUint16(10, files.length, true);
  ev.setUint32(12, directory.byteLength, true);
  ev.setUint32(16, offset, true);
  return concat([...locals, directory, end]);
}

/** The zip `go mod download` would store for a small module: go.mod (unless null) and one Go file. */
export function moduleZip(modulePath: string, version: string, options: { goMod?: string | null; extra?: ZipFile[]; source?: string } = {}): Promise<Uint8Array> {
  const prefix = `${modulePath}@${version}/`;
  const files: ZipFile[] = [];
  const goMod = options.goMod === undefined ? `module ${modulePath}\n\ngo 1.19\n` : options.goMod;
  if (goMod !== null) files.push({ name: `${prefix}go.mod`, content: goMod });
  files.push({ name: `${prefix}hello.go`, content: options.source ?? `package hello\n\n// Version is ${version}.\nconst Version = "${version}"\n` });
  files.push(...(options.extra ?? []));
  return makeZip(files);
}

export const escapePath = (text: string) => text.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
export const goBase = (projectId: number | string) => `/api/v4/projects/${projectId}/packages/go`;

export function uploadZip(projectId: number, modulePath: string, version: string, bytes: Uint8Array, headers: Record<string, string>) {
  return call(`${goBase(projectId)}/${escapePath(modulePath)}/@v/${escapePath(version)}.zip`, { method: "PUT", body: bytes, headers });
}

export function proxyGet(projectId: number, rest: string, headers: Record<string, string> = {}) {
  return call(`${goBase(projectId)}/${rest}`, { headers });
}
