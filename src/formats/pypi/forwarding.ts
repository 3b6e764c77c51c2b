// PyPI request forwarding (docs/forwarding.md): a project page not found at this level is fetched from the
// PyPI upstream's simple API (PEP 691 JSON) and kept; the page served links every file to this level's
// `files/<sha256>/<file>`, so a file is fetched once, verified against the page's sha256 and kept. GitLab
// answers a redirect to pypi.org instead.
//
//   GET <prefix>/simple/<name>/        local miss → upstream GET <upstream>/simple/<name>/ (JSON) → our page
//   GET <prefix>/files/<sha256>/<file> local miss → the kept file, or the kept page's URL fetched and verified
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import { FORWARDED_HEADER, forwarderFor, keptMetadataOf } from "../../core/forwarding";
import type { ReadScope } from "../../core/registry";
import { serveBlob } from "../../http/serve-blob";
import { JSON_V1, negotiate, renderProjectPage, type PageFile } from "./simple-pages";
import { checkFileNameCharacters, normalizeName } from "./names";
import { PACKAGE_TYPE } from "./upload";

/** What is kept of an upstream project page: absolute file URLs and their sha256. */
interface KeptPage {
  name: string;
  versions: string[];
  files: { filename: string; url: string; sha256: string; size: number; uploadTime: string | null; requiresPython: string }[];
}

/** Parse the upstream's PEP 691 page; files without a sha256 are left out (they could not be verified). */
export function keptPageOf(text: string, pageUrl: string): string {
  let doc: { name?: unknown; versions?: unknown; files?: unknown };
  try {
    doc = JSON.parse(text);
  } catch {
    throw new AppError("bad_gateway", "502 Bad Gateway - the PyPI upstream sent a project page that is not PEP 691 JSON");
  }
  if (!Array.isArray(doc.files)) throw new AppError("bad_gateway", "502 Bad Gateway - the PyPI upstream sent a project page without files");
  const files: KeptPage["files"] = [];
  for (const f of doc.files as Record<string, unknown>[]) {
    const sha256 = (f?.hashes as Record<string, unknown> | undefined)?.sha256;
    if (typeof f?.filename !== "string" || typeof f.url !== "string" || typeof sha256 !== "string" || !/^[0-9a-f]{64}$/i.test(sha256)) continue;
    try {
      checkFileNameCharacters(f.filename);
    } catch {
      continue;
    }
    files.push({
      filename: f.filename,
      url: new URL(f.url, pageUrl).href,
      sha256: sha256.toLowerCase(),
      size: typeof f.size === "number" ? f.size : 0,
      uploadTime: typeof f["upload-time"] === "string" ? f["upload-time"] : null,
      requiresPython: typeof f["requires-python"] === "string" ? f["requires-python"] : "",
    });
  }
  const versions = Array.isArray(doc.versions) ? doc.versions.filter((v): v is string => typeof v === "string") : [];
  return JSON.stringify({ name: typeof doc.name === "string" ? doc.name : "", versions, files } satisfies KeptPage);
}

/** The project page of a forwarded name (PEP 503 HTML or PEP 691 JSON, as asked), or null. */
export async function forwardProjectPage(c: Context<AppEnv>, scope: ReadScope, normalizedName: string): Promise<Response | null> {
  const forwarder = await forwarderFor(c.var.registry, c.env, scope, PACKAGE_TYPE, normalizedName);
  if (!forwarder) return null;
  const kept = await forwarder.metadata({ url: `${forwarder.upstream.base}/simple/${normalizedName}/`, headers: { accept: JSON_V1 }, keep: keptPageOf });
  if (!kept) return null;
  const page = JSON.parse(kept.text) as KeptPage;
  const rendering = negotiate(c.req.header("accept"));
  const files: PageFile[] = page.files.map((f) => ({ fileName: f.filename, sha256: f.sha256, size: f.size, uploadedAt: new Date(f.uploadTime ?? 0), requiresPython: f.requiresPython }));
  const body = renderProjectPage(rendering, { name: normalizedName, versions: page.versions, files });
  return new Response(body, { headers: { "Content-Type": rendering.contentType, Vary: "Accept", "Cache-Control": "private, no-cache", [FORWARDED_HEADER]: kept.state } });
}

/**
 * A file of a forwarded name, found through the kept page that lists it: wheels name their project in the
 * first part of the file name, sdists in some leading parts, so each candidate name is looked up.
 */
export async function forwardFile(c: Context<AppEnv>, scope: ReadScope, sha256: string, fileName: string): Promise<Response | null> {
  const registry = c.var.registry;
  const pages = await keptMetadataOf(registry, c.env, PACKAGE_TYPE, candidateNames(fileName));
  for (const { name, text } of pages) {
    const entry = (JSON.parse(text) as KeptPage).files.find((f) => f.sha256 === sha256.toLowerCase() && f.filename === fileName);
    if (!entry) continue;
    const forwarder = await forwarderFor(registry, c.env, scope, PACKAGE_TYPE, name);
    if (!forwarder) return null;
    const result = await forwarder.file(fileName, entry.url, async () => ({ sha256: entry.sha256 }));
    if (!result) return null;
    return serveBlob(c.env.BLOBS, c.req.raw, result.file, {
      contentType: "application/octet-stream",
      cacheControl: "private, max-age=31536000, immutable",
      extraHeaders: { [FORWARDED_HEADER]: result.state },
    });
  }
  return null;
}

/** `foo_bar-1.0-py3-none-any.whl` → foo-bar; `foo-bar-1.0.tar.gz` → foo, foo-bar, foo-bar-1-0 … (normalised). */
export function candidateNames(fileName: string): string[] {
  const stem = fileName.replace(/\.(whl|tar\.gz|zip|tar\.bz2|egg)$/i, "");
  const parts = stem.split("-");
  const names = new Set<string>();
  for (let i = 1; i <= Math.min(parts.length, 8); i++) names.add(normalizeName(parts.slice(0, i).join("-")));
  return [...names];
}
