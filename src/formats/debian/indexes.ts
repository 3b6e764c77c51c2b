// The repository's index files, built from the files of one distribution (their metadata carries the control
// stanzas): for each component, `binary-<arch>/Packages` (.deb, with `all` packages in every architecture; a
// .ddeb is in no index, as GitLab),
// `debian-installer/binary-<arch>/Packages` (.udeb) and `source/Sources` (.dsc), each also gzipped; and the
// Release listing them with sizes and digests. Pure apart from hashing and gzip (WebCrypto, CompressionStream).
// Spec: https://wiki.debian.org/DebianRepository/Format
import { AppError } from "../../core/errors";
import type { FileWithPackage } from "../../core/registry";
import { field, parseStanza, type Stanza, writeStanza } from "./control";
import { poolDirectory, poolPath, type DebianFileMetadata, type DistributionFields } from "./distribution";

export interface IndexInput {
  fields: DistributionFields;
  /** The files of the distribution (newest first), as `registry.filesByMetadata` returns them. */
  files: FileWithPackage[];
  /** Each project's current distribution id: files of an older distribution of the same codename are left out. */
  distributionIds: Map<number, number>;
  /** Group level: pool paths carry the project id. */
  group: boolean;
}

interface Entry {
  file: FileWithPackage;
  meta: DebianFileMetadata;
  control: Stanza;
}

export interface IndexFile {
  /** Path under dists/<codename>/, e.g. main/binary-amd64/Packages.gz */
  path: string;
  bytes: Uint8Array;
}

/** The newest file of each package, version, architecture and component, per kind of index. */
function entriesOf(input: IndexInput): { binaries: Entry[]; installers: Entry[]; sources: Entry[] } {
  const seen = new Set<string>();
  const out = { binaries: [] as Entry[], installers: [] as Entry[], sources: [] as Entry[] };
  for (const file of input.files) {
    const meta = file.metadata as unknown as DebianFileMetadata;
    if (meta.distribution_id !== input.distributionIds.get(file.projectId) || !meta.control || !meta.component) continue;
    const slot = `${meta.kind}\0${file.packageName}\0${file.packageVersion}\0${meta.architecture ?? ""}\0${meta.component}`;
    if (seen.has(slot)) continue;
    seen.add(slot);
    const entry = { file, meta, control: parseStanza(meta.control) };
    // A .ddeb (debug symbols) is kept and served from the pool but listed in no index, as GitLab's
    // GenerateDistributionService (Packages: file type deb only; debian-installer: udeb; Sources: dsc).
    if (meta.kind === "deb") out.binaries.push(entry);
    else if (meta.kind === "udeb") out.installers.push(entry);
    else if (meta.kind === "dsc") out.sources.push(entry);
  }
  return out;
}

export function componentsOf(fields: DistributionFields, entries: Entry[]): string[] {
  return [...new Set([...(fields.components.length ? fields.components : ["main"]), ...entries.map((e) => e.meta.component!)])].sort();
}

/** Architectures the Release announces: the distribution's, those of its packages, and `all`. */
export function architecturesOf(fields: DistributionFields, entries: Entry[]): string[] {
  return [...new Set(["all", ...fields.architectures, ...entries.flatMap((e) => (e.meta.architecture ? [e.meta.architecture] : []))])].sort();
}

const byNameThenVersion = (a: Entry, b: Entry) => {
  const [x, y] = [a.file.packageName, b.file.packageName];
  if (x !== y) return x < y ? -1 : 1;
  return a.file.packageVersion < b.file.packageVersion ? -1 : a.file.packageVersion > b.file.packageVersion ? 1 : 0;
};

const ORDER = ["Package", "Source", "Version", "Installed-Size", "Maintainer", "Architecture"];

function packagesStanza(codename: string, group: boolean, e: Entry): string {
  const head = ORDER.flatMap((name) => {
    const value = field(e.control, name);
    return value === undefined ? [] : [[name, value] as [string, string]];
  });
  const rest = e.control.filter(([k]) => !ORDER.some((o) => o.toLowerCase() === k.toLowerCase()) && k.toLowerCase() !== "description");
  const description = field(e.control, "Description");
  const f = e.file;
  return writeStanza([
    ...head,
    ...rest,
    ["Filename", poolPath(codename, { name: f.packageName, version: f.packageVersion, fileName: f.fileName, projectId: group ? f.projectId : undefined })],
    ["Size", String(f.size)],
    // Debian uploads always keep md5 and sha1 (upload.ts DIGESTS); a field without its value is left out, as apt allows.
    ...(f.md5 !== null ? [["MD5sum", f.md5] as [string, string]] : []),
    ...(f.sha1 !== null ? [["SHA1", f.sha1] as [string, string]] : []),
    ["SHA256", f.sha256],
    ...(description !== undefined ? [["Description", description] as [string, string]] : []),
  ]);
}

/** A Sources stanza: the .dsc's fields with Source as Package, its files plus the .dsc itself, and the pool Directory. */
function sourcesStanza(codename: string, group: boolean, e: Entry): string {
  const f = e.file;
  const own = (digest: string) => ` ${digest} ${f.size} ${f.fileName}`;
  const list = (name: string, digest: string) => [name, ["", own(digest), ...(field(e.control, name) ?? "").split("\n").slice(1)].join("\n")] as [string, string];
  const listed = new Set(["source", "files", "checksums-sha1", "checksums-sha256", "checksums-md5"]);
  return writeStanza([
    ["Package", field(e.control, "Source") ?? f.packageName],
    ...e.control.filter(([k]) => !listed.has(k.toLowerCase())),
    ["Directory", poolDirectory(codename, { name: f.packageName, version: f.packageVersion, projectId: group ? f.projectId : undefined })],
    list("Files", f.md5 ?? missingDigest(f.fileName)),
    list("Checksums-Sha1", f.sha1 ?? missingDigest(f.fileName)),
    list("Checksums-Sha256", f.sha256),
  ]);
}

/** Sources must list md5 and sha1, which every Debian upload keeps: a file without them was stored wrongly. */
function missingDigest(fileName: string): never {
  throw new AppError("internal", `500 Internal Server Error - ${fileName} was stored without its MD5 or SHA1`);
}

const encoder = new TextEncoder();

export async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([encoder.encode(text)]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function hex(algorithm: string, bytes: Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest(algorithm, bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Every index file of the distribution, and the Release that lists them (dated `now`). */
export async function buildIndexes(input: IndexInput, now: Date): Promise<{ files: IndexFile[]; release: string }> {
  const { binaries, installers, sources } = entriesOf(input);
  const all = [...binaries, ...installers, ...sources];
  const codename = input.fields.codename;
  const components = componentsOf(input.fields, all);
  const architectures = architecturesOf(input.fields, all);
  const files: IndexFile[] = [];
  const add = async (path: string, text: string) => files.push({ path, bytes: encoder.encode(text) }, { path: `${path}.gz`, bytes: await gzip(text) });
  for (const component of components) {
    const inComponent = (list: Entry[]) => list.filter((e) => e.meta.component === component).sort(byNameThenVersion);
    const [debs, udebs, dscs] = [inComponent(binaries), inComponent(installers), inComponent(sources)];
    for (const arch of architectures) {
      const forArch = (list: Entry[]) => list.filter((e) => e.meta.architecture === arch || e.meta.architecture === "all");
      await add(`${component}/binary-${arch}/Packages`, forArch(debs).map((e) => packagesStanza(codename, input.group, e)).join("\n"));
      await add(`${component}/debian-installer/binary-${arch}/Packages`, forArch(udebs).map((e) => packagesStanza(codename, input.group, e)).join("\n"));
    }
    await add(`${component}/source/Sources`, dscs.map((e) => sourcesStanza(codename, input.group, e)).join("\n"));
  }
  return { files, release: await releaseFile(input.fields, components, architectures, files, now) };
}

async function releaseFile(d: DistributionFields, components: string[], architectures: string[], files: IndexFile[], now: Date): Promise<string> {
  const lines: string[] = [];
  const put = (k: string, v: string | null | undefined) => {
    if (v) lines.push(`${k}: ${v}`);
  };
  put("Origin", d.origin);
  put("Label", d.label);
  put("Suite", d.suite);
  put("Codename", d.codename);
  put("Version", d.version);
  put("Date", now.toUTCString());
  if (d.valid_time_duration_seconds) put("Valid-Until", new Date(now.getTime() + d.valid_time_duration_seconds * 1000).toUTCString());
  put("Architectures", architectures.join(" "));
  put("Components", components.join(" "));
  put("Description", d.description);
  lines.push("Acquire-By-Hash: yes");
  const sums = await Promise.all(files.map(async (f) => ({ f, md5: await hex("MD5", f.bytes), sha1: await hex("SHA-1", f.bytes), sha256: await hex("SHA-256", f.bytes) })));
  const row = (digest: string, f: IndexFile) => ` ${digest} ${String(f.bytes.byteLength).padStart(8)} ${f.path}`;
  lines.push("MD5Sum:", ...sums.map((s) => row(s.md5, s.f)));
  lines.push("SHA1:", ...sums.map((s) => row(s.sha1, s.f)));
  lines.push("SHA256:", ...sums.map((s) => row(s.sha256, s.f)));
  return `${lines.join("\n")}\n`;
}

/** The path Release lists under `dir` with this SHA256 (apt's by-hash requests), or null. */
export function pathByHash(release: string, dir: string, sha256: string): string | null {
  const section = release.split("\nSHA256:\n")[1] ?? "";
  for (const line of section.split("\n")) {
    const [digest, , path] = line.trim().split(/\s+/);
    if (digest === sha256 && path && path.startsWith(`${dir}/`) && !path.slice(dir.length + 1).includes("/")) return path;
  }
  return null;
}
