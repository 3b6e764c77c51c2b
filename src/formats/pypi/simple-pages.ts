// The simple repository API's documents (pure): content negotiation and the HTML (PEP 503) and JSON
// (PEP 691 + PEP 700) renderings of the index and of a project page. Links are relative, so one
// cached page serves every host name the registry is reached by.
// Spec: https://peps.python.org/pep-0503/, https://peps.python.org/pep-0691/, https://peps.python.org/pep-0700/

export const JSON_V1 = "application/vnd.pypi.simple.v1+json";
export const HTML_V1 = "application/vnd.pypi.simple.v1+html";
const API_VERSION = "1.1"; // 1.1 = PEP 700 (versions, size, upload-time)

export type Rendering = { kind: "json"; contentType: string } | { kind: "html"; contentType: string };

const LEGACY_HTML: Rendering = { kind: "html", contentType: "text/html; charset=utf-8" };
const CANDIDATES: { type: string; rendering: Rendering }[] = [
  { type: JSON_V1, rendering: { kind: "json", contentType: JSON_V1 } },
  { type: "application/vnd.pypi.simple.latest+json", rendering: { kind: "json", contentType: JSON_V1 } },
  { type: HTML_V1, rendering: { kind: "html", contentType: HTML_V1 } },
  { type: "application/vnd.pypi.simple.latest+html", rendering: { kind: "html", contentType: HTML_V1 } },
  { type: "text/html", rendering: LEGACY_HTML },
];

/**
 * PEP 691 content negotiation: the acceptable type with the highest q wins, ties go to the server's
 * order (JSON first). No Accept, a wildcard only, or nothing we speak: the legacy text/html page.
 */
export function negotiate(accept: string | null | undefined): Rendering {
  if (!accept) return LEGACY_HTML;
  let best: { q: number; rank: number; rendering: Rendering } | null = null;
  for (const entry of accept.split(",")) {
    const [rawType, ...params] = entry.split(";").map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!(q > 0)) continue;
    const rank = CANDIDATES.findIndex((c) => c.type === rawType);
    const candidate = CANDIDATES[rank];
    if (!candidate) continue;
    if (!best || q > best.q || (q === best.q && rank < best.rank)) best = { q, rank, rendering: candidate.rendering };
  }
  return best?.rendering ?? LEGACY_HTML;
}

export interface IndexEntry {
  name: string;
  normalizedName: string;
}

export interface PageFile {
  fileName: string;
  sha256: string;
  size: number;
  uploadedAt: Date;
  requiresPython: string;
}

export interface ProjectPage {
  /** The normalised name (the page's URL). */
  name: string;
  versions: string[];
  files: PageFile[];
}

/** Escape text for HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** A project page lives at `…/simple/<name>/`; files at `…/files/<sha256>/<file>`. */
function fileHref(file: PageFile): string {
  return `../../files/${file.sha256}/${encodeURIComponent(file.fileName)}`;
}

/** The index page: `…/simple/` links `<name>/`; `…/simple` (no slash, GitLab's documented URL) links `simple/<name>/`. */
export function renderIndex(rendering: Rendering, title: string, entries: IndexEntry[], requestPathEndsWithSlash: boolean): string {
  const href = (e: IndexEntry) => `${requestPathEndsWithSlash ? "" : "simple/"}${encodeURIComponent(e.normalizedName)}/`;
  if (rendering.kind === "json") {
    return JSON.stringify({ meta: { "api-version": API_VERSION }, projects: entries.map((e) => ({ name: e.name })) });
  }
  const links = entries.map((e) => `    <a href="${escapeHtml(href(e))}">${escapeHtml(e.name)}</a><br>`).join("\n");
  return htmlPage(`Links for ${title}`, links);
}

export function renderProjectPage(rendering: Rendering, page: ProjectPage): string {
  if (rendering.kind === "json") {
    return JSON.stringify({
      meta: { "api-version": API_VERSION },
      name: page.name,
      versions: page.versions,
      files: page.files.map((f) => ({
        filename: f.fileName,
        url: fileHref(f),
        hashes: { sha256: f.sha256 },
        ...(f.requiresPython ? { "requires-python": f.requiresPython } : {}),
        size: f.size,
        "upload-time": f.uploadedAt.toISOString(),
      })),
    });
  }
  const links = page.files
    .map((f) => {
      const requires = f.requiresPython ? ` data-requires-python="${escapeHtml(f.requiresPython)}"` : "";
      return `    <a href="${escapeHtml(fileHref(f))}#sha256=${f.sha256}"${requires}>${escapeHtml(f.fileName)}</a><br>`;
    })
    .join("\n");
  return htmlPage(`Links for ${page.name}`, links);
}

function htmlPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html>
  <head>
    <meta name="pypi:repository-version" content="${API_VERSION}">
    <title>${escapeHtml(title)}</title>
  </head>
  <body>
    <h1>${escapeHtml(title)}</h1>
${body}
  </body>
</html>
`;
}
