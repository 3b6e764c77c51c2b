// dput-ng's last PUT: the .changes (labelled form-urlencoded, read as text). It is checked against the
// files waiting in `incoming` (each listed file there with that SHA256 and size), then:
//   binaries (.deb/.udeb/.ddeb) → published as <Package>/<Version>, component from the Section in Files;
//   a .dsc and the files it lists  → published as <Source>/<Version> (the Sources index reads the .dsc);
//   the .buildinfo and the .changes → kept with the source package, or the first binary's.
// Spec: deb-changes(5), deb-src-control / dsc(5); clients.md "dput-ng".
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import type { PackageFileRow, ProjectContext } from "../../core/registry";
import { readLimitedText } from "../../http/request-body";
import { binaryControl, field, parseStanza, validCodename, validName, type Stanza } from "./control";
import { findDistribution, projectStore } from "./distributions";
import { DEBIAN, type Distribution } from "./distribution";
import type { CommitOp } from "../../core/publish/types";
import { BINARY, commitIncoming, DIGESTS, FILE_NAME, INCOMING, placeIn, publishBinaries, type Binary, type Committed, type DebianBlob, type IncomingFile } from "./upload";

const CHANGES_LIMIT = 1024 * 1024;
const DSC_LIMIT = 1024 * 1024;
const VERSION = /^(?:[0-9]+:)?[0-9][A-Za-z0-9.+~:-]*$/;

interface ListedFile {
  name: string;
  size: number;
  sha256: string;
  section: string;
}

/** The text between a clearsigned message's armor lines (or the text itself when unsigned). */
export function unsigned(text: string): string {
  if (!text.includes("-----BEGIN PGP SIGNED MESSAGE-----")) return text;
  const body = text.replace(/\r\n/g, "\n").split(/\n\n/).slice(1).join("\n\n");
  return body.split("-----BEGIN PGP SIGNATURE-----")[0]!.replace(/^- /gm, "");
}

/** `Checksums-Sha256` lines, with each file's Section from `Files` (a .dsc's Files have no section). */
function listedFiles(stanza: Stanza): ListedFile[] {
  const sections = new Map<string, string>();
  for (const line of (field(stanza, "Files") ?? "").split("\n").slice(1)) {
    const parts = line.trim().split(/\s+/);
    if (parts.length === 5) sections.set(parts[4]!, parts[2]!);
  }
  const files: ListedFile[] = [];
  for (const line of (field(stanza, "Checksums-Sha256") ?? "").split("\n").slice(1)) {
    const [sha256, size, name] = line.trim().split(/\s+/);
    if (!sha256 || !size || !name) continue;
    if (!/^[0-9a-f]{64}$/.test(sha256) || !/^\d+$/.test(size) || !FILE_NAME.test(name)) throw new AppError("bad_request", "400 Bad request - malformed Checksums-Sha256");
    files.push({ name, size: Number(size), sha256, section: sections.get(name) ?? "main" });
  }
  return files;
}

/** A .changes file: its distribution, and the files it lists with their SHA256 (Checksums-Sha256) and Section (Files). */
export function parseChanges(text: string): { distribution: string; files: ListedFile[] } {
  const stanza = parseStanza(unsigned(text));
  const distribution = field(stanza, "Distribution")?.split(/\s+/)[0];
  if (!distribution || !validCodename(distribution)) throw new AppError("bad_request", "400 Bad request - .changes has no valid Distribution");
  const files = listedFiles(stanza);
  if (files.length === 0) throw new AppError("bad_request", "400 Bad request - .changes lists no files");
  checkFilesField(stanza, files);
  return { distribution, files };
}

/**
 * The `Files` field (dpkg-genchanges always writes one) and `Checksums-Sha256` must list the same files with
 * the same sizes; a .changes without `Files` is refused, as GitLab's ExtractChangesMetadataService does.
 */
function checkFilesField(stanza: Stanza, files: ListedFile[]): void {
  const lines = (field(stanza, "Files") ?? "").split("\n").slice(1).map((l) => l.trim().split(/\s+/)).filter((p) => p.length >= 3);
  if (lines.length === 0) throw new AppError("bad_request", "400 Bad request - Files field is missing");
  const sizes = new Map(lines.map((p) => [p[p.length - 1]!, Number(p[1])]));
  const bySha = new Map(files.map((f) => [f.name, f.size]));
  const problems = [
    ...files.filter((f) => !sizes.has(f.name)).map((f) => `${f.name} is listed in Checksums-Sha256 but not in Files`),
    ...[...sizes.keys()].filter((name) => !bySha.has(name)).map((name) => `${name} is listed in Files but not in Checksums-Sha256`),
    ...files.filter((f) => sizes.has(f.name) && sizes.get(f.name) !== f.size).map((f) => `Size for ${f.name} in Files and Checksums-Sha256 differ`),
  ];
  if (problems.length > 0) throw new AppError("bad_request", `400 Bad request - ${problems.join("; ")}`);
}

/** A .dsc: source name, version, the stanza the Sources index is made from, and the files it lists. */
export function parseDsc(text: string): { source: string; version: string; stanza: Stanza; files: ListedFile[] } {
  const stanza = parseStanza(unsigned(text));
  const source = field(stanza, "Source");
  const version = field(stanza, "Version");
  if (!source || !validName(source)) throw new AppError("bad_request", "400 Bad request - .dsc has no valid Source");
  if (!version || !VERSION.test(version)) throw new AppError("bad_request", "400 Bad request - .dsc has no valid Version");
  return { source, version, stanza, files: listedFiles(stanza) };
}

/** Component from a Section: `contrib/net` → contrib; a plain section is in main. */
const componentOf = (section: string) => (section.includes("/") ? section.split("/")[0]! : "main");

function blobOf(file: PackageFileRow): DebianBlob {
  if (file.md5 === null || file.sha1 === null) throw new AppError("internal", `500 Internal Server Error - ${file.fileName} was stored without its MD5 or SHA1`);
  return { id: file.blobId, size: file.size, md5: file.md5, sha1: file.sha1, sha256: file.sha256, sha512: file.sha512 };
}

export async function putChanges(c: Context<AppEnv>, ctx: ProjectContext, fileName: string): Promise<Response> {
  const text = await readLimitedText(c, CHANGES_LIMIT);
  const changes = parseChanges(text);
  const distribution = await findDistribution(projectStore(c, ctx), changes.distribution);
  const registry = c.var.registry;
  const incoming = await registry.versions([ctx], DEBIAN, INCOMING, { statuses: ["processing"] });
  const waiting = incoming.flatMap((r) => r.files).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  // Every listed file checked before anything is published: one 400 names all that are wrong.
  const matched = new Map<string, PackageFileRow>();
  const [missing, differing] = [[] as string[], [] as string[]];
  for (const listed of changes.files) {
    const file = waiting.find((f) => f.fileName === listed.name && f.sha256 === listed.sha256 && f.size === listed.size);
    if (file) matched.set(listed.name, file);
    else (waiting.some((f) => f.fileName === listed.name) ? differing : missing).push(listed.name);
  }
  if (missing.length > 0 || differing.length > 0) {
    const parts = [
      ...(missing.length ? [`${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} listed in the .changes but not uploaded`] : []),
      ...(differing.length ? [`${differing.join(", ")} ${differing.length === 1 ? "does" : "do"} not match the size and SHA256 the .changes lists`] : []),
    ];
    throw new AppError("bad_request", `400 Bad request - ${parts.join("; ")}`);
  }

  const binaries: Binary[] = [];
  for (const listed of changes.files.filter((f) => BINARY.test(f.name))) {
    const file = matched.get(listed.name)!;
    const control = binaryControl(String((file.metadata as { control?: string }).control ?? ""));
    binaries.push({ blob: blobOf(file), fileName: listed.name, control, component: componentOf(listed.section) });
  }
  const source = await sourceOf(c, changes.files, matched, distribution);
  const changesBlob = await registry.putBlob(new Blob([text]).stream(), { contentLength: new TextEncoder().encode(text).byteLength, maxBytes: CHANGES_LIMIT, digests: DIGESTS });

  // The source package's files, then the .buildinfo and the .changes, with the source or the first binary.
  const kept = new Set([...binaries.map((b) => b.fileName), ...(source?.files.map((f) => f.fileName) ?? [])]);
  const others: IncomingFile[] = changes.files
    .filter((f) => !kept.has(f.name))
    .map((f) => ({ blob: blobOf(matched.get(f.name)!), fileName: f.name, metadata: placeIn(distribution, { kind: f.name.endsWith(".buildinfo") ? "buildinfo" : "source" }) }));
  others.push({ blob: changesBlob, fileName, metadata: placeIn(distribution, { kind: "changes" }) });
  const owner = source ? { name: source.name, version: source.version } : binaries[0] ? { name: binaries[0].control.package, version: binaries[0].control.version } : null;
  // Each package commits through its own coordinator: when one is refused (a protection rule, say), what
  // the others published is taken back, so a .changes lands whole or not at all.
  const committed: Committed[] = [];
  try {
    await publishBinaries(c, ctx, distribution, binaries, committed);
    if (owner) {
      const target = { projectId: ctx.project.id, packageType: DEBIAN, name: owner.name, normalizedName: owner.name };
      const result = await registry.commit(target, [
        { kind: "publish", version: owner.version, files: [...(source?.files ?? []), ...others], duplicates: { kind: "allow" }, metadata: { distribution: distribution.distribution.codename } },
      ]);
      committed.push({ target, result });
    } else {
      await commitIncoming(c, ctx, [{ blob: changesBlob, fileName, metadata: {} }]);
    }
  } catch (error) {
    await takeBack(c, committed);
    throw error;
  }
  // The incoming copies are no longer needed (their blobs are shared with the published files).
  const stale = [...matched.values()].map((f) => ({ kind: "remove_file" as const, fileId: f.id }));
  if (stale.length > 0) await registry.commit({ projectId: ctx.project.id, packageType: DEBIAN, name: INCOMING, normalizedName: INCOMING }, stale).catch(() => undefined);
  return c.json({ message: "201 Created" }, 201);
}

/** Undoes the commits of a .changes that failed part way, newest first: a package it created goes, else its new files. */
async function takeBack(c: Context<AppEnv>, committed: Committed[]): Promise<void> {
  for (const { target, result } of [...committed].reverse()) {
    const ops: CommitOp[] = result.createdPackage && result.packageId !== null ? [{ kind: "remove_package", packageId: result.packageId }] : result.fileIds.map((fileId) => ({ kind: "remove_file", fileId }));
    if (ops.length > 0) await c.var.registry.commit(target, ops).catch(() => undefined);
  }
}

/** The .dsc of the upload (at most one) and the files it lists, which must all be in the .changes. */
async function sourceOf(c: Context<AppEnv>, listed: ListedFile[], matched: Map<string, PackageFileRow>, distribution: Distribution) {
  const dscs = listed.filter((f) => f.name.endsWith(".dsc"));
  if (dscs.length === 0) return null;
  if (dscs.length > 1) throw new AppError("bad_request", "400 Bad request - a .changes lists one .dsc at most");
  const dscFile = matched.get(dscs[0]!.name)!;
  if (dscFile.size > DSC_LIMIT) throw new AppError("bad_request", "400 Bad request - .dsc too large");
  const text = new TextDecoder().decode(await c.var.registry.blobSource({ id: dscFile.blobId, size: dscFile.size }).read(0, dscFile.size));
  const dsc = parseDsc(text);
  const component = componentOf(dscs[0]!.section);
  const files: IncomingFile[] = [
    { blob: blobOf(dscFile), fileName: dscFile.fileName, metadata: placeIn(distribution, { component, kind: "dsc", control: dsc.stanza.map(([k, v]) => `${k}: ${v}`).join("\n") }) },
  ];
  for (const f of dsc.files) {
    const file = matched.get(f.name);
    if (!file || file.sha256 !== f.sha256) throw new AppError("bad_request", `400 Bad request - ${f.name} (listed in the .dsc) is not in the .changes`);
    files.push({ blob: blobOf(file), fileName: f.name, metadata: placeIn(distribution, { component, kind: "source" }) });
  }
  return { name: dsc.source, version: dsc.version, files };
}
