// The part of OData's query language NuGet 2.x clients send (pure): `$filter` (ids, IsLatestVersion,
// IsAbsoluteLatestVersion, substringof search), `$orderby`, `$skip`, `$top`, `searchTerm`, `id`,
// `includePrerelease` and `semVerLevel`; and the selection of entries they describe.
// Spec: https://joelverhagen.github.io/NuGetUndocs/ (Search, FindPackagesById, Packages).
import { latestOf, type VersionView } from "./package";
import { compareVersions, lowerId } from "./versions";
import type { EntryFlags } from "./odata";

export const DEFAULT_TOP = 100;
/** nuget.org answers at most 100 entries a page and links the next one. */
export const MAX_TOP = 100;

export interface V2Query {
  /** Exact ids (lower-case), from `id='…'` or `tolower(Id) eq '…'`; empty for any id. */
  ids: string[];
  /** Lower-case search text (`searchTerm`, `substringof('…', …)`); "" for none. */
  term: string;
  latest: "none" | "stable" | "absolute";
  includePrerelease: boolean;
  semVer2: boolean;
  orderBy: "id" | "id_desc" | "version" | "version_desc" | "updated_desc";
  skip: number;
  top: number;
  inlineCount: boolean;
}

/** A quoted OData string literal (`'a''b'` → `a'b`), or the text itself when it is not quoted. */
export function unquote(value: string | undefined): string {
  const text = (value ?? "").trim();
  return text.startsWith("'") && text.endsWith("'") && text.length >= 2 ? text.slice(1, -1).replace(/''/g, "'") : text;
}

const nonNegative = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n >= 0 ? n : fallback;
};

export function parseV2Query(params: URLSearchParams, collection: "Packages" | "FindPackagesById" | "Search"): V2Query {
  const filter = params.get("$filter") ?? "";
  const ids = [...filter.matchAll(/(?:tolower\(\s*Id\s*\)|\bId)\s+eq\s+'((?:[^']|'')*)'/gi)].map((m) => lowerId(unquote(`'${m[1]}'`)));
  if (collection === "FindPackagesById") ids.push(lowerId(unquote(params.get("id") ?? "")));
  const substring = /substringof\(\s*'((?:[^']|'')*)'/i.exec(filter)?.[1];
  const term = (collection === "Search" ? unquote(params.get("searchTerm") ?? "") : unquote(substring === undefined ? "" : `'${substring}'`)).trim().toLowerCase();
  const latest = /\bIsAbsoluteLatestVersion\b/.test(filter) ? "absolute" : /\bIsLatestVersion\b/.test(filter) ? "stable" : "none";
  const prerelease = params.get("includePrerelease");
  const orderby = (params.get("$orderby") ?? "").replace(/\s+/g, " ").trim().toLowerCase();
  return {
    ids: ids.filter((id) => id !== ""),
    term,
    latest,
    // Search() takes includePrerelease (false by default); the other collections list every version.
    includePrerelease: collection === "Search" ? prerelease === "true" : prerelease !== "false",
    semVer2: /^2\./.test(params.get("semVerLevel") ?? ""),
    orderBy: orderby.startsWith("version desc")
      ? "version_desc"
      : orderby.startsWith("version")
        ? "version"
        : orderby.startsWith("id desc")
          ? "id_desc"
          : orderby.startsWith("lastupdated desc") || orderby.startsWith("published desc")
            ? "updated_desc"
            : "id",
    skip: nonNegative(params.get("$skip") ?? undefined, 0),
    top: Math.min(nonNegative(params.get("$top") ?? undefined, DEFAULT_TOP), MAX_TOP),
    inlineCount: params.get("$inlinecount") === "allpages",
  };
}

/** Whether an id is one the query asks about (exact ids, then the search text). */
export function idMatches(query: V2Query, id: string): boolean {
  const lower = lowerId(id);
  if (query.ids.length > 0 && !query.ids.includes(lower)) return false;
  return query.term === "" || lower.includes(query.term);
}

/** The entries one id contributes: its visible versions, narrowed to the latest when asked, with their flags. */
export function entriesOf(query: V2Query, versions: VersionView[]): { view: VersionView; flags: EntryFlags }[] {
  const visible = versions.filter((v) => (query.semVer2 || !v.meta.isSemVer2) && (query.includePrerelease || !v.meta.isPrerelease));
  const { stable, absolute } = latestOf(visible);
  const flagsOf = (v: VersionView): EntryFlags => ({ isLatest: v === stable, isAbsoluteLatest: v === absolute });
  const chosen = query.latest === "stable" ? (stable ? [stable] : []) : query.latest === "absolute" ? (absolute ? [absolute] : []) : visible;
  return chosen.map((view) => ({ view, flags: flagsOf(view) }));
}

export function sortEntries(query: V2Query, entries: { view: VersionView; flags: EntryFlags }[]) {
  const byId = (a: VersionView, b: VersionView) => (lowerId(a.id) < lowerId(b.id) ? -1 : lowerId(a.id) > lowerId(b.id) ? 1 : 0);
  const order: Record<V2Query["orderBy"], (a: VersionView, b: VersionView) => number> = {
    id: (a, b) => byId(a, b) || compareVersions(a.parsed, b.parsed),
    id_desc: (a, b) => byId(b, a) || compareVersions(b.parsed, a.parsed),
    version: (a, b) => compareVersions(a.parsed, b.parsed) || byId(a, b),
    version_desc: (a, b) => compareVersions(b.parsed, a.parsed) || byId(a, b),
    updated_desc: (a, b) => b.updated.getTime() - a.updated.getTime() || byId(a, b),
  };
  return [...entries].sort((a, b) => order[query.orderBy](a.view, b.view));
}
