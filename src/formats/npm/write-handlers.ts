// npm writes: publish (project level), deprecate, unpublish (one version or all), dist-tag add/rm. Each
// handler starts with the project its route's access resolved (before any byte of the body is read) and
// makes exactly one coordinator commit; multi-step changes are decided inside it by npm's planners.
// Spec: ../shared/reference/gitlab-spec.md §1 (publish, dist-tags, deprecate), §0.3 (duplicates), §15 (Maintainer deletes).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import type { StoredBlob } from "../../core/blobs";
import { AppError } from "../../core/errors";
import type { ProjectContext } from "../../core/registry";
import { projectOf } from "../../http/access";
import { declaredLength, maxUploadBytes, readLimitedJson, readLimitedText } from "../../http/request-body";
import { mayDeprecate, type NpmRequest } from "./access";
import { packumentClaims } from "./metadata";
import { commitTarget } from "./package";
import { isObject, isValidTag, NpmParseError, parseDistTagBody, parsePublishDocument, type NpmEndpoint, type PublishRequest } from "./parse";
import { PLANNERS } from "./planners";
import { receivePublishBody } from "./publish-body";
import { versionFromFileName } from "./read-handlers";

type Endpoint<K extends NpmEndpoint["kind"]> = NpmRequest<Extract<NpmEndpoint, { kind: K }>>;

const OK = { ok: true };
const MAX_PACKUMENT_BYTES = 8 * 1024 * 1024;

const badRequest = (error: unknown) => (error instanceof NpmParseError ? new AppError("bad_request", `400 Bad request - ${error.message}`) : error);

/**
 * PUT <project prefix>/@scope%2fname
 * npm publish: GET packument ×2 (404 for a new package) → PUT JSON `{name, versions:{v:{…, dist}}, dist-tags,
 * _attachments:{"<name>-<v>.tgz":{data:<base64>}}}`. npm deprecate: GET ?write=true → PUT the packument
 * back with `versions[v].deprecated` set and no attachments.
 */
export async function putPackument(c: Context<AppEnv>, { level, endpoint: { name } }: Endpoint<"packument">): Promise<Response> {
  const ctx = projectOf(c);
  const registry = c.var.registry;
  if (level.kind !== "project") {
    const body = await readLimitedJson(c, MAX_PACKUMENT_BYTES);
    if (isObject(body) && isObject(body._attachments) && Object.keys(body._attachments).length > 0) {
      throw new AppError("not_found", "404 Not Found - npm packages are published at the project level");
    }
    return deprecate(c, ctx, name, body);
  }
  declaredLength(c); // 413 before any byte is read
  const received = await receivePublishBody(registry, c.req.raw.body, maxUploadBytes(c));
  if (!received.blob) {
    if (!mayDeprecate(c, ctx)) throw new AppError("forbidden", "403 Forbidden - deprecating needs the Maintainer role");
    return deprecate(c, ctx, name, received.document);
  }
  return publish(c, ctx, name, received.document, received.blob);
}

async function publish(c: Context<AppEnv>, ctx: ProjectContext, name: string, document: unknown, blob: StoredBlob): Promise<Response> {
  const registry = c.var.registry;
  let request: PublishRequest;
  try {
    request = parsePublishDocument(document, name);
    if (request.declaredSha1 && request.declaredSha1 !== blob.sha1) {
      throw new AppError("digest_mismatch", `400 Bad request - dist.shasum ${request.declaredSha1} does not match the tarball (sha1 ${blob.sha1})`);
    }
    if (request.declaredSha512 && request.declaredSha512 !== blob.sha512) {
      throw new AppError("digest_mismatch", "400 Bad request - dist.integrity does not match the tarball (sha512)");
    }
  } catch (error) {
    await registry.discardBlob(blob);
    throw badRequest(error);
  }
  // A refused commit (the version exists here or in another project of the top-level namespace) discards the blob itself.
  await registry.commit(commitTarget(ctx, name), [
    {
      kind: "publish",
      version: request.version,
      files: [{ blob, fileName: `${name}-${request.version}.tgz` }],
      duplicates: { kind: "reject_version" },
      uniqueInRootNamespace: true,
      metadata: request.manifest,
      tags: [request.tag],
    },
  ]);
  return c.json(OK, 200);
}

/** `versions[v].deprecated` changes (status `deprecated` with the message, `default` for ""), all in one commit. */
async function deprecate(c: Context<AppEnv>, ctx: ProjectContext, name: string, document: unknown): Promise<Response> {
  await c.var.registry.commit(commitTarget(ctx, name), [{ kind: "plan", planner: PLANNERS.deprecate, input: packumentClaims(document) }]);
  return c.json(OK, 200);
}

/**
 * PUT <prefix>/@scope%2fname/-rev/<rev> (npm unpublish pkg@ver, when other versions remain):
 * GET ?write=true → PUT the packument without the version → GET ?write=true → DELETE the tarball /-rev/<rev>.
 * Tag moves, tag removals, version removals and deprecations the body implies land in one commit.
 */
export async function putPackumentRevision(c: Context<AppEnv>, { endpoint: { name } }: Endpoint<"package_rev">): Promise<Response> {
  const ctx = projectOf(c);
  const body = await readLimitedJson(c, MAX_PACKUMENT_BYTES);
  await c.var.registry.commit(commitTarget(ctx, name), [{ kind: "plan", planner: PLANNERS.packumentUpdate, input: packumentClaims(body) }]);
  return c.json(OK, 200);
}

/** DELETE <prefix>/@scope%2fname/-rev/<rev> (npm unpublish pkg --force, or of the only version): every version goes. */
export async function deletePackage(c: Context<AppEnv>, { endpoint: { name } }: Endpoint<"package_rev">): Promise<Response> {
  await c.var.registry.commit(commitTarget(projectOf(c), name), [{ kind: "remove_all_versions" }]);
  return c.json(OK, 200);
}

/** DELETE <prefix>/@scope/name/-/@scope/name-1.0.0.tgz/-rev/<rev>: the last step of npm unpublish pkg@ver. */
export async function deleteTarball(c: Context<AppEnv>, { endpoint: { name, fileName } }: Endpoint<"tarball_rev">): Promise<Response> {
  const version = versionFromFileName(name, fileName);
  await c.var.registry.commit(commitTarget(projectOf(c), name), [{ kind: "plan", planner: PLANNERS.removeTarball, input: { version } }]);
  return c.json(OK, 200);
}

/** PUT <prefix>/-/package/@scope%2fname/dist-tags/<tag> with body `"1.0.0"` (npm dist-tag add): 204. */
export async function putDistTag(c: Context<AppEnv>, { endpoint: { name, tag } }: Endpoint<"dist_tag">): Promise<Response> {
  if (!isValidTag(tag)) throw new AppError("bad_request", `400 Bad request - invalid dist-tag ${JSON.stringify(tag)}`);
  let version: string;
  try {
    version = parseDistTagBody(await readLimitedText(c, 1024));
  } catch (error) {
    throw badRequest(error);
  }
  await c.var.registry.commit(commitTarget(projectOf(c), name), [{ kind: "set_tag", tag, version }]);
  return c.body(null, 204);
}

/** DELETE <prefix>/-/package/@scope%2fname/dist-tags/<tag> (npm dist-tag rm): 204; Maintainer, as GitLab. */
export async function deleteDistTag(c: Context<AppEnv>, { endpoint: { name, tag } }: Endpoint<"dist_tag">): Promise<Response> {
  await c.var.registry.commit(commitTarget(projectOf(c), name), [{ kind: "plan", planner: PLANNERS.removeDistTag, input: { tag } }]);
  return c.body(null, 204);
}
