// Pure parts of the importer (no Node or network access, so the unit tests run them in workerd): command-line
// options, PyPI file names and simple pages (PEP 503 HTML, PEP 691 JSON), maven-metadata.xml, directory-listing
// links, GitLab's Link header, digest comparison and the final report.

export const FORMATS = ["npm", "pypi", "maven", "generic"];

export const USAGE = `npm run import -- --from <source> --to <project id or path | group id or path> [options]

Sources (--from):
  https://host/api/v4/projects/<id|path>   a GitLab or Packyard project (Packages API); /api/v4/groups/<id|path> for a group
  npm:<registry url>                        an npm registry or Verdaccio (names from --packages or its /-/v1/search)
  pypi:<simple index url>                   a PyPI simple index (PEP 691 JSON or PEP 503 HTML)
  maven:<repository url>                    a Maven repository (artifacts from --artifacts or HTML directory listings)
  dir:<path>                                a directory of files (layout: docs/import.md)
  verdaccio:<storage directory>             a Verdaccio storage folder, read without Verdaccio running

Options:
  --to-url URL          target Packyard (default http://127.0.0.1:8787)
  --to-token TOKEN      target token (default: ADMIN_TOKEN from .dev.vars)
  --from-token TOKEN    source token (GitLab: PRIVATE-TOKEN; npm: Bearer; PyPI and Maven: Basic with --from-user)
  --from-user NAME      user name for Basic source credentials (default __token__)
  --formats LIST        npm,pypi,maven,generic (default: all)
  --packages LIST       names to import (npm and PyPI sources; default: every name the source lists)
  --artifacts LIST      groupId:artifactId,... (Maven source; default: crawl directory listings)
  --concurrency N       versions imported at once (default 4)
  --rate N              at most N requests per second toward the source (default 20; 0 = no limit)
  --retries N           attempts per request on network errors, 429 and 5xx (default 3)
  --dry-run             list what would be imported, write nothing
  --report FILE         also write the report as JSON
  --quiet               no progress line`;

const VALUE_OPTIONS = new Set(["from", "to", "to-url", "to-token", "from-token", "from-user", "formats", "packages", "artifacts", "concurrency", "rate", "retries", "report"]);
const FLAG_OPTIONS = new Set(["dry-run", "quiet", "help"]);

/** `--name value` and `--name=value`; throws with a message meant for the user on anything unknown. */
export function parseArgs(argv) {
  const raw = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) throw new Error(`unexpected argument ${arg}`);
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (FLAG_OPTIONS.has(name)) {
      raw[name] = true;
    } else if (VALUE_OPTIONS.has(name)) {
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined || value === "") throw new Error(`--${name} needs a value`);
      raw[name] = value;
    } else {
      throw new Error(`unknown option --${name}`);
    }
  }
  if (raw.help) return { help: true };
  if (!raw.from) throw new Error("--from is required");
  if (!raw.to) throw new Error("--to is required");
  const list = (v) => (v ? v.split(",").map((s) => s.trim()).filter(Boolean) : undefined);
  const formats = list(raw.formats) ?? FORMATS;
  for (const f of formats) if (!FORMATS.includes(f)) throw new Error(`unknown format ${f} (known: ${FORMATS.join(", ")})`);
  const int = (name, fallback, min) => {
    if (raw[name] === undefined) return fallback;
    const n = Number(raw[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
    return n;
  };
  return {
    source: parseSource(raw.from),
    to: raw.to,
    toUrl: (raw["to-url"] ?? "http://127.0.0.1:8787").replace(/\/+$/, ""),
    toToken: raw["to-token"],
    fromToken: raw["from-token"],
    fromUser: raw["from-user"] ?? "__token__",
    formats,
    packages: list(raw.packages),
    artifacts: list(raw.artifacts),
    concurrency: int("concurrency", 4, 1),
    rate: int("rate", 20, 0),
    retries: int("retries", 3, 1),
    dryRun: Boolean(raw["dry-run"]),
    report: raw.report,
    quiet: Boolean(raw.quiet),
  };
}

/** `--from` → `{kind, url|path, …}`. A URL with /api/v4/projects/ or /api/v4/groups/ is a GitLab-API source. */
export function parseSource(from) {
  const prefixed = /^(gitlab|npm|pypi|maven|dir|verdaccio):(.*)$/.exec(from);
  const kind = prefixed ? prefixed[1] : /\/api\/v4\/(projects|groups)\//.test(from) ? "gitlab" : null;
  const rest = prefixed ? prefixed[2] : from;
  if (kind === "dir" || kind === "verdaccio") return { kind, path: rest };
  if (!kind) throw new Error(`cannot tell what kind of source ${from} is: prefix it with gitlab:, npm:, pypi:, maven:, dir: or verdaccio:`);
  let url;
  try {
    url = new URL(rest);
  } catch {
    throw new Error(`${kind} source ${rest} is not a URL`);
  }
  // Credentials in the URL (https://user:token@host/…) become a Basic header: fetch refuses them in the URL.
  const basic = url.username || url.password ? { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : undefined;
  url.username = "";
  url.password = "";
  const href = url.href.replace(/\/+$/, "");
  if (kind !== "gitlab") return { kind, url: href, basic };
  const m = /^(.*)\/api\/v4\/(projects|groups)\/(.+)$/.exec(href);
  if (!m) throw new Error(`a GitLab source is <base>/api/v4/projects/<id or path> or <base>/api/v4/groups/<id or path>, not ${from}`);
  return { kind, base: m[1], level: m[2] === "projects" ? "project" : "group", ref: decodeURIComponent(m[3]), basic };
}

/** PEP 503 normalisation: runs of `-`, `_`, `.` become one `-`, lower case. */
export const normalizePypiName = (name) => name.toLowerCase().replace(/[-_.]+/g, "-");

const SDIST_SUFFIXES = [".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tar"];

/** Name and version from a distribution file name (wheel, sdist, egg); null when it is not one. */
export function pypiNameVersion(fileName) {
  if (fileName.endsWith(".whl") || fileName.endsWith(".egg")) {
    const parts = fileName.slice(0, -4).split("-");
    if (parts.length < 2 || !parts[0] || !parts[1]) return null;
    return { name: parts[0], version: parts[1] };
  }
  const suffix = SDIST_SUFFIXES.find((s) => fileName.endsWith(s));
  if (!suffix) return null;
  const stem = fileName.slice(0, -suffix.length);
  const dash = stem.lastIndexOf("-");
  if (dash <= 0 || dash === stem.length - 1) return null;
  return { name: stem.slice(0, dash), version: stem.slice(dash + 1) };
}

const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", "#39": "'", "#x27": "'" };
export const decodeEntities = (s) =>
  s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (all, e) => {
    const known = ENTITIES[e.toLowerCase()];
    if (known) return known;
    if (e[0] === "#") return String.fromCodePoint(e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return all;
  });

/** Every `<a …>text</a>` of an HTML page: attributes (lower-cased names, entity-decoded values) and text. */
export function htmlAnchors(html) {
  const out = [];
  const anchor = /<a\s([^>]*)>([\s\S]*?)<\/a\s*>/gi;
  for (let m = anchor.exec(html); m; m = anchor.exec(html)) {
    const attrs = {};
    const attr = /([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
    for (let a = attr.exec(m[1]); a; a = attr.exec(m[1])) attrs[a[1].toLowerCase()] = decodeEntities(a[2] ?? a[3] ?? a[4] ?? "");
    out.push({ attrs, text: decodeEntities(m[2].replace(/<[^>]*>/g, "").trim()) });
  }
  return out;
}

/** A PEP 503 project page: files with their URL (resolved against the page), sha256 fragment and requires-python. */
export function parseSimpleHtml(html, pageUrl) {
  const files = [];
  for (const { attrs, text } of htmlAnchors(html)) {
    if (!attrs.href) continue;
    const url = new URL(attrs.href, pageUrl);
    const hash = /^#?(\w+)=([0-9a-f]+)$/i.exec(url.hash);
    url.hash = "";
    const fileName = decodeURIComponent(url.pathname.split("/").pop() || text);
    files.push({
      fileName,
      url: url.href,
      sha256: hash && hash[1].toLowerCase() === "sha256" ? hash[2].toLowerCase() : undefined,
      requiresPython: attrs["data-requires-python"] || undefined,
      yanked: "data-yanked" in attrs,
    });
  }
  return files;
}

/** A PEP 691 project page (application/vnd.pypi.simple.v1+json). */
export function parseSimpleJson(doc, pageUrl) {
  if (!doc || !Array.isArray(doc.files)) throw new Error("not a PEP 691 project page (no files array)");
  return doc.files.map((f) => ({
    fileName: f.filename,
    url: new URL(f.url, pageUrl).href,
    sha256: f.hashes?.sha256?.toLowerCase(),
    requiresPython: f["requires-python"] || undefined,
    yanked: Boolean(f.yanked),
  }));
}

/** Project names of a simple index root page, HTML (anchor texts) or PEP 691 JSON (`projects[].name`). */
export function parseSimpleRoot(body, isJson) {
  if (isJson) return (body.projects ?? []).map((p) => p.name);
  return htmlAnchors(body).map((a) => a.text).filter(Boolean);
}

const tagText = (xml, tag) => {
  const m = new RegExp(`<${tag}>\\s*([^<]*?)\\s*</${tag}>`).exec(xml);
  return m ? decodeEntities(m[1]) : undefined;
};

/** maven-metadata.xml: artifact level (`versions`) or a SNAPSHOT's version level (`snapshotVersions`). */
export function parseMavenMetadata(xml) {
  const versionsBlock = /<versions>([\s\S]*?)<\/versions>/.exec(xml)?.[1] ?? "";
  const versions = [...versionsBlock.matchAll(/<version>\s*([^<]*?)\s*<\/version>/g)].map((m) => decodeEntities(m[1]));
  const snapshotVersions = [...xml.matchAll(/<snapshotVersion>([\s\S]*?)<\/snapshotVersion>/g)].map((m) => ({
    classifier: tagText(m[1], "classifier") ?? "",
    extension: tagText(m[1], "extension") ?? "",
    value: tagText(m[1], "value") ?? "",
  }));
  return { groupId: tagText(xml, "groupId"), artifactId: tagText(xml, "artifactId"), version: tagText(xml, "version"), versions, snapshotVersions };
}

/** The files of one SNAPSHOT build named by its version-level metadata (`<artifactId>-<value>[-<classifier>].<ext>`). */
export function snapshotFileNames(artifactId, metadata) {
  return metadata.snapshotVersions.filter((s) => s.extension && s.value).map((s) => `${artifactId}-${s.value}${s.classifier ? `-${s.classifier}` : ""}.${s.extension}`);
}

/** Relative links of a directory listing (Apache, nginx, Nexus, Artifactory): children only, no parents or queries. */
export function listingLinks(html) {
  return htmlAnchors(html)
    .map((a) => a.attrs.href)
    .filter((h) => h && !h.startsWith("?") && !h.startsWith("#") && !h.startsWith("/") && !h.startsWith("..") && !/^[a-z]+:/i.test(h))
    .map((h) => decodeURIComponent(h.replace(/^\.\//, "")));
}

/** The `rel="next"` URL of a Link header (GitLab pagination), or null. */
export function nextLink(header) {
  if (!header) return null;
  for (const part of header.split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return null;
}

/** The key a file is known by on both sides. npm has one tarball per version, whatever it is called. */
export function fileKey(format, name, version, fileName) {
  const n = format === "pypi" ? normalizePypiName(name) : name;
  return `${format}\u0000${n}\u0000${version}\u0000${format === "npm" ? "" : fileName}`;
}

/** "same" / "different" on the strongest digest both sides have (sha256, sha1, md5), "unknown" when none is shared. */
export function compareDigests(a, b) {
  for (const kind of ["sha256", "sha1", "md5"]) {
    if (a[kind] && b[kind]) return a[kind].toLowerCase() === b[kind].toLowerCase() ? "same" : "different";
  }
  return "unknown";
}

/** npm's dist.integrity (`sha512-<base64>`) as hex, or undefined for another algorithm. */
export function integrityToHex(integrity) {
  const m = /(?:^|\s)sha512-([A-Za-z0-9+/=]+)/.exec(integrity ?? "");
  if (!m) return undefined;
  const bin = atob(m[1]);
  let hex = "";
  for (let i = 0; i < bin.length; i++) hex += bin.charCodeAt(i).toString(16).padStart(2, "0");
  return hex;
}

/** Finds the digests that disagree between what the source declared and what was read; [] when all agree. */
export function digestMismatches(declared, actual) {
  const out = [];
  for (const [kind, want] of Object.entries(declared)) {
    if (want && actual[kind] && want.toLowerCase() !== actual[kind].toLowerCase()) out.push(`${kind}: source says ${want}, read ${actual[kind]}`);
  }
  return out;
}

/** The text report: counts per outcome and format, then every failure with its reason. */
export function formatReport(results, { dryRun = false } = {}) {
  const counts = { imported: 0, skipped: 0, failed: 0, planned: 0 };
  const perFormat = {};
  for (const r of results) {
    counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
    perFormat[r.format] ??= { imported: 0, skipped: 0, failed: 0, planned: 0 };
    perFormat[r.format][r.outcome] += 1;
  }
  const lines = [];
  const headline = dryRun ? `would import ${counts.planned}, skipped ${counts.skipped}, failed ${counts.failed}` : `imported ${counts.imported}, skipped ${counts.skipped}, failed ${counts.failed}`;
  lines.push(`Import ${dryRun ? "(dry run) " : ""}finished: ${headline} file(s)`);
  for (const [format, c] of Object.entries(perFormat).sort()) {
    lines.push(`  ${format.padEnd(8)} ${dryRun ? `would import ${c.planned}` : `imported ${c.imported}`}, skipped ${c.skipped}, failed ${c.failed}`);
  }
  const failed = results.filter((r) => r.outcome === "failed");
  if (failed.length) {
    lines.push("Failed:");
    for (const r of failed) lines.push(`  ${r.format} ${r.name}@${r.version} ${r.fileName ?? ""}: ${r.reason}`);
  }
  if (dryRun) {
    const planned = results.filter((r) => r.outcome === "planned");
    if (planned.length) lines.push("Would import:");
    for (const r of planned) lines.push(`  ${r.format} ${r.name}@${r.version} ${r.fileName ?? ""}`);
  }
  return { text: lines.join("\n"), counts };
}

/** Orders dotted versions numerically part by part (1.10.0 > 1.9.0); a pre-release sorts before its release. */
export function compareVersions(a, b) {
  const [ma, pa = ""] = a.split(/-(.*)/s);
  const [mb, pb = ""] = b.split(/-(.*)/s);
  const xa = ma.split(".");
  const xb = mb.split(".");
  for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
    const na = Number(xa[i] ?? 0);
    const nb = Number(xb[i] ?? 0);
    if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na < nb ? -1 : 1;
    if (!(Number.isFinite(na) && Number.isFinite(nb)) && (xa[i] ?? "") !== (xb[i] ?? "")) return (xa[i] ?? "") < (xb[i] ?? "") ? -1 : 1;
  }
  if (pa === pb) return 0;
  if (!pa) return 1;
  if (!pb) return -1;
  return pa < pb ? -1 : 1;
}
