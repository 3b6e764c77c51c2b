// Terraform's table entry: curl PUTs the module archive to the project (there is no publish client);
// terraform reads the versions document and the archive in the top-level namespace (the group level here)
// and HTTP sources download from the project. A version is published once (403). GitLab has no project-level
// versions document: the project-level metadata is Packyard's …/:name/:system/versions (docs/formats/terraform.md).
import { BASIC_CHALLENGE, call, tokenHeaders } from "../support";
import type { ContractFormat, Level, PackageVersion } from "../types";

const SYSTEM = "local";
/** The contract's base names carry `_` and may be long: a module name is 1–64 of [a-z0-9-]. */
const moduleName = (base: string) => base.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(-64);
const nameOf = (v: PackageVersion) => v.name.split("/")[0]!;
const projectPath = (projectId: number, v: PackageVersion) => `/api/v4/projects/${projectId}/packages/terraform/modules/${nameOf(v)}/${SYSTEM}`;
const namespacePath = (namespace: number, v: PackageVersion) => `/api/v4/packages/terraform/modules/v1/${namespace}/${nameOf(v)}/${SYSTEM}`;
const at = (level: Level, v: PackageVersion) => (level.kind === "project" ? projectPath(level.id, v) : namespacePath(level.id, v));

export const terraform: ContractFormat = {
  packageType: "terraform_module",
  packageVersion: (base, version) => {
    const name = moduleName(base);
    return { name: `${name}/${SYSTEM}`, version, fileName: `${name}-${SYSTEM}-${version}.tgz` };
  },
  // GitLab's upload takes the token headers; terraform's reads send the same token as Bearer, .netrc as Basic.
  credentials: tokenHeaders,
  upload: (projectId, v, bytes, headers) =>
    call(`${projectPath(projectId, v)}/${v.version}/file`, { method: "PUT", body: bytes, headers: { ...headers, "content-length": String(bytes.byteLength) } }),
  uploaded: 201,
  digests: [],
  downloadPath: (level, v) => `${at(level, v)}/${v.version}${level.kind === "project" ? "" : "/file"}`,
  groupLevel: true,
  metadata: {
    path: (level, v) => `${at(level, v)}/versions`,
    headers: {},
    versions: (body) => (JSON.parse(body) as { modules: { versions: { version: string }[] }[] }).modules.flatMap((m) => m.versions.map((x) => x.version)),
  },
  duplicates: { byDefault: { status: 403, body: () => ({ message: "A module with the same name & version already exists in the project." }) } },
  challenge: () => BASIC_CHALLENGE,
};
