// Maven request forwarding (docs/forwarding.md), at project and group level only, as GitLab: a path whose
// package (groupId/artifactId) this level does not have is fetched from the Maven upstream and kept. Files
// are verified against the upstream's `.sha1`; `maven-metadata.xml` is kept for the metadata lifetime.
// GitLab answers a redirect to Maven Central instead.
//
//   GET <prefix>/<g>/<a>/<v>/<file>        local miss → the kept file, or <upstream>/<path>/<file> verified by <file>.sha1
//   GET <prefix>/<g>/<a>/maven-metadata.xml local miss → kept (fresh), or fetched again; the kept one while the upstream fails
//   GET …/<file>.sha1|.md5|.sha256|.sha512  the digest of the kept (or now fetched) file
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { FORWARDED_HEADER, forwarderFor, type CachedFile, type Forwarder } from "../../core/forwarding";
import type { ReadScope } from "../../core/registry";
import { serveBlob } from "../../http/serve-blob";
import { MAVEN } from "./download";
import { contentTypeOf } from "./metadata";
import { parseChecksumBody, type MavenFileRequest } from "./parse";

export async function forwardMavenRead(c: Context<AppEnv>, scope: ReadScope, request: MavenFileRequest): Promise<Response | null> {
  if (scope.level === "instance") return null;
  const forwarder = await forwarderFor(c.var.registry, c.env, scope, MAVEN, request.packageName);
  if (!forwarder) return null;
  const key = `${request.path}/${request.fileName}`;
  const url = `${forwarder.upstream.base}/${key}`;
  if (request.isMetadata) {
    const kept = await forwarder.metadata({ fileName: key, url });
    if (!kept) return null;
    const file = await forwarder.kept(key);
    if (!file) return null;
    return answer(c, request, file, kept.state);
  }
  const result = await forwarder.file(key, url, () => upstreamSha1(forwarder, url));
  return result ? answer(c, request, result.file, result.state) : null;
}

/** The upstream's `.sha1` of a file (Maven Central publishes one for every file). */
async function upstreamSha1(forwarder: Forwarder, url: string): Promise<{ sha1?: string }> {
  const text = await forwarder.fetchText(`${url}.sha1`);
  const sha1 = text === null ? null : parseChecksumBody(text);
  return sha1 && /^[0-9a-f]{40}$/.test(sha1) ? { sha1 } : {};
}

function answer(c: Context<AppEnv>, request: MavenFileRequest, file: CachedFile, state: string): Response | Promise<Response> {
  const headers = { [FORWARDED_HEADER]: state };
  if (request.checksum) {
    return new Response(file[request.checksum], { headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "private, no-cache", ...headers } });
  }
  return serveBlob(c.env.BLOBS, c.req.raw, { ...file, fileName: request.fileName }, { contentType: contentTypeOf(request.fileName), cacheControl: "private, max-age=300", extraHeaders: headers });
}
