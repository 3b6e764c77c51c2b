// The module registry protocol under /api/v4/packages/terraform/modules/v1/:namespace/:name/:system, read in
// the top-level namespace: every project of it the caller may read (GitLab's GroupPackagesFinder over the
// namespace and its subgroups, "allow anyone to pull" projects included).
// Spec: https://developer.hashicorp.com/terraform/internals/module-registry-protocol; gitlab-spec.md §12;
// GitLab lib/api/terraform/modules/v1/namespace_packages.rb.
//
// terraform init with `source = "HOST/acme/hello/local"`, `version = "~> 1.0"` and a credentials block for HOST:
//   GET /.well-known/terraform.json                         → {"modules.v1": "/api/v4/packages/terraform/modules/v1/"}
//   GET …/v1/acme/hello/local/versions    (Bearer)          → {"modules":[{"versions":[{"version":"1.0.0",…}]}]}
//   GET …/v1/acme/hello/local/1.0.0/download (Bearer)       → 204, X-Terraform-Get: …/1.0.0/file?token=…&archive=tgz
//   HEAD, GET …/v1/acme/hello/local/1.0.0/file?token=…      (no Authorization: go-getter) → the .tgz
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import { missIn, type ReadScope } from "../../core/registry";
import { withEdgeCache } from "../../http/edge-cache";
import { DOWNLOAD_TOKEN_SECONDS, signDownloadToken, verifyDownloadToken } from "./download-token";
import { buildVersionDocument, buildVersionsDocument } from "./metadata";
import { archiveOf, jsonDocument, moduleVersion, moduleVersions, serveArchive, sourceOf } from "./modules";
import { latestOf, packageNameOf, type ModuleCoordinates } from "./parse";

export interface NamespaceModule extends ModuleCoordinates {
  /** `:module_namespace` as the client sent it: the top-level group's path (or id). */
  namespace: string;
}

const V1 = "/api/v4/packages/terraform/modules/v1";
const pathOf = (m: NamespaceModule) => `${V1}/${encodeURIComponent(m.namespace)}/${m.name}/${m.system}`;
/** What a download token is made for: the namespace as written in the URL, lowercased (paths are case-insensitive). */
const tokenPathOf = (m: NamespaceModule, version: string) => `${m.namespace.toLowerCase()}/${m.name}/${m.system}/${version}`;

/** GET …/versions: every installable version, highest first. */
export async function listVersions(c: Context<AppEnv>, scope: ReadScope, module: NamespaceModule): Promise<Response> {
  return withEdgeCache(c, scope.cache, async () => {
    const rows = await moduleVersions(c, scope, module);
    // GitLab answers an empty list; terraform then reports "no available releases". A 404 makes it say
    // "module not found", as the public registry does (and a hidden module asks anonymous callers to log in).
    if (rows.length === 0) throw missIn(scope);
    return jsonDocument(buildVersionsDocument(module.system, rows.map((r) => r.version), sourceOf(c, scope, rows[0])));
  });
}

/** GET …/:name/:system (latest) and …/:version: one version's details. */
export async function showVersion(c: Context<AppEnv>, scope: ReadScope, module: NamespaceModule, version?: string): Promise<Response> {
  return withEdgeCache(c, scope.cache, async () => {
    const row = await moduleVersion(c, scope, module, version);
    return jsonDocument(buildVersionDocument(packageNameOf(module), module.system, row.version, sourceOf(c, scope, row)));
  });
}

/** GET …/download: GitLab redirects to the latest version's download (terraform itself always names a version). */
export async function redirectToLatest(c: Context<AppEnv>, scope: ReadScope, module: NamespaceModule): Promise<Response> {
  const latest = latestOf((await moduleVersions(c, scope, module)).map((r) => r.version));
  if (!latest) throw scope.challengeOnMiss ? missIn(scope) : new AppError("not_found", `No version found for ${module.name} module`);
  return new Response(null, { status: 302, headers: { Location: `${pathOf(module)}/${encodeURIComponent(latest)}/download`, "Cache-Control": "private, no-store" } });
}

/**
 * GET …/:version/download: 204 with the archive URL in X-Terraform-Get. terraform fetches it without
 * credentials, so a credentialed caller gets a URL carrying a token for this one file (download-token.ts);
 * an anonymous caller (who may read the module anyway) gets the plain URL, which the edge cache can serve.
 */
export async function locateArchive(c: Context<AppEnv>, scope: ReadScope, module: NamespaceModule, version: string): Promise<Response> {
  const row = await moduleVersion(c, scope, module, version);
  const file = archiveOf(scope, module, row);
  const url = `${pathOf(module)}/${encodeURIComponent(row.version)}/file`;
  const secret = c.env.ADMIN_TOKEN;
  let query = "archive=tgz";
  if (!c.var.registry.isAnonymous && secret) {
    const token = await signDownloadToken(secret, {
      path: tokenPathOf(module, row.version),
      file: { blobId: file.blobId, fileName: file.fileName, size: file.size, sha256: file.sha256, sha1: file.sha1, md5: file.md5 },
      exp: Math.floor(Date.now() / 1000) + DOWNLOAD_TOKEN_SECONDS,
    });
    query = `token=${token}&archive=tgz`;
  }
  return new Response(null, { status: 204, headers: { "X-Terraform-Get": `${url}?${query}`, "Cache-Control": "private, no-store" } });
}

/** GET/HEAD …/:version/file without a token: an ordinary read in the scope (anonymous pulls are edge-cached). */
export async function serveVersionFile(c: Context<AppEnv>, scope: ReadScope, module: NamespaceModule, version: string): Promise<Response> {
  return withEdgeCache(c, scope.cache, async () => {
    const row = await moduleVersion(c, scope, module, version);
    return serveArchive(c, archiveOf(scope, module, row));
  });
}

/** GET/HEAD …/:version/file?token=…: the file the token was signed for, if it is this one and still valid. */
export async function serveTokenFile(c: Context<AppEnv>, module: NamespaceModule, version: string, token: string): Promise<Response> {
  const secret = c.env.ADMIN_TOKEN;
  const verified = secret ? await verifyDownloadToken(secret, token, tokenPathOf(module, version)) : null;
  if (!verified?.ok) throw new AppError("unauthorized", "401 Unauthorized - the download token is invalid, expired or for another file: run terraform init again");
  return serveArchive(c, verified.file, "private, no-store");
}
