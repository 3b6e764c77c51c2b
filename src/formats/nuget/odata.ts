// The v2 OData feed as XML (pure): the AtomPub service document, the `$metadata` EDMX, and Atom feeds and entries
// of `V2FeedPackage`, the shape NuGet 2.x (and Chocolatey) deserialise. Typed values carry `m:type`; nulls
// carry `m:null`. Spec: https://joelverhagen.github.io/NuGetUndocs/ (v2 protocol), gitlab-spec.md §4 (v2 rows).
import type { VersionView } from "./package";

const ATOM = "http://www.w3.org/2005/Atom";
const DATA = "http://schemas.microsoft.com/ado/2007/08/dataservices";
const META = "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata";
const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

/** XML 1.0 allows no control characters but tab, LF and CR: they are dropped. */
const xmlChars = (text: string) => [...text].filter((ch) => ch.charCodeAt(0) >= 0x20 || ch === "\t" || ch === "\n" || ch === "\r").join("");

export const escapeXml = (text: string) => xmlChars(text).replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[ch]!);

/** `GET …/v2`: one collection, `Packages`, relative to the feed's base. */
export function serviceDocument(v2Base: string): string {
  return `${XML_DECLARATION}
<service xml:base="${escapeXml(v2Base)}/" xmlns="http://www.w3.org/2007/app" xmlns:atom="${ATOM}">
  <workspace>
    <atom:title type="text">Default</atom:title>
    <collection href="Packages"><atom:title type="text">Packages</atom:title></collection>
  </workspace>
</service>
`;
}

type EdmType = "Edm.String" | "Edm.Boolean" | "Edm.Int32" | "Edm.Int64" | "Edm.DateTime";

/** Every property of an entry, in the order the feed writes them, with its EDM type. */
const PROPERTIES: [string, EdmType][] = [
  ["Id", "Edm.String"],
  ["Version", "Edm.String"],
  ["NormalizedVersion", "Edm.String"],
  ["Authors", "Edm.String"],
  ["Copyright", "Edm.String"],
  ["Created", "Edm.DateTime"],
  ["Dependencies", "Edm.String"],
  ["Description", "Edm.String"],
  ["DownloadCount", "Edm.Int32"],
  ["IconUrl", "Edm.String"],
  ["IsLatestVersion", "Edm.Boolean"],
  ["IsAbsoluteLatestVersion", "Edm.Boolean"],
  ["IsPrerelease", "Edm.Boolean"],
  ["Language", "Edm.String"],
  ["LastUpdated", "Edm.DateTime"],
  ["Published", "Edm.DateTime"],
  ["PackageHash", "Edm.String"],
  ["PackageHashAlgorithm", "Edm.String"],
  ["PackageSize", "Edm.Int64"],
  ["ProjectUrl", "Edm.String"],
  ["ReportAbuseUrl", "Edm.String"],
  ["ReleaseNotes", "Edm.String"],
  ["RequireLicenseAcceptance", "Edm.Boolean"],
  ["Summary", "Edm.String"],
  ["Tags", "Edm.String"],
  ["Title", "Edm.String"],
  ["VersionDownloadCount", "Edm.Int32"],
  ["MinClientVersion", "Edm.String"],
  ["LastEdited", "Edm.DateTime"],
  ["LicenseUrl", "Edm.String"],
  ["LicenseNames", "Edm.String"],
  ["LicenseReportUrl", "Edm.String"],
  ["Listed", "Edm.Boolean"],
  ["DevelopmentDependency", "Edm.Boolean"],
];

/** `GET …/v2/$metadata`: the V2FeedPackage entity, the Packages set and the functions this feed answers. */
export function metadataDocument(): string {
  const properties = PROPERTIES.map(([name, type]) => `        <Property Name="${name}" Type="${type}" Nullable="${name === "Id" || name === "Version" || type !== "Edm.String" ? "false" : "true"}"/>`).join("\n");
  const fn = (name: string, params: [string, string][]) =>
    `        <FunctionImport Name="${name}" EntitySet="Packages" ReturnType="Collection(NuGetGallery.OData.V2FeedPackage)" m:HttpMethod="GET">\n${params
      .map(([n, t]) => `          <Parameter Name="${n}" Type="${t}" Mode="In"/>`)
      .join("\n")}\n        </FunctionImport>`;
  return `${XML_DECLARATION}
<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx">
  <edmx:DataServices m:DataServiceVersion="2.0" m:MaxDataServiceVersion="2.0" xmlns:m="${META}">
    <Schema Namespace="NuGetGallery.OData" xmlns="http://schemas.microsoft.com/ado/2006/04/edm">
      <EntityType Name="V2FeedPackage" m:HasStream="true">
        <Key><PropertyRef Name="Id"/><PropertyRef Name="Version"/></Key>
${properties}
      </EntityType>
    </Schema>
    <Schema Namespace="NuGetGallery" xmlns="http://schemas.microsoft.com/ado/2006/04/edm">
      <EntityContainer Name="V2FeedContext" m:IsDefaultEntityContainer="true">
        <EntitySet Name="Packages" EntityType="NuGetGallery.OData.V2FeedPackage"/>
${fn("Search", [
  ["searchTerm", "Edm.String"],
  ["targetFramework", "Edm.String"],
  ["includePrerelease", "Edm.Boolean"],
])}
${fn("FindPackagesById", [["id", "Edm.String"]])}
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
`;
}

/** Edm.DateTime as nuget.org writes it (UTC, no zone designator). */
const edmDate = (date: Date) => date.toISOString().replace(/Z$/, "");

const hexToBase64 = (hex: string) => btoa(String.fromCharCode(...(hex.match(/../g) ?? []).map((h) => Number.parseInt(h, 16))));

/** The v2 `Dependencies` string: `id:range:framework` joined by `|` (a group without dependencies: `::framework`). */
export function dependenciesString(v: VersionView): string {
  return v.meta.dependencyGroups
    .flatMap((g) => (g.dependencies.length === 0 ? [`::${g.targetFramework}`] : g.dependencies.map((d) => `${d.id}:${d.range}:${g.targetFramework}`)))
    .join("|");
}

export interface EntryFlags {
  isLatest: boolean;
  isAbsoluteLatest: boolean;
}

/** Where an entry's package downloads from and where the entry itself lives. */
export interface EntryUrls {
  v2Base: string;
  content(v: VersionView): string;
}

const entryPath = (v: VersionView) => `Packages(Id='${v.id}',Version='${v.version}')`;

function propertyValues(v: VersionView, flags: EntryFlags): Record<string, string | number | boolean | null> {
  const { meta } = v;
  const orNull = (text: string) => (text === "" ? null : text);
  return {
    Id: v.id,
    Version: v.version,
    NormalizedVersion: v.version,
    Authors: meta.authors,
    Copyright: orNull(meta.copyright),
    Created: edmDate(v.published),
    Dependencies: dependenciesString(v),
    Description: meta.description,
    DownloadCount: 0,
    IconUrl: orNull(meta.iconUrl),
    IsLatestVersion: flags.isLatest,
    IsAbsoluteLatestVersion: flags.isAbsoluteLatest,
    IsPrerelease: meta.isPrerelease,
    Language: orNull(meta.language),
    LastUpdated: edmDate(v.updated),
    Published: edmDate(v.published),
    PackageHash: v.nupkg.sha512 === null ? null : hexToBase64(v.nupkg.sha512),
    PackageHashAlgorithm: "SHA512",
    PackageSize: v.nupkg.size,
    ProjectUrl: orNull(meta.projectUrl),
    ReportAbuseUrl: null,
    ReleaseNotes: orNull(meta.releaseNotes),
    RequireLicenseAcceptance: meta.requireLicenseAcceptance,
    Summary: orNull(meta.summary),
    Tags: meta.tags.length > 0 ? ` ${meta.tags.join(" ")} ` : null,
    Title: orNull(meta.title),
    VersionDownloadCount: 0,
    MinClientVersion: orNull(meta.minClientVersion),
    LastEdited: edmDate(v.updated),
    LicenseUrl: orNull(meta.licenseUrl),
    LicenseNames: orNull(meta.licenseExpression),
    LicenseReportUrl: null,
    Listed: true,
    DevelopmentDependency: meta.developmentDependency,
  };
}

function properties(v: VersionView, flags: EntryFlags): string {
  const values = propertyValues(v, flags);
  return PROPERTIES.map(([name, type]) => {
    const value = values[name];
    const typeAttr = type === "Edm.String" ? "" : ` m:type="${type}"`;
    if (value === null || value === undefined) return `<d:${name}${typeAttr} m:null="true"/>`;
    return `<d:${name}${typeAttr}>${escapeXml(String(value))}</d:${name}>`;
  }).join("");
}

function entryBody(v: VersionView, flags: EntryFlags, urls: EntryUrls): string {
  const path = entryPath(v);
  return [
    `<id>${escapeXml(`${urls.v2Base}/${path}`)}</id>`,
    `<category term="NuGetGallery.OData.V2FeedPackage" scheme="http://schemas.microsoft.com/ado/2007/08/dataservices/scheme"/>`,
    `<link rel="edit" title="V2FeedPackage" href="${escapeXml(path)}"/>`,
    `<title type="text">${escapeXml(v.id)}</title>`,
    `<summary type="text">${escapeXml(v.meta.summary)}</summary>`,
    `<updated>${v.updated.toISOString()}</updated>`,
    `<author><name>${escapeXml(v.meta.authors)}</name></author>`,
    `<link rel="edit-media" title="V2FeedPackage" href="${escapeXml(path)}/$value"/>`,
    // A self-closing content element: NuGet 2.x reads it with XmlReader.IsEmptyElement.
    `<content type="application/zip" src="${escapeXml(urls.content(v))}"/>`,
    `<m:properties>${properties(v, flags)}</m:properties>`,
  ].join("");
}

const namespaces = (v2Base: string) => `xml:base="${escapeXml(v2Base)}/" xmlns="${ATOM}" xmlns:d="${DATA}" xmlns:m="${META}"`;

/** One entry as a document (`Packages(Id=…,Version=…)`). */
export function entryDocument(v: VersionView, flags: EntryFlags, urls: EntryUrls): string {
  return `${XML_DECLARATION}\n<entry ${namespaces(urls.v2Base)}>${entryBody(v, flags, urls)}</entry>\n`;
}

export interface FeedPage {
  title: string;
  /** The URL the client asked for (the feed's id). */
  self: string;
  entries: { view: VersionView; flags: EntryFlags }[];
  /** `$inlinecount=allpages`: the total before paging. */
  count: number | null;
  /** The next page's URL when this page is full and more entries exist. */
  next: string | null;
  updated: Date;
}

export function feedDocument(feed: FeedPage, urls: EntryUrls): string {
  const parts = [
    `${XML_DECLARATION}\n<feed ${namespaces(urls.v2Base)}>`,
    `<id>${escapeXml(feed.self)}</id>`,
    `<title type="text">${escapeXml(feed.title)}</title>`,
    `<updated>${feed.updated.toISOString()}</updated>`,
    `<link rel="self" title="${escapeXml(feed.title)}" href="${escapeXml(feed.title)}"/>`,
  ];
  if (feed.count !== null) parts.push(`<m:count>${feed.count}</m:count>`);
  for (const { view, flags } of feed.entries) parts.push(`<entry>${entryBody(view, flags, urls)}</entry>`);
  if (feed.next) parts.push(`<link rel="next" href="${escapeXml(feed.next)}"/>`);
  parts.push("</feed>\n");
  return parts.join("");
}
