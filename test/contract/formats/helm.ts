// Helm's table entry: helm cm-push POSTs a multipart form (field `chart`) to …/helm/api/stable/charts with
// Basic auth, helm downloads …/helm/stable/charts/<name>-<version>.tgz (project level only, as GitLab). The
// server reads every chart, so the suite's unique bytes travel inside a real one (fileFor). Duplicates are
// allowed and the newest upload is served. `metadata` is null: index.yaml is one document per channel, not
// per package, and stays 200 with no entries once the last chart is deleted (helm cm-push reads it before
// the first upload), so the suite's per-package metadata checks do not fit it; index.yaml's access, cache
// and content are tested in test/formats/helm.
import { chartYaml, gzip, multipart, tar } from "../../formats/helm/charts";
import { BASIC_CHALLENGE, basicHeaders, call } from "../support";
import type { ContractFormat } from "../types";

const CHANNEL = "stable";
const base = (projectId: number) => `/api/v4/projects/${projectId}/packages/helm`;

export const helm: ContractFormat = {
  packageType: "helm",
  packageVersion: (name, version) => ({ name, version, fileName: `${name}-${version}.tgz` }),
  fileFor: (v, unique) => gzip(tar([{ name: `${v.name}/Chart.yaml`, data: chartYaml(v.name, v.version) }, { name: `${v.name}/unique.bin`, data: unique }])),
  // helm and helm cm-push: the repository's username and password (the token) as Basic.
  credentials: basicHeaders,
  upload: (projectId, v, bytes, headers) => {
    const form = multipart([{ name: "chart", filename: v.fileName, data: bytes }]);
    return call(`${base(projectId)}/api/${CHANNEL}/charts`, { method: "POST", body: form.body, headers: { ...headers, "content-type": form.contentType } });
  },
  uploaded: 201,
  digests: [],
  downloadPath: (level, v) => {
    if (level.kind !== "project") throw new Error("Helm has no group-level endpoint");
    return `${base(level.id)}/${CHANNEL}/charts/${v.fileName}`;
  },
  groupLevel: false,
  metadata: null,
  duplicates: { byDefault: "allowed" },
  challenge: () => BASIC_CHALLENGE,
};
