// Answers the GOPROXY reads inside a read scope: `@v/list`, `.info` and `@latest` built from the stored
// versions, `.mod` and `.zip` streamed from the blob store. A module or version the scope does not hold
// is a 404, so the go command tries the next proxy (it stops on any other status).
// Spec: https://go.dev/ref/mod#goproxy-protocol
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { missIn, newestFile, type ReadScope } from "../../core/registry";
import { withEdgeCache } from "../../http/edge-cache";
import { serveBlob } from "../../http/serve-blob";
import { latestVersion, versionInfo, versionList } from "./metadata";
import type { GoRequest } from "./parse";

export const GOLANG = "golang";
const FILE_CACHE_CONTROL = "public, max-age=300";
const METADATA_CACHE_CONTROL = "public, max-age=0, must-revalidate";

/** The stored file names of a version, as GitLab names them. */
export const zipFileName = (version: string) => `${version}.zip`;
export const modFileName = (version: string) => `${version}.mod`;

export function serveGoRead(c: Context<AppEnv>, scope: ReadScope, request: GoRequest): Promise<Response> {
  return withEdgeCache(c, scope.cache, async () => {
    const registry = c.var.registry;
    const version = "version" in request ? request.version : undefined;
    const rows = await registry.versions(scope, GOLANG, request.modulePath, version === undefined ? {} : { version });
    if (rows.length === 0) throw missIn(scope, "Module");
    switch (request.kind) {
      case "list":
        return text(versionList(rows), "text/plain; charset=utf-8");
      case "latest": {
        const latest = latestVersion(rows);
        if (!latest) throw missIn(scope, "Module");
        return text(versionInfo(latest), "application/json");
      }
      case "info":
        return text(versionInfo(rows[0]!), "application/json");
      case "mod":
      case "zip": {
        const fileName = request.kind === "zip" ? zipFileName(request.version) : modFileName(request.version);
        const file = rows.map((row) => newestFile(row.files, fileName)).find((f) => f !== undefined);
        if (!file) throw missIn(scope, "Module file");
        const contentType = request.kind === "zip" ? "application/zip" : "text/plain; charset=utf-8";
        return serveBlob(c.env.BLOBS, c.req.raw, file, { contentType, cacheControl: FILE_CACHE_CONTROL });
      }
    }
  });
}

function text(body: string, contentType: string): Response {
  return new Response(body, { status: 200, headers: { "Content-Type": contentType, "Cache-Control": METADATA_CACHE_CONTROL } });
}
