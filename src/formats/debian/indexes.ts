// The repository's index files, generated from a distribution's entries: Packages for each component and
// architecture (with `all` packages listed in every architecture), Release listing them with their sizes and
// digests. Pure apart from hashing and gzip (WebCrypto, CompressionStream).
// Spec: https://wiki.debian.org/DebianRepository/Format
import { field, parseStanza, type Stanza, writeStanza } from "./control";
import { poolPath, type DistributionMetadata, type IndexEntry } from "./distribution";

export function componentsOf(meta: DistributionMetadata): string[] {
  const set = new Set([...(meta.distribution.components.length ? meta.distribution.components : ["main"]), ...meta.entries.map((e) => e.component)]);
  return [...set].sort();
}

/** Architectures the Release announces: the distribution's, those of its packages, and `all`. */
export function architecturesOf(meta: DistributionMetadata): string[] {
  const set = new Set(["all", ...meta.distribution.architectures, ...meta.entries.map((e) => e.architecture)]);
  return [...set].sort();
}

const ORDER = ["Package", "Source", "Version", "Installed-Size", "Maintainer", "Architecture"];

export function packagesFile(meta: DistributionMetadata, component: string, architecture: string): string {
  const entries = meta.entries
    .filter((e) => e.component === component && (e.architecture === architecture || e.architecture === "all"))
    .sort((a, b) => (a.package === b.package ? (a.version < b.version ? -1 : a.version > b.version ? 1 : 0) : a.package < b.package ? -1 : 1));
  return entries.map((e) => stanzaOf(meta.distribution.codename, e)).join("\n");
}

function stanzaOf(codename: string, entry: IndexEntry): string {
  const control: Stanza = parseStanza(entry.control);
  const head = ORDER.flatMap((name) => {
    const value = field(control, name);
    return value === undefined ? [] : [[name, value] as [string, string]];
  });
  const rest = control.filter(([k]) => !ORDER.some((o) => o.toLowerCase() === k.toLowerCase()) && k.toLowerCase() !== "description");
  const description = field(control, "Description");
  const stanza: Stanza = [
    ...head,
    ...rest,
    ["Filename", poolPath(codename, entry)],
    ["Size", String(entry.size)],
    ["MD5sum", entry.md5],
    ["SHA1", entry.sha1],
    ["SHA256", entry.sha256],
    ...(description !== undefined ? [["Description", description] as [string, string]] : []),
  ];
  return writeStanza(stanza);
}

const encoder = new TextEncoder();

export async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([encoder.encode(text)]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function hex(algorithm: string, bytes: Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest(algorithm, bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export interface IndexFile {
  /** Path under dists/<codename>/, e.g. main/binary-amd64/Packages.gz */
  path: string;
  bytes: Uint8Array;
}

/** Every index file Release lists. */
export async function indexFiles(meta: DistributionMetadata): Promise<IndexFile[]> {
  const out: IndexFile[] = [];
  for (const component of componentsOf(meta)) {
    for (const arch of architecturesOf(meta)) {
      const text = packagesFile(meta, component, arch);
      const base = `${component}/binary-${arch}/Packages`;
      out.push({ path: base, bytes: encoder.encode(text) }, { path: `${base}.gz`, bytes: await gzip(text) });
    }
  }
  return out;
}

const md5 = async (b: Uint8Array) => hex("MD5", b);

export async function releaseFile(meta: DistributionMetadata, files: IndexFile[], now: Date): Promise<string> {
  const d = meta.distribution;
  const date = new Date(meta.updated_at || now.toISOString());
  const lines: string[] = [];
  const put = (k: string, v: string | null | undefined) => {
    if (v) lines.push(`${k}: ${v}`);
  };
  put("Origin", d.origin);
  put("Label", d.label);
  put("Suite", d.suite);
  put("Codename", d.codename);
  put("Version", d.version);
  put("Date", date.toUTCString());
  if (d.valid_time_duration_seconds) put("Valid-Until", new Date(date.getTime() + d.valid_time_duration_seconds * 1000).toUTCString());
  put("Architectures", architecturesOf(meta).join(" "));
  put("Components", componentsOf(meta).join(" "));
  put("Description", d.description);
  lines.push("Acquire-By-Hash: yes");
  const sums = await Promise.all(files.map(async (f) => ({ f, md5: await md5(f.bytes), sha1: await hex("SHA-1", f.bytes), sha256: await hex("SHA-256", f.bytes) })));
  const row = (digest: string, f: IndexFile) => ` ${digest} ${String(f.bytes.byteLength).padStart(8)} ${f.path}`;
  lines.push("MD5Sum:", ...sums.map((s) => row(s.md5, s.f)));
  lines.push("SHA1:", ...sums.map((s) => row(s.sha1, s.f)));
  lines.push("SHA256:", ...sums.map((s) => row(s.sha256, s.f)));
  return `${lines.join("\n")}\n`;
}

export const sha256Hex = (bytes: Uint8Array) => hex("SHA-256", bytes);
