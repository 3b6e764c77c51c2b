// Maven's table entry: mvn deploy PUTs each file (here the jar) under groupId/artifactId/version, reads
// at project and group level, maven-metadata.xml lists the versions; duplicates follow the group setting.
import { BASIC_CHALLENGE, call, tokenHeaders } from "../support";
import type { ContractFormat, Level } from "../types";

const GROUP_ID_PATH = "com/contract";
const projectBase = (id: number) => `/api/v4/projects/${id}/packages/maven`;
const base = (level: Level) => (level.kind === "project" ? projectBase(level.id) : `/api/v4/groups/${level.id}/-/packages/maven`);

export const maven: ContractFormat = {
  packageType: "maven",
  packageVersion: (artifactId, version) => ({ name: `${GROUP_ID_PATH}/${artifactId}`, version, fileName: `${artifactId}-${version}.jar` }),
  // settings.xml <server><configuration><httpHeaders>: Private-Token, Deploy-Token or Job-Token.
  credentials: tokenHeaders,
  upload: (projectId, v, bytes, headers) => call(`${projectBase(projectId)}/${v.name}/${v.version}/${v.fileName}`, { method: "PUT", body: bytes, headers }),
  uploaded: 200,
  digests: ["md5", "sha1", "sha512"],
  downloadPath: (level, v) => `${base(level)}/${v.name}/${v.version}/${v.fileName}`,
  groupLevel: true,
  metadata: {
    path: (level, v) => `${base(level)}/${v.name}/maven-metadata.xml`,
    headers: {},
    versions: (xml) => [.../<versions>([\s\S]*?)<\/versions>/.exec(xml)?.[1]?.matchAll(/<version>([^<]+)<\/version>/g) ?? []].map((m) => m[1]!),
  },
  duplicates: {
    byDefault: "allowed",
    whenForbidden: { settings: { maven_duplicates_allowed: false }, answer: { status: 400, body: () => ({ message: "Duplicate package is not allowed" }) } },
  },
  challenge: () => BASIC_CHALLENGE,
};
