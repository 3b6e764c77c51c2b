// The chunked, resumable upload API for Generic files larger than one request body (src/core/chunked-uploads.ts
// does the work; this file maps paths and answers JSON). The route has authorised create_package already.
//
// scripts/upload-large.mjs (or curl, docs/formats/generic.md):
//   POST   …/generic/:name/:version/<file>/uploads {"size","sha256","part_size"?,"status"?} → 201 session
//   PUT    …/<file>/uploads/<id>/parts/<n>   (exactly part_size bytes; the last part the rest) → 200 part; retryable
//   GET    …/<file>/uploads/<id>             → session with missing_parts (resume)
//   POST   …/<file>/uploads/<id>/complete    → whole-file sha256 verified → 201 {"message":"201 Created"}
//   DELETE …/<file>/uploads/<id>             → 204 (abort)
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import type { ProjectContext } from "../../core/registry";
import { abortUpload, completeUpload, getUpload, putPart, startUpload, type UploadSession } from "../../core/chunked-uploads";
import { declaredLength, maxUploadBytes, readLimitedJson } from "../../http/request-body";
import { parseSelect, parseUploadStart, type GenericCoordinates, type GenericRequest } from "./parse";
import { uploadSessionJson } from "./metadata";
import { downloadPath, GENERIC_DIGESTS, PACKAGE_TYPE, publishGenericFile } from "./publish";

export type UploadRequest = Exclude<GenericRequest, { kind: "file" }>;

export async function handleChunked(c: Context<AppEnv>, ctx: ProjectContext, request: UploadRequest): Promise<Response> {
  const { coordinates } = request;
  if (request.kind === "upload_start") return start(c, ctx, coordinates);
  const session = await sessionFor(c, ctx, coordinates, request.uploadId);
  switch (request.kind) {
    case "upload":
      if (c.req.method === "DELETE") {
        await abortUpload(c.env, session);
        return c.body(null, 204);
      }
      return c.json(describe(c, ctx, coordinates, session));
    case "upload_part": {
      const part = await putPart(c.env, session, request.partNumber, c.req.raw.body, declaredLength(c));
      return c.json({ part_number: part.partNumber, size: part.size, etag: part.etag });
    }
    case "upload_complete": {
      const select = parseSelect(c.req.query("select"));
      const status = session.target.status as "default" | "hidden" | undefined;
      return completeUpload(c.env, session, GENERIC_DIGESTS, (blob) => publishGenericFile(c, { ctx, coordinates, blob, status, select }));
    }
  }
}

async function start(c: Context<AppEnv>, ctx: ProjectContext, coordinates: GenericCoordinates): Promise<Response> {
  const body = parseUploadStart(await readLimitedJson(c, 16 * 1024), c.req.query("status"));
  const session = await startUpload(c.env, {
    projectId: ctx.project.id,
    totalSize: body.size,
    sha256: body.sha256,
    partSize: body.partSize,
    maxBytes: maxUploadBytes(c),
    target: { format: PACKAGE_TYPE, name: coordinates.name, version: coordinates.version, fileName: coordinates.fileName, ...(body.status ? { status: body.status } : {}) },
    actor: c.var.registry.actor,
  });
  const json = describe(c, ctx, coordinates, session);
  return c.json(json, 201, { Location: json.upload_url });
}

/** The session must belong to this project and to this very file. */
async function sessionFor(c: Context<AppEnv>, ctx: ProjectContext, coordinates: GenericCoordinates, id: string): Promise<UploadSession> {
  const session = await getUpload(c.env, ctx.project.id, id);
  const target = session.target;
  if (target.format !== PACKAGE_TYPE || target.name !== coordinates.name || target.version !== coordinates.version || target.fileName !== coordinates.fileName) {
    throw new AppError("not_found", "404 Upload Not Found");
  }
  return session;
}

function describe(c: Context<AppEnv>, ctx: ProjectContext, coordinates: GenericCoordinates, session: UploadSession) {
  const uploadPath = `${new URL(c.req.url).origin}${downloadPath(ctx.project.id, coordinates)}/uploads/${session.id}`;
  return uploadSessionJson(session, uploadPath, Number(c.env.BLOB_GRACE_SECONDS) || 86400);
}
