// Composer's table entry: an archive (a zip with composer.json, as `composer archive` makes) POSTed as the
// multipart field `package` (Composer has no publish command; GitLab's docs use curl); composer installs
// with `http-basic` (Basic, resolved by the password) or `gitlab-token`, reads `p2/<vendor>/<name>.json`
// at group (GitLab's singular `group` path) and project level, and downloads the dist archive at project
// level. The server reads every archive, so the suite's unique bytes travel inside a real one (fileFor). A
// different archive of the same version replaces it, as GitLab does.
import { multipart, packageZip } from "../../formats/composer/helpers";
import { BASIC_CHALLENGE, basicHeaders, call } from "../support";
import type { ContractFormat, Level } from "../types";

const project = (id: number) => `/api/v4/projects/${id}/packages/composer`;
const repository = (level: Level) => (level.kind === "project" ? project(level.id) : `/api/v4/group/${level.id}/-/packages/composer`);

export const composer: ContractFormat = {
  packageType: "composer",
  packageVersion: (base, version) => ({ name: `packyard/${base.toLowerCase()}`, version, fileName: `packyard-${base.toLowerCase()}-${version}.zip` }),
  fileFor: async (v, unique) => packageZip({ name: v.name, version: v.version, type: "library" }, { extra: [{ name: "package/unique.bin", data: unique }] }),
  credentials: basicHeaders,
  upload: (projectId, v, bytes, headers) => {
    const form = multipart([{ name: "package", value: bytes, filename: v.fileName }]);
    return call(project(projectId), { method: "POST", body: form.body, headers: { ...headers, "content-type": form.contentType } });
  },
  uploaded: 201,
  digests: ["sha1"],
  downloadPath: (level, v, sha256) => {
    if (level.kind !== "project") throw new Error("Composer dist archives are served at project level");
    return `${project(level.id)}/archives/${v.name}.zip?sha=${sha256}`;
  },
  groupLevel: false,
  metadata: {
    path: (level, v) => `${repository(level)}/p2/${v.name}.json`,
    headers: { "User-Agent": "Composer/2.5.5 (Linux; 6.1.0; PHP 8.2.36)" },
    versions: (body) => {
      const packages = (JSON.parse(body) as { packages: Record<string, { version: string }[]> }).packages;
      return Object.values(packages).flatMap((list) => list.map((entry) => entry.version));
    },
  },
  duplicates: { byDefault: "allowed" },
  challenge: () => BASIC_CHALLENGE,
};
