// .deb files for the Debian workerd tests, laid out as dpkg-deb builds them: an ar archive of
// debian-binary, control.tar.gz (./control) and data.tar.gz.
import { concat } from "../../support/zip-writer";
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
