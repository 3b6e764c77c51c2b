// npm's table entry: `npm publish` PUTs the packument with the tarball base64-encoded in _attachments,
// installs read the abbreviated packument and the tarball at project and group level; a version is
// published once (403).
import { BASIC_CHALLENGE, base64, bearerHeaders, call, digestsOf } from "../support";
import type { ContractFormat, Level, PackageVersion } from "../types";

const prefix = (level: Level) => (level.kind === "project" ? `/api/v4/projects/${level.id}/packages/npm` : `/api/v4/groups/${level.id}/-/packages/npm`);
const INSTALL_ACCEPT = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*";

/** The JSON npm 11 PUTs for one version (dist.shasum and dist.integrity computed from the tarball). */
async function publishBody(v: PackageVersion, tarball: Uint8Array): Promise<string> {
  const digests = await digestsOf(tarball);
  return JSON.stringify({
    _id: v.name,
    name: v.name,
    description: "contract suite package",
    "dist-tags": { latest: v.version },
    versions: {
      [v.version]: {
        name: v.name,
        version: v.version,
        _id: `${v.name}@${v.version}`,
        dist: { shasum: digests.sha1, integrity: `sha512-${base64(digests.sha512)}`, tarball: `http://client.invalid/${v.name}/-/${v.fileName}` },
      },
    },
    access: null,
    _attachments: { [v.fileName]: { content_type: "application/octet-stream", data: base64(tarball), length: tarball.byteLength } },
  });
}

export const npm: ContractFormat = {
  packageType: "npm",
  packageVersion: (name, version) => ({ name, version, fileName: `${name}-${version}.tgz` }),
  // .npmrc `//host/…/:_authToken=<token>`, whatever kind of token it is.
  credentials: bearerHeaders,
  upload: async (projectId, v, bytes, headers) =>
    call(`${prefix({ kind: "project", id: projectId })}/${v.name}`, {
      method: "PUT",
      body: await publishBody(v, bytes),
      headers: { ...headers, "content-type": "application/json", "npm-command": "publish" },
    }),
  uploaded: 200,
  digests: ["sha1", "sha512"],
  downloadPath: (level, v) => `${prefix(level)}/${v.name}/-/${v.fileName}`,
  groupLevel: true,
  metadata: {
    path: (level, v) => `${prefix(level)}/${v.name}`,
    headers: { accept: INSTALL_ACCEPT },
    versions: (body) => Object.keys((JSON.parse(body) as { versions: Record<string, unknown> }).versions),
  },
  duplicates: { byDefault: { status: 403, body: () => ({ error: "Package already exists" }) } },
  // npm says "run npm login" after either; a rejected token gets Bearer so it reads "your token seems invalid".
  challenge: (sentCredential) => (sentCredential ? 'Bearer realm="GitLab Packages Registry"' : BASIC_CHALLENGE),
};
