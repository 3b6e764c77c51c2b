// GET and HEAD of one Generic package file (Range and If-None-Match through serveBlob). The newest
// file of that name in the version is served; hidden packages stay downloadable, as in GitLab.
// Anonymous pulls of public registries go through the edge cache.
// Spec: gitlab-spec.md §5; GitLab lib/api/generic_packages.rb `get` (PackageFinder has no status filter).
//
// curl -H "PRIVATE-TOKEN: …" -o f.bin …/projects/:id/packages/generic/:name/:version/f.bin → 200 octet-stream
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { createDb } from "../../db/client";
import { authorizeProject } from "../../core/tenancy";
import { getPackageVersions, newestFile } from "../../core/packages";
import { AppError } from "../../core/errors";
import { serveBlob } from "../../http/serve-blob";
import { anonymousMayPull, revisionsOf, withEdgeCache } from "../../http/edge-cache";
import type { PackageStatus } from "../../db/schema";
import type { GenericCoordinates } from "./parse";
import { PACKAGE_TYPE } from "./publish";

/** Statuses whose files can be downloaded by their URL (processing, error and pending_destruction cannot). */
const DOWNLOADABLE: PackageStatus[] = ["default", "hidden", "deprecated"];

export async function downloadFile(c: Context<AppEnv>, coordinates: GenericCoordinates): Promise<Response> {
  const db = createDb(c.env.DB);
  const ctx = await authorizeProject(db, c.get("actor"), c.req.param("id")!, "read_package");
  const scope = { anonymousPullable: anonymousMayPull(ctx.subject), revisions: revisionsOf([ctx.project]), varyOn: ["range"] };
  return withEdgeCache(c, scope, async () => {
    const [pkg] = await getPackageVersions(db, {
      projectIds: [ctx.project.id],
      packageType: PACKAGE_TYPE,
      normalizedName: coordinates.name,
      version: coordinates.version,
      statuses: DOWNLOADABLE,
    });
    if (!pkg) throw new AppError("not_found", "404 Package Not Found");
    const file = newestFile(pkg.files, coordinates.fileName);
    if (!file) throw new AppError("not_found", "404 Package file Not Found");
    return serveBlob(c.env.BLOBS, c.req.raw, { ...file, fileName: coordinates.baseName }, { contentType: "application/octet-stream", attachment: true });
  });
}
