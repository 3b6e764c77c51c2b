// RubyGems' table entry: `gem push` POSTs the raw .gem with the bare token (`Authorization: <token>`), `gem
// install` and Bundler read with the source URL's Basic credentials: the .gem, and the compact index's
// `info/<gem>` as the metadata document; project level only; duplicates allowed (GitLab: both visible).
// A push must be a real gem, so `fileFor` wraps the suite's bytes into one (its data.tar.gz holds them); the
// suite uploads that .gem and compares downloads with it.
import { buildGem } from "../../formats/rubygems/gems";
import { BASIC_CHALLENGE, basicHeaders, call } from "../support";
import type { ContractFormat, Level, PackageVersion } from "../types";

const prefix = (level: Level) => `/api/v4/projects/${level.id}/packages/rubygems`;
const decoder = new TextDecoder();

/** The .gem `gem build` would make for this version, carrying the suite's bytes. Deterministic per (v, bytes). */
export const gemOf = (v: PackageVersion, bytes: Uint8Array) => buildGem({ name: v.name, version: v.version, payload: decoder.decode(bytes), mtime: 0 });

/** gem push sends the token itself; the suite renders credentials as gem install sends them (Basic). */
function pushHeaders(headers: Record<string, string>): Record<string, string> {
  const basic = /^Basic (.+)$/.exec(headers.Authorization ?? "");
  if (!basic) return headers;
  const decoded = atob(basic[1]!);
  return { Authorization: decoded.slice(decoded.indexOf(":") + 1) };
}

export const rubygems: ContractFormat = {
  packageType: "rubygems",
  packageVersion: (name, version) => ({ name, version, fileName: `${name}-${version}.gem` }),
  credentials: basicHeaders,
  fileFor: (v, unique) => gemOf(v, unique),
  upload: async (projectId, _v, bytes, headers) =>
    call(`${prefix({ kind: "project", id: projectId })}/api/v1/gems`, {
      method: "POST",
      body: bytes,
      headers: { ...pushHeaders(headers), "content-type": "application/octet-stream" },
    }),
  uploaded: 201,
  digests: [],
  downloadPath: (level, v) => `${prefix(level)}/gems/${v.fileName}`,
  groupLevel: false,
  metadata: {
    path: (level, v) => `${prefix(level)}/info/${v.name}`,
    headers: {},
    versions: (body) => body.split("\n").slice(1).filter((l) => l !== "").map((l) => l.split(" ")[0]!),
  },
  duplicates: { byDefault: "allowed" },
  challenge: () => BASIC_CHALLENGE,
};
