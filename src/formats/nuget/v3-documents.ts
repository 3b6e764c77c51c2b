// The v3 JSON documents (pure): service index, registration index/page/leaf, flat-container version list and
// search results, built from version views and the URLs of the level the client called. Field names follow
// GitLab's entities (lib/api/entities/nuget/*) and nuget.org's documented shapes where GitLab has none.
// Spec: https://learn.microsoft.com/nuget/api/service-index, …/registration-base-url-resource,
//       …/package-base-address-resource, …/search-query-service-resource; gitlab-spec.md §4.
import type { VersionView } from "./package";
import { lowerId } from "./versions";

/** URLs of the level a document is served at. */
export interface Urls {
  /** `…/projects/:id/packages/nuget` or `…/groups/:id/-/packages/nuget`, as the client called it. */
  base: string;
  /** The flat container holding a project's files (group documents point at the owning project). */
  download(projectId: number): string;
}

/** nuget.org pages a registration past 128 versions, 64 versions a page, pages fetched on their own. */
export const INLINE_VERSIONS = 128;
export const PAGE_SIZE = 64;

const SERVICES = {
  search: { types: ["SearchQueryService", "SearchQueryService/3.0.0-beta", "SearchQueryService/3.0.0-rc"], comment: "Filter and search for packages by keyword." },
  metadata: { types: ["RegistrationsBaseUrl", "RegistrationsBaseUrl/3.0.0-beta", "RegistrationsBaseUrl/3.0.0-rc"], comment: "Get package metadata." },
  download: { types: ["PackageBaseAddress/3.0.0"], comment: "Get package content (.nupkg)." },
  publish: { types: ["PackagePublish/2.0.0"], comment: "Push and delete (or unlist) packages." },
  symbol: { types: ["SymbolPackagePublish/4.9.0"], comment: "Push symbol packages." },
} as const;

/** GitLab's service index: search and metadata everywhere; download, publish and symbols at project level. */
export function serviceIndex(base: string, level: "project" | "group") {
  const urls: Record<keyof typeof SERVICES, string> = {
    search: `${base}/query`,
    metadata: `${base}/metadata`,
    download: `${base}/download`,
    publish: base,
    symbol: `${base}/symbolpackage`,
  };
  const services: (keyof typeof SERVICES)[] = level === "project" ? ["search", "metadata", "download", "publish", "symbol"] : ["search", "metadata"];
  return {
    version: "3.0.0",
    resources: services.flatMap((s) => SERVICES[s].types.map((type) => ({ "@id": urls[s], "@type": type, comment: SERVICES[s].comment }))),
  };
}

const lowerVersion = (v: VersionView) => v.version.toLowerCase();
export const registrationIndexUrl = (urls: Urls, id: string) => `${urls.base}/metadata/${encodeURIComponent(lowerId(id))}/index.json`;
const leafUrl = (urls: Urls, v: VersionView) => `${urls.base}/metadata/${encodeURIComponent(lowerId(v.id))}/${encodeURIComponent(lowerVersion(v))}.json`;
const pageUrl = (urls: Urls, id: string, lower: string, upper: string) =>
  `${urls.base}/metadata/${encodeURIComponent(lowerId(id))}/page/${encodeURIComponent(lower)}/${encodeURIComponent(upper)}.json`;

/** The .nupkg in the flat container: `{base}/{lower id}/{lower version}/{lower id}.{lower version}.nupkg`. */
export function packageContentUrl(urls: Urls, v: VersionView): string {
  const id = encodeURIComponent(lowerId(v.id));
  const version = encodeURIComponent(lowerVersion(v));
  return `${urls.download(v.projectId)}/${id}/${version}/${id}.${version}.nupkg`;
}

const iso = (date: Date) => date.toISOString();

function catalogEntry(urls: Urls, v: VersionView) {
  const { meta } = v;
  const url = leafUrl(urls, v);
  return {
    "@id": url,
    "@type": "PackageDetails",
    authors: meta.authors,
    dependencyGroups: meta.dependencyGroups.map((group) => {
      const groupId = `${url}#dependencygroup${group.targetFramework ? `/${group.targetFramework.toLowerCase()}` : ""}`;
      return {
        "@id": groupId,
        "@type": "PackageDependencyGroup",
        ...(group.targetFramework ? { targetFramework: group.targetFramework } : {}),
        dependencies: group.dependencies.map((d) => ({
          "@id": `${groupId}/${d.id.toLowerCase()}`,
          "@type": "PackageDependency",
          id: d.id,
          range: d.range || "(, )",
          registration: registrationIndexUrl(urls, d.id),
        })),
      };
    }),
    description: meta.description,
    iconUrl: meta.iconUrl,
    id: v.id,
    language: meta.language,
    licenseExpression: meta.licenseExpression,
    licenseUrl: meta.licenseUrl,
    listed: true,
    minClientVersion: meta.minClientVersion,
    packageContent: packageContentUrl(urls, v),
    projectUrl: meta.projectUrl,
    published: iso(v.published),
    requireLicenseAcceptance: meta.requireLicenseAcceptance,
    summary: meta.summary,
    tags: meta.tags.join(" "),
    title: meta.title,
    version: v.version,
    ...(meta.packageTypes.length > 0 ? { packageTypes: meta.packageTypes.map((name) => ({ name })) } : {}),
  };
}

/** One version inside a registration page. */
function leafInPage(urls: Urls, v: VersionView) {
  return { "@id": leafUrl(urls, v), "@type": "Package", catalogEntry: catalogEntry(urls, v), packageContent: packageContentUrl(urls, v), registration: registrationIndexUrl(urls, v.id) };
}

function page(urls: Urls, id: string, versions: VersionView[], inline: boolean) {
  const lower = versions[0]!.version.toLowerCase();
  const upper = versions[versions.length - 1]!.version.toLowerCase();
  return {
    "@id": inline ? `${registrationIndexUrl(urls, id)}#page/${lower}/${upper}` : pageUrl(urls, id, lower, upper),
    "@type": "catalog:CatalogPage",
    count: versions.length,
    ...(inline ? { items: versions.map((v) => leafInPage(urls, v)) } : {}),
    lower,
    parent: registrationIndexUrl(urls, id),
    upper,
  };
}

/** Versions (sorted, non-empty) split as nuget.org splits them: one inline page up to 128, pages of 64 beyond. */
export function registrationPages(versions: VersionView[]): VersionView[][] {
  if (versions.length <= INLINE_VERSIONS) return [versions];
  const pages: VersionView[][] = [];
  for (let i = 0; i < versions.length; i += PAGE_SIZE) pages.push(versions.slice(i, i + PAGE_SIZE));
  return pages;
}

/** The registration index of an id (`versions` sorted ascending, non-empty). */
export function registrationIndex(urls: Urls, id: string, versions: VersionView[]) {
  const pages = registrationPages(versions);
  const inline = pages.length === 1;
  return {
    "@id": registrationIndexUrl(urls, id),
    "@type": ["catalog:CatalogRoot", "PackageRegistration", "catalog:Permalink"],
    count: pages.length,
    items: pages.map((p) => page(urls, id, p, inline)),
  };
}

/** A registration page fetched on its own (only for ids past 128 versions); null when no page has these bounds. */
export function registrationPage(urls: Urls, id: string, versions: VersionView[], lower: string, upper: string) {
  const pages = registrationPages(versions);
  if (pages.length === 1) return null;
  const found = pages.find((p) => p[0]!.version.toLowerCase() === lower.toLowerCase() && p[p.length - 1]!.version.toLowerCase() === upper.toLowerCase());
  if (!found) return null;
  return { ...page(urls, id, found, false), "@id": pageUrl(urls, id, lower, upper), items: found.map((v) => leafInPage(urls, v)) };
}

/** A registration leaf (GitLab inlines the catalog entry; nuget.org's fields are added). */
export function registrationLeaf(urls: Urls, v: VersionView) {
  return {
    "@id": leafUrl(urls, v),
    "@type": ["Package", "http://schema.nuget.org/catalog#Permalink"],
    catalogEntry: catalogEntry(urls, v),
    listed: true,
    packageContent: packageContentUrl(urls, v),
    published: iso(v.published),
    registration: registrationIndexUrl(urls, v.id),
  };
}

/** `{download}/{lower id}/index.json`: every version, lower-cased, ascending. */
export function flatContainerVersions(versions: VersionView[]) {
  return { versions: versions.map(lowerVersion) };
}

/** One search hit: an id with the versions that matched and its latest one. */
export function searchResult(urls: Urls, versions: VersionView[]) {
  const latest = versions[versions.length - 1]!;
  const { meta } = latest;
  return {
    "@id": registrationIndexUrl(urls, latest.id),
    "@type": "Package",
    registration: registrationIndexUrl(urls, latest.id),
    id: latest.id,
    version: latest.version,
    description: meta.description,
    summary: meta.summary,
    title: meta.title || latest.id,
    iconUrl: meta.iconUrl,
    licenseUrl: meta.licenseUrl,
    projectUrl: meta.projectUrl,
    tags: meta.tags.join(" "),
    authors: meta.authors,
    owners: meta.owners,
    totalDownloads: 0,
    verified: true,
    packageTypes: (meta.packageTypes.length > 0 ? meta.packageTypes : ["Dependency"]).map((name) => ({ name })),
    versions: versions.map((v) => ({ version: v.version, downloads: 0, "@id": leafUrl(urls, v) })),
  };
}
