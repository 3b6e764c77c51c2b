// Helm names in URLs (pure): the package type, channels, and chart file names `<name>-<version>.tgz`.
// Spec: GitLab Gitlab::Regex.helm_channel_regex / helm_package_regex.
import { isSemver } from "./semver";

export const HELM = "helm";

/** GitLab's helm_channel_regex (chart names follow the same rule). */
const CHANNEL = /^([a-zA-Z0-9]([.\-_])?){1,255}(?<![.\-_])$/;

export function isValidChannel(channel: string): boolean {
  return CHANNEL.test(channel);
}

/** The file name a chart version is stored and served under. */
export const chartFileName = (name: string, version: string) => `${name}-${version}.tgz`;
export const provenanceFileName = (name: string, version: string) => `${chartFileName(name, version)}.prov`;

/**
 * The (name, version) pairs a chart file name can stand for: names may hold `-` and versions may too
 * (`my-chart-1.0.0-rc.1.tgz`), so every split whose right side is a SemVer version is a candidate.
 */
export function chartCandidates(fileName: string): { name: string; version: string }[] {
  if (!fileName.endsWith(".tgz")) return [];
  const base = fileName.slice(0, -".tgz".length);
  const out: { name: string; version: string }[] = [];
  for (let i = base.indexOf("-"); i > 0; i = base.indexOf("-", i + 1)) {
    const name = base.slice(0, i);
    const version = base.slice(i + 1);
    if (CHANNEL.test(name) && isSemver(version)) out.push({ name, version });
  }
  return out;
}
