// PUT of one Generic package file: the raw body streams into R2 through the registry's putBlob (one put
// when the length is known, R2 multipart when it is chunked), then one coordinator commit.
// Spec: gitlab-spec.md §5; GitLab lib/api/generic_packages.rb `put`.
//
// curl --upload-file f.bin -H "PRIVATE-TOKEN: …" …/projects/:id/packages/generic/:name/:version/f.bin[?status=hidden][&select=package_file]
//   → (Expect: 100-continue) → PUT with the body → 201 {"message":"201 Created"} | the package_file record
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import type { ProjectContext } from "../../core/registry";
import { declaredLength, maxUploadBytes } from "../../http/request-body";
import { parseSelect, parseStatus, type GenericCoordinates } from "./parse";
import { GENERIC_DIGESTS, publishGenericFile } from "./publish";

/** `?status=` and `?select=` of a PUT; judged before access (routes.ts), as Grape validates before authorising. */
export function parseUploadQuery(c: Context<AppEnv>) {
  return { status: parseStatus(c.req.query("status")), select: parseSelect(c.req.query("select")) };
}

/** Access was decided by the route before a byte of the body is read. */
export async function uploadFile(c: Context<AppEnv>, ctx: ProjectContext, coordinates: GenericCoordinates): Promise<Response> {
  const { status, select } = parseUploadQuery(c);
  const blob = await c.var.registry.putBlob(c.req.raw.body, { contentLength: declaredLength(c), maxBytes: maxUploadBytes(c), contentType: "application/octet-stream", digests: GENERIC_DIGESTS });
  return publishGenericFile(c, { ctx, coordinates, blob, status, select });
}
