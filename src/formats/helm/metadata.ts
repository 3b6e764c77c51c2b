// The channel's index.yaml (pure): one entry per chart version, built from the newest upload of that
// version in the channel, in the shape `helm repo index` writes (its keys, its YAML, entries ordered by
// version, newest first) plus GitLab's `serverInfo.contextPath`, which `helm cm-push` reads to find the
// upload URL. Spec: helm pkg/repo/v1/index.go (IndexFile, ChartVersion); GitLab Packages::Helm::GenerateMetadataService.
import { compareVersions } from "./semver";
import { emitYaml, type JsonValue } from "./yaml-emit";

export interface IndexedChart {
  name: string;
  version: string;
  /** The chart's entry fields (chart.ts). */
  entry: { [key: string]: JsonValue };
  fileName: string;
  sha256: string;
  createdAt: Date;
}

export interface IndexOptions {
  generated: Date;
  /** `/api/v4/projects/<id>/packages/helm`: `<contextPath>/api/<channel>/charts` is the upload URL. */
  contextPath: string;
}

export function buildIndex(charts: IndexedChart[], options: IndexOptions): string {
  const byName = new Map<string, IndexedChart[]>();
  for (const chart of charts) byName.set(chart.name, [...(byName.get(chart.name) ?? []), chart]);
  const entries: { [name: string]: JsonValue } = {};
  for (const [name, versions] of byName) {
    versions.sort((a, b) => compareVersions(b.version, a.version) || b.createdAt.getTime() - a.createdAt.getTime());
    entries[name] = versions.map((v) => ({
      ...v.entry,
      created: goTime(v.createdAt),
      digest: v.sha256,
      urls: [`charts/${v.fileName}`],
    }));
  }
  return emitYaml({
    apiVersion: "v1",
    entries,
    generated: goTime(options.generated),
    serverInfo: { contextPath: options.contextPath },
  });
}

/** Go's time.Time in JSON (RFC 3339 with the fraction's trailing zeros dropped), in UTC. */
export function goTime(date: Date): string {
  return date.toISOString().replace(/\.?0+Z$/, "Z");
}
