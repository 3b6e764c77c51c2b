// Bodies the fuzzer puts in uploads: archives that are not what their name says, compression bombs for the
// formats that read archives (Helm and Cargo tarballs, RubyGems' metadata.gz, Go/NuGet/Composer zips,
// Debian's ar), archives whose headers lie about sizes, random bytes. Built once per run (they are small
// compressed; the bombs expand to BOMB_BYTES each).
import { gzip, tar } from "../formats/helm/charts";
import { concat, makeZip } from "../support/zip-writer";

export const BOMB_BYTES = 24 * 1024 * 1024;
const enc = new TextEncoder();

export type Corpus = Record<string, Uint8Array>;

/** The zip's central directory and local headers claim `claimed` bytes for every entry. */
function lieAboutSizes(zip: Uint8Array, claimed: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let i = 0; i + 46 <= out.byteLength; i++) {
    const sig = view.getUint32(i, true);
    if (sig === 0x02014b50) view.setUint32(i + 24, claimed, true);
    else if (sig === 0x04034b50) view.setUint32(i + 22, claimed, true);
  }
  return out;
}

function ar(members: { name: string; data: Uint8Array }[]): Uint8Array {
  const parts: Uint8Array[] = [enc.encode("!<arch>\n")];
  for (const m of members) {
    const header = `${`${m.name}/`.padEnd(16)}${"0".padEnd(12)}${"0".padEnd(6)}${"0".padEnd(6)}${"100644".padEnd(8)}${String(m.data.byteLength).padEnd(10)}\`\n`;
    parts.push(enc.encode(header), m.data);
    if (m.data.byteLength % 2) parts.push(enc.encode("\n"));
  }
  return concat(parts);
}

export async function buildCorpus(): Promise<Corpus> {
  const zeros = new Uint8Array(BOMB_BYTES);
  const gzBomb = await gzip(zeros);
  const manifestNames = ["composer.json", "package.nuspec", "example.com/fuzz@v1.0.0/go.mod", "fuzz/Chart.yaml", "package/package.json", "Cargo.toml", "metadata"];
  const zipBomb = await makeZip(manifestNames.map((name) => ({ name, data: zeros.subarray(0, BOMB_BYTES / 4) })));
  const smallZip = await makeZip(manifestNames.map((name) => ({ name, data: `${name} of the fuzzer` })));
  const chartBomb = await gzip(tar([{ name: "fuzz/Chart.yaml", data: zeros }]));
  const tarOfBombs = tar([
    { name: "metadata.gz", data: gzBomb },
    { name: "data.tar.gz", data: gzBomb },
    { name: "checksums.yaml.gz", data: gzBomb },
  ]);
  const yamlBomb = await gzip(tar([{ name: "fuzz/Chart.yaml", data: `a: &a [${"x, ".repeat(2000)}x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\nname: fuzz\nversion: 1.0.0\n` }]));
  return {
    empty: new Uint8Array(0),
    text: enc.encode("this is not an archive\n"),
    gzipBomb: gzBomb,
    gzipOfGzip: await gzip(gzBomb),
    gzipTruncated: gzBomb.subarray(0, Math.floor(gzBomb.byteLength / 2)),
    gzipHeaderOnly: new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0xff]),
    tarGzChartBomb: chartBomb,
    tarGzYamlAliases: yamlBomb,
    tarOfBombs,
    gemOfBombs: tarOfBombs,
    zipBomb,
    zipLyingSizes: lieAboutSizes(smallZip, 0xfffffff0),
    zipTruncated: smallZip.subarray(0, smallZip.byteLength - 7),
    zipAsTgz: smallZip,
    debArGarbage: ar([
      { name: "debian-binary", data: enc.encode("2.0\n") },
      { name: "control.tar.gz", data: gzBomb },
      { name: "data.tar.xz", data: enc.encode("not xz") },
    ]),
    debArHuge: concat([enc.encode("!<arch>\n"), enc.encode(`${"control.tar.gz/".padEnd(16)}${"0".padEnd(12)}${"0".padEnd(6)}${"0".padEnd(6)}${"100644".padEnd(8)}${"9999999999"}\`\n`), new Uint8Array(64)]),
    nulBytes: new Uint8Array(4096),
    invalidUtf8: new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
  };
}
