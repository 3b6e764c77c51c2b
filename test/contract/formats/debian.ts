// Debian's table entry: curl PUTs a .deb to …/debian/<file>?distribution=&component= (GitLab's documented
// form; dput-ng's .changes flow is tested in test/formats/debian), apt downloads it from
// pool/<codename>/<letter>/<name>/<version>/<file> with Basic credentials from auth.conf.d. The server reads
// the control file of every .deb, so the suite's bytes travel as the data member of a real one (fileFor).
// The distribution is created first with the same credentials (an upload needs one). Duplicates are allowed,
// the newest file is served. `metadata` is null: Packages is one document per distribution, component and
// architecture, not per package (its content and access are tested in test/formats/debian). Project level
// only in this table: GitLab's group pool path carries the project id.
import { controlText, deb } from "../../formats/debian/debs";
import { BASIC_CHALLENGE, basicHeaders, call } from "../support";
import type { ContractFormat } from "../types";

const CODENAME = "contract";
const base = (projectId: number) => `/api/v4/projects/${projectId}/packages/debian`;

export const debian: ContractFormat = {
  packageType: "debian",
  packageVersion: (name, version) => {
    const lower = name.toLowerCase();
    return { name: lower, version, fileName: `${lower}_${version}_all.deb` };
  },
  fileFor: (v, unique) => deb(controlText(v.name, v.version), unique),
  credentials: basicHeaders,
  upload: async (projectId, v, bytes, headers) => {
    const existing = await call(`/api/v4/projects/${projectId}/debian_distributions/${CODENAME}`, { headers });
    if (existing.status === 404) {
      await call(`/api/v4/projects/${projectId}/debian_distributions`, { method: "POST", body: `codename=${CODENAME}`, headers: { ...headers, "content-type": "application/x-www-form-urlencoded" } });
    }
    return call(`${base(projectId)}/${v.fileName}?distribution=${CODENAME}&component=main`, { method: "PUT", body: bytes, headers: { ...headers, "content-type": "application/vnd.debian.binary-package" } });
  },
  uploaded: 201,
  digests: ["md5", "sha1"],
  downloadPath: (level, v) => {
    if (level.kind !== "project") throw new Error("Debian's group pool path carries the project id");
    return `${base(level.id)}/pool/${CODENAME}/${v.name.startsWith("lib") ? v.name.slice(0, 4) : v.name.slice(0, 1)}/${v.name}/${v.version}/${v.fileName}`;
  },
  groupLevel: false,
  metadata: null,
  duplicates: { byDefault: "allowed" },
  challenge: () => BASIC_CHALLENGE,
};
