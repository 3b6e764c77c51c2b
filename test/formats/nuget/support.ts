// Builds real NuGet packages inside the tests (a ZIP with a .nuspec, stored or deflated entries, optionally
// with data descriptors as streaming writers make them) and pushes them as NuGet clients do.
import { call } from "../../support/api";

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

export interface ZipOptions {
  deflate?: boolean;
  /** Sizes and CRC after the data (general purpose bit 3), zeros in the local header. */
  dataDescriptor?: boolean;
  comment?: string;
}

/** A ZIP archive of these entries, in order. */
export async function buildZip(entries: { name: string; data: Uint8Array | string }[], options: ZipOptions = {}): Promise<Uint8Array> {
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = typeof entry.data === "string" ? enc.encode(entry.data) : entry.data;
    const name = enc.encode(entry.name);
    const stored = options.deflate === false ? data : await deflateRaw(data);
    const method = options.deflate === false ? 0 : 8;
    const crc = crc32(data);
    const flags = 0x800 | (options.dataDescriptor ? 0x8 : 0);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(6, flags, true);
    local.setUint16(8, method, true);
    local.setUint32(14, options.dataDescriptor ? 0 : crc, true);
    local.setUint32(18, options.dataDescriptor ? 0 : stored.length, true);
    local.setUint32(22, options.dataDescriptor ? 0 : data.length, true);
    local.setUint16(26, name.length, true);
    const parts = [new Uint8Array(local.buffer), name, stored];
    if (options.dataDescriptor) {
      const dd = new DataView(new ArrayBuffer(16));
      dd.setUint32(0, 0x08074b50, true);
      dd.setUint32(4, crc, true);
      dd.setUint32(8, stored.length, true);
      dd.setUint32(12, data.length, true);
      parts.push(new Uint8Array(dd.buffer));
    }
    const localBytes = concat(parts);
    const central = new DataView(new ArrayBuffer(46));
    central.setUint32(0, 0x02014b50, true);
    central.setUint16(4, 20, true);
    central.setUint16(6, 20, true);
    central.setUint16(8, flags, true);
    central.setUint16(10, method, true);
    central.setUint32(16, crc, true);
    central.setUint32(20, stored.length, true);
    central.setUint32(24, data.length, true);
    central.setUint16(28, name.length, true);
    central.setUint32(42, offset, true);
    centrals.push(concat([new Uint8Array(central.buffer), name]));
    locals.push(localBytes);
    offset += localBytes.length;
  }
  const directory = concat(centrals);
  const comment = enc.encode(options.comment ?? "");
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, directory.length, true);
  end.setUint32(16, offset, true);
  end.setUint16(20, comment.length, true);
  return concat([...locals, directory, new Uint8Array(end.buffer), comment]);
}

export interface NuspecOptions {
  id: string;
  version: string;
  authors?: string;
  description?: string;
  /** Raw XML put inside <metadata> (dependencies, tags, license, …). */
  extra?: string;
}

export function nuspec(o: NuspecOptions): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>${o.id}</id>
    <version>${o.version}</version>
    <authors>${o.authors ?? "Packyard Tests"}</authors>
    <description>${o.description ?? `The ${o.id} package`}</description>
    ${o.extra ?? ""}
  </metadata>
</package>`;
}

/** A .nupkg laid out as `nuget pack` lays it out: _rels first, the nuspec, content, package metadata. */
export function buildNupkg(o: NuspecOptions & ZipOptions & { content?: string; files?: { name: string; data: Uint8Array | string }[] }): Promise<Uint8Array> {
  return buildZip(
    [
      { name: "_rels/.rels", data: '<?xml version="1.0" encoding="utf-8"?><Relationships/>' },
      { name: `${o.id}.nuspec`, data: nuspec(o) },
      { name: "content/readme.txt", data: o.content ?? `readme of ${o.id} ${o.version} ${crypto.randomUUID()}` },
      ...(o.files ?? []),
      { name: "[Content_Types].xml", data: '<?xml version="1.0" encoding="utf-8"?><Types/>' },
    ],
    o,
  );
}

/**
 * The multipart body NuGet clients send: one part `package`. NuGet 2.x ends the part with a bare LF before
 * the closing boundary (`bareLf`, the default); dotnet sends CRLF.
 */
export function pushBody(bytes: Uint8Array, options: { bareLf?: boolean; name?: string } = {}) {
  const boundary = crypto.randomUUID();
  const enc = new TextEncoder();
  const head = enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${options.name ?? "package"}"; filename="package"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = enc.encode(`${options.bareLf === false ? "\r\n" : "\n"}--${boundary}--\r\n`);
  return { body: concat([head, bytes, tail]), contentType: `multipart/form-data; boundary="${boundary}"` };
}

export const apiKey = (token: string) => ({ "X-NuGet-ApiKey": token });
export const basicAuth = (token: string) => ({ Authorization: `Basic ${btoa(`__token__:${token}`)}` });

/** `PUT <prefix>` (v3) or `<prefix>/v2/` (nuget 2.x) with the package. */
export function push(projectId: number | string, bytes: Uint8Array, headers: Record<string, string>, options: { path?: string; bareLf?: boolean } = {}) {
  const { body, contentType } = pushBody(bytes, options);
  return call(`/api/v4/projects/${projectId}/packages/nuget${options.path ?? "/v2/"}`, { method: "PUT", body, headers: { ...headers, "content-type": contentType } });
}

export const hexOf = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
export const base64Of = (buffer: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)));
