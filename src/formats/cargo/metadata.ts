// Builds what cargo reads (pure): the sparse index file of a crate (one JSON line per version, built from
// the registry's rows at read time, so concurrent publishes never lose a line), config.json, and the
// answers of `cargo search` and `cargo owner --list`.
// Spec: https://doc.rust-lang.org/cargo/reference/registry-index.html,
//       https://doc.rust-lang.org/cargo/reference/registry-web-api.html
import type { IndexFields, PublishedCrate } from "./parse";
import { compareVersions } from "./names";

/** What a version row holds in `metadata` (written at publish, `yanked` changed by yank/unyank). */
export interface CrateVersionMetadata extends Record<string, unknown> {
  name: string;
  index: IndexFields;
  yanked: boolean;
  description: string | null;
}

export function versionMetadata(crate: PublishedCrate): CrateVersionMetadata {
  return { name: crate.name, index: crate.index, yanked: false, ...crate.info };
}

export interface IndexVersion {
  name: string;
  version: string;
  /** sha256 of the .crate. */
  cksum: string;
  metadata: Record<string, unknown>;
}

/** One index line, with the keys in the order crates.io writes them. */
export function indexLine(v: IndexVersion): string {
  const index = (v.metadata.index ?? {}) as Partial<IndexFields>;
  const line: Record<string, unknown> = {
    name: v.name,
    vers: v.version,
    deps: index.deps ?? [],
    cksum: v.cksum,
    features: index.features ?? {},
    yanked: v.metadata.yanked === true,
  };
  if (index.links) line.links = index.links;
  if (index.features2) {
    line.features2 = index.features2;
    line.v = 2;
  }
  if (index.rust_version) line.rust_version = index.rust_version;
  return JSON.stringify(line);
}

/** The index file: one line per version, oldest first, each ending in a newline. */
export function indexFile(versions: IndexVersion[]): string {
  return versions.map((v) => `${indexLine(v)}\n`).join("");
}

/**
 * config.json at the root of the index. `prefix` is `…/packages/cargo` at the level the client called;
 * `auth-required` makes cargo send its token on every index read and download, not only on publish.
 */
export function registryConfig(prefix: string, authRequired: boolean): Record<string, unknown> {
  return { dl: `${prefix}/api/v1/crates/{crate}/{version}/download`, api: prefix, ...(authRequired ? { "auth-required": true } : {}) };
}

export interface SearchHit {
  name: string;
  versions: { version: string; metadata: Record<string, unknown> }[];
}

/** `cargo search`: each crate with its highest version that is not yanked (or its highest one) and that version's description. */
export function searchResult(hits: SearchHit[], total: number) {
  return {
    crates: hits.map((hit) => {
      const best = highestVersion(hit.versions);
      const description = best?.metadata.description;
      return { name: hit.name, max_version: best?.version ?? "0.0.0", description: typeof description === "string" ? description : "" };
    }),
    meta: { total },
  };
}

export function highestVersion<T extends { version: string; metadata: Record<string, unknown> }>(versions: T[]): T | undefined {
  const live = versions.filter((v) => v.metadata.yanked !== true);
  const pool = live.length > 0 ? live : versions;
  return pool.reduce<T | undefined>((best, v) => (!best || compareVersions(v.version, best.version) > 0 ? v : best), undefined);
}
