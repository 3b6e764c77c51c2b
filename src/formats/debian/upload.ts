// `PUT /projects/:id/packages/debian/<file>[?distribution=&component=]`.
//   .deb/.udeb/.ddeb: the body streams into R2 while a tee'd copy is read only up to the control member;
//     with distribution and component it is published as <Package>/<Version> and indexed at once;
//     without (dput-ng), it waits in the project's `incoming` package for its .changes.
//   .changes: read as text (dput-ng labels it form-urlencoded: never parsed as a form), checked against the
//     incoming files it lists (size and SHA256), which are then published and indexed.
//   anything else (.buildinfo, .dsc, sources): kept with its upload (incoming, or the named distribution's package).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import type { StoredBlobWith } from "../../core/blobs";
import type { ProjectContext } from "../../core/registry";
import { declaredLength, maxUploadBytes, readLimitedText } from "../../http/request-body";
import { binaryControl, field, parseStanza, validCodename, validComponent, type BinaryControl } from "./control";
import { DebError, readDebControl } from "./deb";
import { DEBIAN, DISTRIBUTION_VERSION, distributionPackageName, type IndexEntry } from "./distribution";

export const INCOMING = "incoming";
const CHANGES_LIMIT = 1024 * 1024;
const BINARY = /\.(deb|udeb|ddeb)$/;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+~:-]{0,254}$/;
/** Indexes list MD5sum, SHA1 and SHA256 of every file (GitLab keeps the same three). */
const DIGESTS = ["md5", "sha1"] as const;
type DebianBlob = StoredBlobWith<(typeof DIGESTS)[number]>;

export async function putDebianFile(c: Context<AppEnv>, ctx: ProjectContext, fileName: string): Promise<Response> {
  if (!FILE_NAME.test(fileName)) throw new AppError("bad_request", "400 Bad request - invalid file name");
  const distribution = c.req.query("distribution");
  const component = c.req.query("component");
  if ((distribution === undefined) !== (component === undefined)) throw new AppError("bad_request", "400 Bad request - distribution and component go together");
  if (distribution !== undefined && (!validCodename(distribution) || !validComponent(component!))) throw new AppError("bad_request", "400 Bad request - invalid distribution or component");
  if (distribution !== undefined) await requireDistribution(c, ctx, distribution);
  if (fileName.endsWith(".changes")) {
    if (distribution !== undefined) throw new AppError("bad_request", "400 Bad request - a .changes names its distribution");
    return putChanges(c, ctx, fileName);
  }

  if (BINARY.test(fileName)) {
    const { blob, control } = await storeBinary(c);
    if (distribution === undefined) {
      await commitIncoming(c, ctx, [{ blob, fileName, metadata: { control: control.stanza.map(([k, v]) => `${k}: ${v}`).join("\n") } }]);
    } else {
      await publishBinaries(c, ctx, distribution, [{ blob, fileName, control, component: component! }]);
    }
    return c.json({ message: "201 Created" }, 201);
  }
  const blob = await c.var.registry.putBlob(c.req.raw.body, { contentLength: declaredLength(c), maxBytes: maxUploadBytes(c), digests: DIGESTS });
  await commitIncoming(c, ctx, [{ blob, fileName, metadata: distribution ? { distribution, component } : {} }]);
  return c.json({ message: "201 Created" }, 201);
}

async function requireDistribution(c: Context<AppEnv>, ctx: ProjectContext, codename: string): Promise<void> {
  const rows = await c.var.registry.versions([ctx], DEBIAN, distributionPackageName(codename), { statuses: ["hidden"] });
  if (rows.length === 0) throw new AppError("not_found", "404 Distribution Not Found");
}

/** The body into R2 and, from a tee'd copy, the control file; a package without valid control is refused. */
async function storeBinary(c: Context<AppEnv>): Promise<{ blob: DebianBlob; control: BinaryControl }> {
  const body = c.req.raw.body;
  if (!body) throw new AppError("bad_request", "400 Bad request - empty body");
  const [toStore, toRead] = body.tee();
  const registry = c.var.registry;
  const [stored, read] = await Promise.allSettled([
    registry.putBlob(toStore, { contentLength: declaredLength(c), maxBytes: maxUploadBytes(c), digests: DIGESTS }),
    readDebControl(toRead).then(binaryControl),
  ]);
  if (stored.status === "rejected") throw stored.reason;
  if (read.status === "rejected") {
    await registry.discardBlob(stored.value);
    const reason = read.reason as Error;
    throw new AppError("bad_request", `400 Bad request - ${reason instanceof DebError ? reason.message : `invalid control file: ${reason.message}`}`);
  }
  return { blob: stored.value, control: read.value };
}

interface IncomingFile {
  blob: DebianBlob;
  fileName: string;
  metadata: Record<string, unknown>;
}

async function commitIncoming(c: Context<AppEnv>, ctx: ProjectContext, files: IncomingFile[]): Promise<void> {
  await c.var.registry.commit({ projectId: ctx.project.id, packageType: DEBIAN, name: INCOMING, normalizedName: INCOMING }, [
    { kind: "publish", version: "", files, duplicates: { kind: "allow" }, status: "processing" },
  ]);
}

interface Binary {
  blob: DebianBlob;
  fileName: string;
  control: BinaryControl;
  component: string;
}

/** Each binary as its package's file, then every entry into the distribution's index in one commit. */
async function publishBinaries(c: Context<AppEnv>, ctx: ProjectContext, codename: string, binaries: Binary[]): Promise<void> {
  const registry = c.var.registry;
  for (const b of binaries) {
    await registry.commit({ projectId: ctx.project.id, packageType: DEBIAN, name: b.control.package, normalizedName: b.control.package }, [
      {
        kind: "publish",
        version: b.control.version,
        files: [{ blob: b.blob, fileName: b.fileName, metadata: { distribution: codename, component: b.component, architecture: b.control.architecture } }],
        duplicates: { kind: "allow" },
        metadata: { distribution: codename },
      },
    ]);
  }
  const entries: IndexEntry[] = binaries.map((b) => ({
    package: b.control.package,
    version: b.control.version,
    architecture: b.control.architecture,
    component: b.component,
    fileName: b.fileName,
    size: b.blob.size,
    md5: b.blob.md5,
    sha1: b.blob.sha1,
    sha256: b.blob.sha256,
    control: b.control.stanza.map(([k, v]) => `${k}: ${v}`).join("\n"),
  }));
  const name = distributionPackageName(codename);
  await registry.commit({ projectId: ctx.project.id, packageType: DEBIAN, name, normalizedName: name }, [
    { kind: "plan", planner: "debian.index", input: { entries, now: new Date().toISOString() } },
  ]);
}

interface ChangesFile {
  name: string;
  size: number;
  sha256: string;
  section: string;
}

/** A .changes file: its distribution, and the files it lists with their SHA256 (Checksums-Sha256) and Section (Files). */
export function parseChanges(text: string): { distribution: string; files: ChangesFile[] } {
  const body = text.includes("-----BEGIN PGP SIGNED MESSAGE-----") ? text.split(/\n\n/).slice(1).join("\n\n").split("-----BEGIN PGP SIGNATURE-----")[0]! : text;
  const stanza = parseStanza(body);
  const distribution = field(stanza, "Distribution")?.split(/\s+/)[0];
  if (!distribution || !validCodename(distribution)) throw new AppError("bad_request", "400 Bad request - .changes has no valid Distribution");
  const sections = new Map<string, string>();
  for (const line of (field(stanza, "Files") ?? "").split("\n").slice(1)) {
    const [, , section, , name] = line.trim().split(/\s+/);
    if (name && section) sections.set(name, section);
  }
  const files: ChangesFile[] = [];
  for (const line of (field(stanza, "Checksums-Sha256") ?? "").split("\n").slice(1)) {
    const [sha256, size, name] = line.trim().split(/\s+/);
    if (!sha256 || !size || !name) continue;
    if (!/^[0-9a-f]{64}$/.test(sha256) || !/^\d+$/.test(size) || !FILE_NAME.test(name)) throw new AppError("bad_request", "400 Bad request - malformed Checksums-Sha256");
    files.push({ name, size: Number(size), sha256, section: sections.get(name) ?? "main" });
  }
  if (files.length === 0) throw new AppError("bad_request", "400 Bad request - .changes lists no files");
  return { distribution, files };
}

/** Component from a Section: `contrib/net` → contrib; a plain section is in main. */
const componentOf = (section: string) => (section.includes("/") ? section.split("/")[0]! : "main");

async function putChanges(c: Context<AppEnv>, ctx: ProjectContext, fileName: string): Promise<Response> {
  const text = await readLimitedText(c, CHANGES_LIMIT);
  const changes = parseChanges(text);
  await requireDistribution(c, ctx, changes.distribution);
  const registry = c.var.registry;
  const incoming = await registry.versions([ctx], DEBIAN, INCOMING, { statuses: ["processing"] });
  const files = incoming.flatMap((r) => r.files).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const binaries: Binary[] = [];
  const others: IncomingFile[] = [];
  for (const listed of changes.files) {
    const file = files.find((f) => f.fileName === listed.name && f.sha256 === listed.sha256);
    if (!file) throw new AppError("bad_request", `400 Bad request - ${listed.name} is missing or its SHA256 does not match`);
    if (file.size !== listed.size) throw new AppError("bad_request", `400 Bad request - ${listed.name} size does not match`);
    if (file.md5 === null || file.sha1 === null) throw new AppError("internal", `500 Internal Server Error - ${listed.name} was stored without its MD5 or SHA1`);
    const blob: DebianBlob = { id: file.blobId, size: file.size, md5: file.md5, sha1: file.sha1, sha256: file.sha256, sha512: file.sha512 };
    if (BINARY.test(listed.name)) {
      const control = binaryControl(String((file.metadata as { control?: string }).control ?? ""));
      binaries.push({ blob, fileName: listed.name, control, component: componentOf(listed.section) });
    } else {
      others.push({ blob, fileName: listed.name, metadata: { distribution: changes.distribution } });
    }
  }
  const changesBlob = await registry.putBlob(new Blob([text]).stream(), { contentLength: new TextEncoder().encode(text).byteLength, maxBytes: CHANGES_LIMIT, digests: DIGESTS });
  await publishBinaries(c, ctx, changes.distribution, binaries);
  // The .changes and its other files (.buildinfo, sources) stay with the first binary's package.
  const owner = binaries[0]?.control;
  if (owner) {
    await registry.commit({ projectId: ctx.project.id, packageType: DEBIAN, name: owner.package, normalizedName: owner.package }, [
      { kind: "publish", version: owner.version, files: [...others, { blob: changesBlob, fileName, metadata: { distribution: changes.distribution } }], duplicates: { kind: "allow" } },
    ]);
  } else {
    await commitIncoming(c, ctx, [{ blob: changesBlob, fileName, metadata: { distribution: changes.distribution } }]);
  }
  // The incoming copies are no longer needed (their blobs are shared with the published files).
  const done = new Set(changes.files.map((f) => f.name));
  const stale = files.filter((f) => done.has(f.fileName)).map((f) => ({ kind: "remove_file" as const, fileId: f.id }));
  if (stale.length > 0) await registry.commit({ projectId: ctx.project.id, packageType: DEBIAN, name: INCOMING, normalizedName: INCOMING }, stale).catch(() => undefined);
  return c.json({ message: "201 Created" }, 201);
}

export { DISTRIBUTION_VERSION };
