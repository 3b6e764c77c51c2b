// Answers the GOPROXY reads inside a read scope: `@v/list`, `.info` and `@latest` built from the stored
// versions, `.zip` streamed from the blob store and `.mod` from the zip's go.mod range. A module or version the scope does not hold
// is a 404, so the go command tries the next proxy (it stops on any other status).
// Spec: https://go.dev/ref/mod#goproxy-protocol
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { missIn, newestFile, type ReadScope } from "../../core/registry";
import { withEdgeCache } from "../../http/edge-cache";
import { serveBlob } from "../../http/serve-blob";
import { latestVersion, versionInfo, versionList } from "./metadata";
import { serveGoMod } from "./mod-file";
import type { GoRequest } from "./parse";

export const GOLANG = "golang";
const FILE_CACHE_CONTROL = "public, max-age=300";
const METADATA_CACHE_CONTROL = "public, max-age=0, must-revalidate";

/** The one stored file of a version, named as GitLab names it (GitLab also stores `<version>.mod`; here it comes from the zip). */
export const zipFileName = (version: string) => `${version}.zip`;

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
        const zip = rows.map((row) => newestFile(row.files, zipFileName(request.version))).find((f) => f !== undefined);
        if (!zip) throw missIn(scope, "Module file");
        if (request.kind === "mod") return serveGoMod(c, zip, request.modulePath, request.version, FILE_CACHE_CONTROL);
        return serveBlob(c.env.BLOBS, c.req.raw, zip, { contentType: "application/zip", cacheControl: FILE_CACHE_CONTROL });
      }
    }
  });
}

function text(body: string, contentType: string): Response {
  return new Response(body, { status: 200, headers: { "Content-Type": contentType, "Cache-Control": METADATA_CACHE_CONTROL } });
}
