// npm writes: publish (project level), deprecate, unpublish (one version or all), dist-tag add/rm.
// Every write authorises before reading the body and commits through the publish coordinator.
// Spec: ../shared/reference/gitlab-spec.md §1 (publish, dist-tags, deprecate), §15 (Maintainer deletes).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { userOf } from "../../core/auth/actor";
import type { PackageAction } from "../../core/auth/policy";
import { createDb } from "../../db/client";
import { discardBlob, type StoredBlob } from "../../core/blobs";
import { AppError } from "../../core/errors";
import { getTags } from "../../core/packages";
import { commitPackage } from "../../core/publish/client";
import type { BuildInfo, CommitOp } from "../../core/publish/types";
import { allows, authorizeProject, type ProjectContext } from "../../core/tenancy";
import { declaredLength, maxUploadBytes, readLimitedJson, readLimitedText } from "../../http/request-body";
import { deprecationChanges, packumentUpdate } from "./metadata";
import { isObject, isValidTag, NpmParseError, parseDistTagBody, parsePublishDocument } from "./parse";
import { receivePublishBody } from "./publish-body";
import { getNamedPackage, notFoundFor, PACKAGE_TYPE, resolveReadScope, type Level } from "./scope";
import { versionFromFileName } from "./read-handlers";

const OK = { ok: true };

/** The project a write goes to: the project itself, or at group/instance level the one holding the newest version. */
async function authorizeWrite(c: Context<AppEnv>, level: Level, name: string, action: PackageAction): Promise<ProjectContext> {
  const db = createDb(c.env.DB);
  if (level.kind === "project") return authorizeProject(db, c.get("actor"), level.ref, action);
  const scope = await resolveReadScope(c, level, name);
  const pkg = await getNamedPackage(db, scope.projects, name);
  const newest = [...pkg.rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  if (!newest) throw await notFoundFor(c, scope, "Package");
  return authorizeProject(db, c.get("actor"), String(newest.projectId), action);
}

function commit(c: Context<AppEnv>, ctx: ProjectContext, name: string, op: CommitOp) {
  return commitPackage(c.env, { projectId: ctx.project.id, packageType: PACKAGE_TYPE, name, normalizedName: name, op });
}

function buildInfoOf(c: Context<AppEnv>): BuildInfo | null {
  const actor = c.get("actor");
  if (actor.kind !== "job_token") return null;
  return { pipelineId: actor.pipeline.id, ref: actor.pipeline.ref, sha: actor.pipeline.sha, userId: actor.user.id };
}

const badRequest = (error: unknown) => (error instanceof NpmParseError ? new AppError("bad_request", `400 Bad request - ${error.message}`) : error);

/**
 * PUT <project prefix>/@scope%2fname
 * npm publish: GET packument ×2 (404 for a new package) → PUT JSON `{name, versions:{v:{…, dist}}, dist-tags,
 * _attachments:{"<name>-<v>.tgz":{data:<base64>}}}`. npm deprecate: GET ?write=true → PUT the packument
 * back with `versions[v].deprecated` set and no attachments.
 */
export async function putPackument(c: Context<AppEnv>, level: Level, name: string): Promise<Response> {
  if (level.kind !== "project") {
    const ctx = await authorizeWrite(c, level, name, "destroy_package");
    const body = await readLimitedJson(c, 8 * 1024 * 1024);
    if (isObject(body) && isObject(body._attachments) && Object.keys(body._attachments).length > 0) {
      throw new AppError("not_found", "404 Not Found - npm packages are published at the project level");
    }
    return applyDeprecations(c, ctx, name, body);
  }
  const ctx = await authorizeProject(createDb(c.env.DB), c.get("actor"), level.ref, "create_package");
  declaredLength(c); // 413 before any byte is read
  const received = await receivePublishBody(c.env, c.req.raw.body, maxUploadBytes(c));
  if (!received.blob) {
    if (!allows(c.get("actor"), ctx, "destroy_package")) throw new AppError("forbidden", "403 Forbidden - deprecating needs the Maintainer role");
    return applyDeprecations(c, ctx, name, received.document);
  }
  return publish(c, ctx, name, received.document, received.blob);
}

async function publish(c: Context<AppEnv>, ctx: ProjectContext, name: string, document: unknown, blob: StoredBlob): Promise<Response> {
  let handedOver = false; // once the coordinator has the blob it discards it on refusal itself
  try {
    const request = parsePublishDocument(document, name);
    if (request.declaredSha1 && request.declaredSha1 !== blob.sha1) {
      throw new AppError("digest_mismatch", `400 Bad request - dist.shasum ${request.declaredSha1} does not match the tarball (sha1 ${blob.sha1})`);
    }
    if (request.declaredSha512 && request.declaredSha512 !== blob.sha512) {
      throw new AppError("digest_mismatch", "400 Bad request - dist.integrity does not match the tarball (sha512)");
    }
    handedOver = true;
    await commit(c, ctx, name, {
      kind: "publish",
      version: request.version,
      files: [{ blob, fileName: `${name}-${request.version}.tgz` }],
      duplicates: { kind: "reject_version" },
      metadata: request.manifest,
      tags: [request.tag],
      creatorId: userOf(c.get("actor"))?.id ?? null,
      buildInfo: buildInfoOf(c),
    });
    return c.json(OK, 200);
  } catch (error) {
    if (!handedOver) await discardBlob(c.env, blob.id).catch(() => undefined);
    throw badRequest(error);
  }
}

/** Apply `versions[v].deprecated` changes: status `deprecated` with the message, or back to `default` for "". */
async function applyDeprecations(c: Context<AppEnv>, ctx: ProjectContext, name: string, document: unknown): Promise<Response> {
  const pkg = await getNamedPackage(createDb(c.env.DB), [ctx], name);
  if (pkg.versions.length === 0) throw new AppError("not_found", "404 Package Not Found");
  const stored = new Map(pkg.versions.map((v) => [v.version, v.manifest]));
  for (const change of deprecationChanges(document, stored)) {
    await commit(c, ctx, name, {
      kind: "update_version",
      version: change.version,
      status: change.message ? "deprecated" : "default",
      metadataPatch: { deprecated: change.message || null },
    });
  }
  return c.json(OK, 200);
}

/**
 * PUT <prefix>/@scope%2fname/-rev/<rev> (npm unpublish pkg@ver, when other versions remain):
 * GET ?write=true → PUT the packument without the version → GET ?write=true → DELETE the tarball /-rev/<rev>.
 */
export async function putPackumentRevision(c: Context<AppEnv>, level: Level, name: string): Promise<Response> {
  const ctx = await authorizeWrite(c, level, name, "destroy_package");
  const body = await readLimitedJson(c, 8 * 1024 * 1024);
  const db = createDb(c.env.DB);
  const pkg = await getNamedPackage(db, [ctx], name);
  if (pkg.versions.length === 0) throw new AppError("not_found", "404 Package Not Found");
  const update = packumentUpdate(body, pkg.versions.map((v) => v.version), pkg.tags);
  if (update.removeVersions.length === pkg.versions.length) throw new AppError("bad_request", "400 Bad request - use DELETE /-rev/<rev> to remove every version");
  for (const { tag, version } of update.setTags) await commit(c, ctx, name, { kind: "set_tag", tag, version });
  for (const tag of update.removeTags) await commit(c, ctx, name, { kind: "remove_tag", tag });
  for (const version of update.removeVersions) await commit(c, ctx, name, { kind: "remove_version", version });
  return applyDeprecations(c, ctx, name, body);
}

/** DELETE <prefix>/@scope%2fname/-rev/<rev> (npm unpublish pkg --force, or of the only version): every version goes. */
export async function deletePackage(c: Context<AppEnv>, level: Level, name: string): Promise<Response> {
  const ctx = await authorizeWrite(c, level, name, "destroy_package");
  await commit(c, ctx, name, { kind: "remove_all_versions" });
  return c.json(OK, 200);
}

/** DELETE <prefix>/@scope/name/-/@scope/name-1.0.0.tgz/-rev/<rev>: the last step of npm unpublish pkg@ver. */
export async function deleteTarball(c: Context<AppEnv>, level: Level, name: string, fileName: string): Promise<Response> {
  const ctx = await authorizeWrite(c, level, name, "destroy_package");
  const version = versionFromFileName(name, fileName);
  const pkg = await getNamedPackage(createDb(c.env.DB), [ctx], name);
  // npm already removed the version with its PUT: a missing tarball is 404, which npm treats as done.
  if (!version || !pkg.versions.some((v) => v.version === version)) throw new AppError("not_found", "404 Package file Not Found");
  await commit(c, ctx, name, { kind: "remove_version", version });
  return c.json(OK, 200);
}

/** PUT <prefix>/-/package/@scope%2fname/dist-tags/<tag> with body `"1.0.0"` (npm dist-tag add): 204. */
export async function putDistTag(c: Context<AppEnv>, level: Level, name: string, tag: string): Promise<Response> {
  const ctx = await authorizeWrite(c, level, name, "create_package");
  if (!isValidTag(tag)) throw new AppError("bad_request", `400 Bad request - invalid dist-tag ${JSON.stringify(tag)}`);
  let version: string;
  try {
    version = parseDistTagBody(await readLimitedText(c, 1024));
  } catch (error) {
    throw badRequest(error);
  }
  await commit(c, ctx, name, { kind: "set_tag", tag, version });
  return c.body(null, 204);
}

/** DELETE <prefix>/-/package/@scope%2fname/dist-tags/<tag> (npm dist-tag rm): 204; Maintainer, as GitLab. */
export async function deleteDistTag(c: Context<AppEnv>, level: Level, name: string, tag: string): Promise<Response> {
  const ctx = await authorizeWrite(c, level, name, "destroy_package");
  const tags = await getTags(createDb(c.env.DB), ctx.project.id, PACKAGE_TYPE, name);
  if (!tags.has(tag)) throw new AppError("not_found", "404 Package tag Not Found");
  await commit(c, ctx, name, { kind: "remove_tag", tag });
  return c.body(null, 204);
}
