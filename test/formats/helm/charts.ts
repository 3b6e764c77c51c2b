// Chart archives for the Helm tests, built the way `helm package` and `tar czf` lay them out: one top
// directory, ustar headers, gzip. Also the multipart body `helm cm-push` and curl --form send.

import { multipartBody } from "../../support/multipart";
import { concat } from "../../support/zip-writer";

export type TarEntry = { name: string; data?: string | Uint8Array; type?: string };

const enc = new TextEncoder();

/** A ustar archive (names up to 100 bytes, or with a prefix up to 255), ended by two zero blocks. */
export function tar(entries: TarEntry[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const entry of entries) {
    const data = typeof entry.data === "string" ? enc.encode(entry.data) : (entry.data ?? new Uint8Array(0));
    const header = new Uint8Array(512);
    let name = entry.name;
    let prefix = "";
    if (enc.encode(name).length > 100) {
      const cut = name.lastIndexOf("/", 155);
      prefix = name.slice(0, cut);
      name = name.slice(cut + 1);
    }
    const put = (text: string, at: number, width: number) => header.set(enc.encode(text).subarray(0, width), at);
    put(name, 0, 100);
    put("0000644\0", 100, 8);
    put("0000000\0", 108, 8);
    put("0000000\0", 116, 8);
    put(`${data.length.toString(8).padStart(11, "0")}\0`, 124, 12);
    put("14000000000\0", 136, 12);
    put("        ", 148, 8);
    put(entry.type ?? "0", 156, 1);
    put("ustar\0", 257, 6);
    put("00", 263, 2);
    put(prefix, 345, 155);
    let sum = 0;
    for (const b of header) sum += b;
    put(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
    blocks.push(header, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  return concat(blocks);
}

export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function chartYaml(name: string, version: string, extra = ""): string {
  return `apiVersion: v2\nname: ${name}\ndescription: A Helm chart for Kubernetes\ntype: application\nversion: ${version}\nappVersion: "1.16.0"\n${extra}`;
}

/** `<name>-<version>.tgz` as helm package writes it: `<name>/Chart.yaml`, values, templates. */
export async function chartTgz(yaml: string, options: { top?: string; files?: Record<string, string> } = {}): Promise<Uint8Array> {
  const top = options.top ?? (/^name:\s*(\S+)/m.exec(yaml)?.[1] ?? "chart");
  const files: Record<string, string> = { "values.yaml": "replicaCount: 1\n", "templates/NOTES.txt": "hello\n", ...(options.files ?? {}) };
  return gzip(tar([{ name: `${top}/Chart.yaml`, data: yaml }, ...Object.entries(files).map(([name, data]) => ({ name: `${top}/${name}`, data }))]));
}

export function multipart(parts: { name: string; filename?: string; data: Uint8Array | string }[]): { body: Uint8Array; contentType: string } {
  return multipartBody(parts, "helmtest");
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A provenance file in helm's layout for a chart archive (the signature block is not checked by the registry). */
export function provenanceFor(chartYamlText: string, fileName: string, sha256: string): string {
  return `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n${chartYamlText.trimEnd()}\n\n...\nfiles:\n  ${fileName}: sha256:${sha256}\n-----BEGIN PGP SIGNATURE-----\n\nwsBcBAEBCgAQBQJkFakeSigAAoJEFakeFake\n=abcd\n-----END PGP SIGNATURE-----\n`;
}
