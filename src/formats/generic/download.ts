// GET and HEAD of one Generic package file (Range and If-None-Match through serveBlob). The newest
// file of that name in the version is served; hidden packages stay downloadable, as in GitLab.
// Anonymous pulls of public registries go through the edge cache (the read scope's caching rule).
// Spec: gitlab-spec.md §5; GitLab lib/api/generic_packages.rb `get` (PackageFinder has no status filter).
//
// curl -H "PRIVATE-TOKEN: …" -o f.bin …/projects/:id/packages/generic/:name/:version/f.bin → 200 octet-stream
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { DOWNLOADABLE_STATUSES, missIn, newestFile, type ReadScope } from "../../core/registry";
import { serveBlob } from "../../http/serve-blob";
import { withEdgeCache } from "../../http/edge-cache";
import type { GenericCoordinates } from "./parse";
import { PACKAGE_TYPE } from "./publish";


export async function downloadFile(c: Context<AppEnv>, scope: ReadScope, coordinates: GenericCoordinates): Promise<Response> {
  // A ranged answer differs from the whole file: the range is part of the cache key.
  return withEdgeCache(c, scope.cache, async () => {
    const [pkg] = await c.var.registry.versions(scope, PACKAGE_TYPE, coordinates.name, { version: coordinates.version, statuses: DOWNLOADABLE_STATUSES });
    if (!pkg) throw missIn(scope);
    const file = newestFile(pkg.files, coordinates.fileName);
    if (!file) throw missIn(scope, "Package file");
    return serveBlob(c.env.BLOBS, c.req.raw, { ...file, fileName: coordinates.baseName }, { contentType: "application/octet-stream" });
  });
}
