// PUT of one Generic package file: the raw body streams into R2 through putBlob (one put when the
// length is known, R2 multipart when it is chunked), then one coordinator commit.
// Spec: gitlab-spec.md §5; GitLab lib/api/generic_packages.rb `put`.
//
// curl --upload-file f.bin -H "PRIVATE-TOKEN: …" …/projects/:id/packages/generic/:name/:version/f.bin[?status=hidden][&select=package_file]
//   → (Expect: 100-continue) → PUT with the body → 201 {"message":"201 Created"} | the package_file record
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { putBlob } from "../../core/blobs";
import { createDb } from "../../db/client";
import { authorizeProject } from "../../core/tenancy";
import { declaredLength, maxUploadBytes } from "../../http/request-body";
import { parseSelect, parseStatus, type GenericCoordinates } from "./parse";
import { publishGenericFile } from "./publish";

export async function uploadFile(c: Context<AppEnv>, coordinates: GenericCoordinates): Promise<Response> {
  const status = parseStatus(c.req.query("status"));
  const select = parseSelect(c.req.query("select"));
  // Authorise (and check the declared length) before a byte of the body is read.
  const ctx = await authorizeProject(createDb(c.env.DB), c.get("actor"), c.req.param("id")!, "create_package");
  const contentLength = declaredLength(c);
  const blob = await putBlob(c.env, c.req.raw.body, { contentLength, maxBytes: maxUploadBytes(c), contentType: "application/octet-stream" });
  return publishGenericFile(c, { ctx, coordinates, blob, status, select });
}
