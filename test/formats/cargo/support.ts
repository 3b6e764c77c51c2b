// Cargo test helpers: the body `cargo publish` sends (u32le JSON length, JSON, u32le .crate length, .crate),
// the sparse index path of a name, and calls with cargo's bare `Authorization: <token>`.
import { call } from "../../support/api";

export interface CrateMeta {
  name: string;
  vers: string;
  deps?: Record<string, unknown>[];
  features?: Record<string, string[]>;
  [key: string]: unknown;
}

/** The metadata cargo 1.95 sends, with the fields it always includes. */
export function crateMetadata(meta: CrateMeta): Record<string, unknown> {
  return {
    deps: [],
    features: {},
    authors: [],
    description: `the ${meta.name} crate`,
    documentation: null,
    homepage: null,
    readme: null,
    readme_file: null,
    keywords: [],
    categories: [],
    license: "MIT",
    license_file: null,
    repository: null,
    badges: {},
    links: null,
    rust_version: null,
    ...meta,
  };
}

export function publishBody(meta: CrateMeta | Record<string, unknown>, crate: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify("vers" in meta ? crateMetadata(meta as CrateMeta) : meta));
  const out = new Uint8Array(8 + json.byteLength + crate.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.byteLength, true);
  out.set(json, 4);
  view.setUint32(4 + json.byteLength, crate.byteLength, true);
  out.set(crate, 8 + json.byteLength);
  return out;
}

export const cargoPrefix = (projectId: number) => `/api/v4/projects/${projectId}/packages/cargo`;

export function indexPath(name: string): string {
  const n = name.toLowerCase();
  if (n.length <= 2) return `${n.length}/${n}`;
  if (n.length === 3) return `3/${n[0]}/${n}`;
  return `${n.slice(0, 2)}/${n.slice(2, 4)}/${n}`;
}

export const rawAuth = (token?: string): Record<string, string> => (token ? { Authorization: token } : {});

export function cargoPublish(projectId: number, meta: CrateMeta, crate: Uint8Array, token?: string): Promise<Response> {
  return call(`${cargoPrefix(projectId)}/api/v1/crates/new`, { method: "PUT", body: publishBody(meta, crate), headers: rawAuth(token) });
}

export async function indexLines(projectId: number, name: string, token?: string): Promise<Record<string, any>[]> {
  const res = await call(`${cargoPrefix(projectId)}/index/${indexPath(name)}`, { headers: rawAuth(token) });
  if (res.status !== 200) throw new Error(`index of ${name}: ${res.status} ${await res.text()}`);
  return (await res.text())
    .split("\n")
    .filter((l) => l)
    .map((l) => JSON.parse(l));
}

export const crateBytes = (label: string) => new TextEncoder().encode(`not really a gzip tarball: ${label} ${crypto.randomUUID()}`);
