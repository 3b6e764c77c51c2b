// helm's reads: the channel's index.yaml and the chart and provenance files it points at. A version's newest
// upload in the channel is the one listed and served (duplicates are allowed; the newest wins, as GitLab).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { missIn, type PackageFileRow, type PackageWithFiles, type ReadScope } from "../../core/registry";
import { notFound } from "../../core/errors";
import { scopeOf } from "../../http/access";
import { withEdgeCache } from "../../http/edge-cache";
import { serveBlob } from "../../http/serve-blob";
import { buildIndex, type IndexedChart } from "./metadata";
import { chartCandidates, HELM } from "./names";
import type { JsonValue } from "./yaml-emit";

/** Charts are read per name (the core has no read of every version of a type): at most this many names, this many at a time. */
const MAX_NAMES = 1000;
const PARALLEL_NAMES = 25;
const INDEX_CACHE_CONTROL = "max-age=0, must-revalidate";
/** A chart URL serves the newest upload of that version: clients revalidate (cheap: the ETag is the sha256). */
const FILE_CACHE_CONTROL = "max-age=0, must-revalidate";

export async function serveIndex(c: Context<AppEnv>): Promise<Response> {
  const scope = scopeOf(c);
  const channel = c.req.param("channel")!;
  return withEdgeCache(c, scope.cache, async () => {
    const charts = await chartsIn(c, scope, channel);
    const body = buildIndex(charts, { generated: new Date(), contextPath: contextPathOf(c) });
    return new Response(body, { headers: { "Content-Type": "text/yaml; charset=utf-8", "Cache-Control": INDEX_CACHE_CONTROL } });
  });
}

/** `/api/v4/projects/<:id as sent>/packages/helm` (GitLab's serverInfo.contextPath). */
function contextPathOf(c: Context<AppEnv>): string {
  const path = new URL(c.req.url).pathname;
  return path.slice(0, path.indexOf("/packages/helm/") + "/packages/helm".length);
}

/** The newest chart upload of every version in the channel. */
async function chartsIn(c: Context<AppEnv>, scope: ReadScope, channel: string): Promise<IndexedChart[]> {
  const registry = c.var.registry;
  const names = (await registry.packageNames(scope, HELM)).slice(0, MAX_NAMES);
  const packages: PackageWithFiles[] = [];
  for (let i = 0; i < names.length; i += PARALLEL_NAMES) {
    const batch = names.slice(i, i + PARALLEL_NAMES);
    for (const rows of await Promise.all(batch.map((n) => registry.versions(scope, HELM, n.normalizedName)))) packages.push(...rows);
  }
  const charts: IndexedChart[] = [];
  for (const pkg of packages) {
    const file = newestChart(pkg.files, channel);
    if (!file) continue;
    charts.push({
      name: pkg.name,
      version: pkg.version,
      entry: (file.metadata.chart ?? {}) as { [key: string]: JsonValue },
      fileName: file.fileName,
      sha256: file.sha256,
      createdAt: file.createdAt,
    });
  }
  return charts;
}

/** Files are newest first: the first chart archive uploaded to this channel. */
function newestChart(files: PackageFileRow[], channel: string, fileName?: string): PackageFileRow | undefined {
  return files.find((f) => f.metadata.channel === channel && f.metadata.kind === "chart" && (fileName === undefined || f.fileName === fileName));
}

/** `charts/<name>-<version>.tgz` and `charts/<name>-<version>.tgz.prov` in a channel. */
export async function serveChartFile(c: Context<AppEnv>): Promise<Response> {
  const scope = scopeOf(c);
  const channel = c.req.param("channel")!;
  const requested = c.req.param("file")!;
  const provenance = requested.endsWith(".tgz.prov");
  const chartName = provenance ? requested.slice(0, -".prov".length) : requested;
  const candidates = chartCandidates(chartName);
  if (candidates.length === 0) throw notFound("404 Package Not Found");
  return withEdgeCache(c, scope.cache, async () => {
    const registry = c.var.registry;
    const found = await Promise.all(candidates.map((v) => registry.versions(scope, HELM, v.name, { version: v.version })));
    let chart: { pkg: PackageWithFiles; file: PackageFileRow } | null = null;
    for (const pkg of found.flat()) {
      const file = newestChart(pkg.files, channel, chartName);
      if (file && (!chart || file.createdAt > chart.file.createdAt || (file.createdAt.getTime() === chart.file.createdAt.getTime() && file.id > chart.file.id))) chart = { pkg, file };
    }
    if (!chart) throw missIn(scope);
    let file: PackageFileRow | undefined = chart.file;
    if (provenance) {
      // The provenance uploaded with the chart that is served; a newer upload without one has none.
      const sha256 = chart.file.sha256;
      file = chart.pkg.files.find((f) => f.metadata.kind === "provenance" && f.metadata.channel === channel && f.metadata.chart_sha256 === sha256 && f.fileName === requested);
      if (!file) throw missIn(scope);
    }
    return serveBlob(c.env.BLOBS, c.req.raw, file, { contentType: "application/octet-stream", cacheControl: FILE_CACHE_CONTROL });
  });
}
