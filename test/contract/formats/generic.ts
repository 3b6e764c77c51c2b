// Generic's table entry: curl PUTs the file to /generic/:name/:version/:file_name and GETs it back (project
// level only); there is no metadata document; duplicates follow the group setting.
import { BASIC_CHALLENGE, basicHeaders, call, tokenHeaders } from "../support";
import type { ContractFormat, PackageVersion } from "../types";

const path = (projectId: number, v: PackageVersion) => `/api/v4/projects/${projectId}/packages/generic/${v.name}/${v.version}/${v.fileName}`;

export const generic: ContractFormat = {
  packageType: "generic",
  packageVersion: (name, version) => ({ name, version, fileName: `${name}-${version}.bin` }),
  // GitLab's curl examples: --header "PRIVATE-TOKEN: …", --header "JOB-TOKEN: …", --user "<deploy username>:<token>".
  credentials: (credential) => (credential?.kind === "deploy" ? basicHeaders(credential) : tokenHeaders(credential)),
  // curl --upload-file sends the length.
  upload: (projectId, v, bytes, headers) => call(path(projectId, v), { method: "PUT", body: bytes, headers: { ...headers, "content-length": String(bytes.byteLength) } }),
  uploaded: 201,
  digests: [],
  downloadPath: (level, v) => {
    if (level.kind !== "project") throw new Error("Generic has no group-level endpoint");
    return path(level.id, v);
  },
  groupLevel: false,
  metadata: null,
  duplicates: {
    byDefault: "allowed",
    whenForbidden: {
      settings: { generic_duplicates_allowed: false },
      answer: { status: 400, body: () => ({ message: "400 Bad request - Duplicate package is not allowed" }) },
    },
  },
  challenge: () => BASIC_CHALLENGE,
};
