// Conan's table entry: the client PUTs each file to the URL upload_urls handed out (here conanfile.py of a
// v1 recipe, revision 0) with a Bearer token (users/authenticate's token in real use; the credential here);
// reads are project level only (GitLab has no group-level Conan remote).
// Re-uploads are stored again and the newest file is served, as GitLab does.
import { BASIC_CHALLENGE, bearerHeaders, call } from "../support";
import type { ContractFormat, Level, PackageVersion } from "../types";

const USER_CHANNEL = "contract/stable";
const recipeName = (base: string) => base.replace(/[^a-zA-Z0-9_.+-]/g, "-").slice(-50);
const v1 = (projectId: number) => `/api/v4/projects/${projectId}/packages/conan/v1`;
const filePath = (projectId: number, v: PackageVersion) => `${v1(projectId)}/files/${v.name}/${v.version}/${USER_CHANNEL}/0/export/${v.fileName}`;

export const conan: ContractFormat = {
  packageType: "conan",
  packageVersion: (base, version) => ({ name: recipeName(base), version, fileName: "conanfile.py" }),
  credentials: bearerHeaders,
  upload: (projectId, v, bytes, headers) => call(filePath(projectId, v), { method: "PUT", body: bytes, headers: { ...headers, "content-length": String(bytes.byteLength) } }),
  uploaded: 200,
  digests: ["md5", "sha1"],
  downloadPath: (level: Level, v) => filePath(level.id, v),
  groupLevel: false,
  // Conan has no per-name version document (search answers 200 with no results once a recipe is gone).
  metadata: null,
  duplicates: { byDefault: "allowed" },
  challenge: () => BASIC_CHALLENGE,
};
