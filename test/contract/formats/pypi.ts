// PyPI's table entry: twine POSTs a multipart form (metadata fields, digests, the file last), pip reads
// the PEP 691 simple page and downloads files by sha256 at project and group level; a file name is
// uploaded once (400).
import { BASIC_CHALLENGE, basicHeaders, call, digestsOf } from "../support";
import type { ContractFormat, Level, PackageVersion } from "../types";

const prefix = (level: Level) => (level.kind === "project" ? `/api/v4/projects/${level.id}/packages/pypi` : `/api/v4/groups/${level.id}/-/packages/pypi`);
const PIP_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";
const normalized = (name: string) => name.toLowerCase().replace(/[-_.]+/g, "-");

/** The multipart body twine sends for an sdist, in twine's field order. */
async function twineBody(v: PackageVersion, bytes: Uint8Array) {
  const digests = await digestsOf(bytes);
  const fields: Record<string, string> = {
    name: v.name,
    version: v.version,
    filetype: "sdist",
    pyversion: "source",
    metadata_version: "2.1",
    summary: "contract suite package",
    sha256_digest: digests.sha256,
    md5_digest: digests.md5,
    ":action": "file_upload",
    protocol_version: "1",
  };
  const boundary = `----twine${crypto.randomUUID().replace(/-/g, "")}`;
  const enc = new TextEncoder();
  const head = Object.entries(fields).map(([k, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${value}\r\n`).join("");
  const fileHead = `--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="${v.fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const parts = [enc.encode(head + fileHead), bytes, enc.encode(`\r\n--${boundary}--\r\n`)];
  const body = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    body.set(p, offset);
    offset += p.byteLength;
  }
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

export const pypi: ContractFormat = {
  packageType: "pypi",
  // setuptools names the sdist with underscores (PEP 625); the project name keeps its hyphens.
  packageVersion: (name, version) => ({ name, version, fileName: `${name.replace(/-/g, "_")}-${version}.tar.gz` }),
  // twine and pip: Basic with the token as password (gitlab-ci-token for job tokens).
  credentials: basicHeaders,
  upload: async (projectId, v, bytes, headers) => {
    const { body, contentType } = await twineBody(v, bytes);
    return call(prefix({ kind: "project", id: projectId }), { method: "POST", body, headers: { ...headers, "content-type": contentType } });
  },
  uploaded: 201,
  digests: ["md5"],
  downloadPath: (level, v, sha256) => `${prefix(level)}/files/${sha256}/${v.fileName}`,
  groupLevel: true,
  metadata: {
    path: (level, v) => `${prefix(level)}/simple/${normalized(v.name)}/`,
    headers: { accept: PIP_ACCEPT },
    versions: (body) => (JSON.parse(body) as { versions: string[] }).versions,
  },
  duplicates: { byDefault: { status: 400, body: (v) => ({ message: `File ${v.fileName} already exists` }) } },
  challenge: () => BASIC_CHALLENGE,
};
