// Cargo's table entry: `cargo publish` PUTs the framed JSON + .crate to api/v1/crates/new with a bare
// `Authorization: <token>`, reads the sparse index file and downloads at project and group level; a version
// is published once (400 with cargo's errors list).
import { BASE } from "../../support/api";
import { cargoPrefix, indexPath, publishBody, rawAuth } from "../../formats/cargo/support";
import { call } from "../support";
import type { ContractFormat, Level } from "../types";

const prefix = (level: Level) => (level.kind === "project" ? cargoPrefix(level.id) : `/api/v4/groups/${level.id}/-/packages/cargo`);

export const cargo: ContractFormat = {
  packageType: "cargo",
  packageVersion: (base, version) => ({ name: base, version, fileName: `${base}-${version}.crate` }),
  // ~/.cargo/credentials.toml or CARGO_REGISTRIES_<NAME>_TOKEN, whatever kind of token it is.
  credentials: (credential) => rawAuth(credential?.token),
  upload: (projectId, v, bytes, headers) =>
    call(`${cargoPrefix(projectId)}/api/v1/crates/new`, { method: "PUT", body: publishBody({ name: v.name, vers: v.version }, bytes), headers }),
  uploaded: 200,
  digests: [],
  downloadPath: (level, v) => `${prefix(level)}/api/v1/crates/${v.name}/${v.version}/download`,
  groupLevel: true,
  metadata: {
    path: (level, v) => `${prefix(level)}/index/${indexPath(v.name)}`,
    headers: {},
    versions: (body) =>
      body
        .split("\n")
        .filter((l) => l)
        .map((l) => (JSON.parse(l) as { vers: string }).vers),
  },
  duplicates: { byDefault: { status: 400, body: (v) => ({ errors: [{ detail: `crate version \`${v.version}\` is already uploaded` }] }) } },
  challenge: () => `Cargo login_url="${BASE}/users/sign_in"`,
};
