// `PUT /projects/:id/packages/debian/<file>[?distribution=&component=]`.
//   .deb/.udeb/.ddeb: the body streams into R2 while a tee'd copy is read only up to the control member;
//     with distribution and component it is published as <Package>/<Version> at once (and so indexed);
//     without (dput-ng), it waits in the project's `incoming` package for its .changes.
//   .changes: see changes.ts.
//   anything else (.buildinfo, .dsc, source tarballs): waits in `incoming` for the .changes that lists it;
//     with ?distribution= it is refused (400) before the body is read, as GitLab.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import type { StoredBlobWith } from "../../core/blobs";
import type { ProjectContext } from "../../core/registry";
import type { CommitSuccess } from "../../core/publish/client";
import type { CommitTarget } from "../../core/publish/types";
import { declaredLength, maxUploadBytes } from "../../http/request-body";
import { binaryControl, validCodename, validComponent, type BinaryControl } from "./control";
import { DebError, readDebControl } from "./deb";
import { putChanges } from "./changes";
import { findDistribution, projectStore } from "./distributions";
import { DEBIAN, type Distribution, type DebianFileMetadata, type FileKind } from "./distribution";

export const INCOMING = "incoming";
/** Files in `incoming` that no .changes claimed are removed after this (GitLab: 3 hours). */
export const INCOMING_EXPIRES_SECONDS = 3 * 3600;
export const BINARY = /\.(deb|udeb|ddeb)$/;
const DIRECT_UPLOAD_ONLY = "400 Bad request - file_name Only debs, udebs and ddebs can be directly added to a distribution";
export const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+~:-]{0,254}$/;
/** Indexes list MD5sum, SHA1 and SHA256 of every file (GitLab keeps the same three). */
export const DIGESTS = ["md5", "sha1"] as const;
export type DebianBlob = StoredBlobWith<(typeof DIGESTS)[number]>;

export async function putDebianFile(c: Context<AppEnv>, ctx: ProjectContext, fileName: string): Promise<Response> {
  if (!FILE_NAME.test(fileName)) throw new AppError("bad_request", "400 Bad request - invalid file name");
  const codename = c.req.query("distribution");
  const component = c.req.query("component");
  if ((codename === undefined) !== (component === undefined)) throw new AppError("bad_request", "400 Bad request - distribution and component go together");
  if (codename !== undefined && (!validCodename(codename) || !validComponent(component!))) throw new AppError("bad_request", "400 Bad request - invalid distribution or component");
  // GitLab validates this before anything else (debian_direct_upload_filename_regex): with a distribution,
  // only .deb, .udeb and .ddeb; a .dsc, its sources, a .buildinfo or a .changes go through dput's .changes.
  if (codename !== undefined && !BINARY.test(fileName)) throw new AppError("bad_request", DIRECT_UPLOAD_ONLY);
  const distribution = codename === undefined ? null : await findDistribution(projectStore(c, ctx), codename);
  if (fileName.endsWith(".changes")) return putChanges(c, ctx, fileName);

  if (BINARY.test(fileName)) {
    const { blob, control } = await storeBinary(c);
    if (!distribution) {
      await commitIncoming(c, ctx, [{ blob, fileName, metadata: { control: stanzaText(control) } }]);
    } else {
      await publishBinaries(c, ctx, distribution, [{ blob, fileName, control, component: component! }]);
    }
    return c.json({ message: "201 Created" }, 201);
  }
  const blob = await c.var.registry.putBlob(c.req.raw.body, { contentLength: declaredLength(c), maxBytes: maxUploadBytes(c), digests: DIGESTS });
  await commitIncoming(c, ctx, [{ blob, fileName, metadata: {} }]);
  return c.json({ message: "201 Created" }, 201);
}

export const stanzaText = (control: BinaryControl) => control.stanza.map(([k, v]) => `${k}: ${v}`).join("\n");

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

export interface IncomingFile {
  blob: DebianBlob;
  fileName: string;
  metadata: Record<string, unknown>;
}

export async function commitIncoming(c: Context<AppEnv>, ctx: ProjectContext, files: IncomingFile[]): Promise<void> {
  await c.var.registry.commit({ projectId: ctx.project.id, packageType: DEBIAN, name: INCOMING, normalizedName: INCOMING }, [
    { kind: "publish", version: "", files, duplicates: { kind: "allow" }, status: "processing" },
  ]);
}

export interface Binary {
  blob: DebianBlob;
  fileName: string;
  control: BinaryControl;
  component: string;
}

export const kindOf = (fileName: string): FileKind => (fileName.endsWith(".udeb") ? "udeb" : fileName.endsWith(".ddeb") ? "ddeb" : "deb");

export function placeIn(distribution: Distribution, rest: Omit<DebianFileMetadata, "distribution" | "distribution_id">): Record<string, unknown> {
  const metadata: DebianFileMetadata = { distribution: distribution.distribution.codename, distribution_id: distribution.id, ...rest };
  return metadata as unknown as Record<string, unknown>;
}

/** A commit a multi-package upload made (so it can be taken back when a later one fails). */
export interface Committed {
  target: CommitTarget;
  result: CommitSuccess;
}

/** Each binary as its package's file, its place in the distribution in the file's metadata; each commit is added to `committed`. */
export async function publishBinaries(c: Context<AppEnv>, ctx: ProjectContext, distribution: Distribution, binaries: Binary[], committed: Committed[] = []): Promise<void> {
  const registry = c.var.registry;
  for (const b of binaries) {
    const metadata = placeIn(distribution, { component: b.component, architecture: b.control.architecture, kind: kindOf(b.fileName), control: stanzaText(b.control) });
    const target = { projectId: ctx.project.id, packageType: DEBIAN, name: b.control.package, normalizedName: b.control.package };
    const result = await registry.commit(target, [
      {
        kind: "publish",
        version: b.control.version,
        files: [{ blob: b.blob, fileName: b.fileName, metadata }],
        duplicates: { kind: "allow" },
        metadata: { distribution: distribution.distribution.codename },
      },
    ]);
    committed.push({ target, result });
  }
}
