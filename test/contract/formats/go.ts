// Go's table entry: a module zip is PUT to <module>/@v/<version>.zip (Packyard's upload; go itself never
// publishes), go reads @v/list and downloads the .zip at project level only, with Basic credentials from
// .netrc; a version is uploaded once (409). The suite's unique bytes travel inside a valid module zip.
import { DUPLICATE_MESSAGE } from "../../../src/formats/go/errors";
import { escapePath, goBase, makeZip } from "../../formats/go/support";
import { BASIC_CHALLENGE, basicHeaders, call } from "../support";
import type { ContractFormat, Level, PackageVersion } from "../types";

const projectOnly = (level: Level) => {
  if (level.kind !== "project") throw new Error("Go has no group-level proxy (GitLab has none)");
  return goBase(level.id);
};
const zipPath = (v: PackageVersion) => `${escapePath(v.name)}/@v/${v.version}.zip`;

export const go: ContractFormat = {
  packageType: "golang",
  packageVersion: (base, version) => ({ name: `example.test/contract/${base}`, version: `v${version}`, fileName: `v${version}.zip` }),
  // ~/.netrc: machine <host> login <username> password <token>.
  credentials: basicHeaders,
  fileFor: (v, unique) =>
    makeZip([
      { name: `${v.name}@${v.version}/go.mod`, data: `module ${v.name}\n\ngo 1.19\n` },
      { name: `${v.name}@${v.version}/unique.txt`, data: unique },
    ]),
  upload: (projectId, v, bytes, headers) => call(`${goBase(projectId)}/${zipPath(v)}`, { method: "PUT", body: bytes, headers }),
  uploaded: 201,
  digests: ["md5", "sha1"],
  downloadPath: (level, v) => `${projectOnly(level)}/${zipPath(v)}`,
  groupLevel: false,
  metadata: {
    path: (level, v) => `${projectOnly(level)}/${escapePath(v.name)}/@v/list`,
    headers: {},
    versions: (body) => body.split("\n").filter((line) => line !== ""),
  },
  duplicates: { byDefault: { status: 409, body: () => ({ message: DUPLICATE_MESSAGE }) } },
  challenge: () => BASIC_CHALLENGE,
};
