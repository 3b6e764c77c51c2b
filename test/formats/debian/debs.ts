// .deb files for the Debian workerd tests, laid out as dpkg-deb builds them: an ar archive of
// debian-binary, control.tar.gz (./control) and data.tar.gz; and .xz streams of stored LZMA2 chunks.
import { concat } from "../../support/zip-writer";
import { crc32 } from "../../../src/formats/debian/xz";
import { gzip, tar } from "../helm/charts";

const enc = new TextEncoder();

/** A common-format ar archive (names up to 15 characters, `/`-terminated as GNU ar writes them). */
export function ar(members: { name: string; data: Uint8Array }[]): Uint8Array {
  const parts: Uint8Array[] = [enc.encode("!<arch>\n")];
  for (const m of members) {
    const header = `${`${m.name}/`.padEnd(16)}${"0".padEnd(12)}${"0".padEnd(6)}${"0".padEnd(6)}${"100644".padEnd(8)}${String(m.data.byteLength).padEnd(10)}\`\n`;
    parts.push(enc.encode(header), m.data);
    if (m.data.byteLength % 2 === 1) parts.push(enc.encode("\n"));
  }
  return concat(parts);
}

export function controlText(name: string, version: string, architecture = "all", extra = ""): string {
  return `Package: ${name}\nVersion: ${version}\nArchitecture: ${architecture}\nMaintainer: Test <test@example.com>\nInstalled-Size: 1\nSection: misc\nPriority: optional\n${extra}Description: test package ${name}\n A longer description.\n`;
}

export async function deb(control: string, data: Uint8Array = enc.encode("payload"), controlName = "control.tar.gz"): Promise<Uint8Array> {
  const controlTar = tar([{ name: "./", type: "5" }, { name: "./control", data: control }]);
  return ar([
    { name: "debian-binary", data: enc.encode("2.0\n") },
    { name: controlName, data: controlName.endsWith(".gz") ? await gzip(controlTar) : controlTar },
    { name: "data.tar.gz", data: await gzip(tar([{ name: "./usr/share/doc/unique.bin", data }])) },
  ]);
}

/**
 * An .xz stream of LZMA2 stored chunks (control 0x01 then 0x02, up to 64 KiB each) with a CRC32 check, a valid
 * index and footer: what xz writes for incompressible data. `corruptCheck` flips the block's check.
 */
export function xzStored(data: Uint8Array, options: { corruptCheck?: boolean } = {}): Uint8Array {
  const le32 = (n: number) => new Uint8Array(new Uint32Array([n >>> 0]).buffer);
  const varint = (n: number) => {
    const out: number[] = [];
    while (n >= 0x80) {
      out.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(n);
    return out;
  };
  const flags = new Uint8Array([0x00, 0x01]);
  const header = concat([new Uint8Array([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), flags, le32(crc32(flags))]);
  // Block header: size byte, flags (one filter), LZMA2 (0x21) with one property byte (dictionary 8 MiB), padding, CRC32.
  const blockFields = new Uint8Array([0x02, 0x00, 0x21, 0x01, 0x16, 0x00, 0x00, 0x00]);
  const blockHeader = concat([blockFields, le32(crc32(blockFields))]);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < data.byteLength; at += 65536) {
    const part = data.subarray(at, Math.min(at + 65536, data.byteLength));
    chunks.push(new Uint8Array([at === 0 ? 0x01 : 0x02, (part.byteLength - 1) >> 8, (part.byteLength - 1) & 0xff]), part);
  }
  chunks.push(new Uint8Array([0x00]));
  const compressed = concat(chunks);
  const padding = new Uint8Array((4 - (compressed.byteLength % 4)) % 4);
  const check = le32(crc32(data) ^ (options.corruptCheck ? 1 : 0));
  const unpadded = blockHeader.byteLength + compressed.byteLength + check.byteLength;
  const indexFields = [0x00, ...varint(1), ...varint(unpadded), ...varint(data.byteLength)];
  while (indexFields.length % 4 !== 0) indexFields.push(0);
  const index = concat([new Uint8Array(indexFields), le32(crc32(new Uint8Array(indexFields)))]);
  const footerFields = concat([le32(index.byteLength / 4 - 1), flags]);
  const footer = concat([le32(crc32(footerFields)), footerFields, enc.encode("YZ")]);
  return concat([header, blockHeader, compressed, padding, check, index, footer]);
}
