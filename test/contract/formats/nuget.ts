// NuGet's table entry: nuget pushes a .nupkg (multipart `package`, bare-LF terminator) and reads with Basic after
// a 401 challenge; the flat container serves the .nupkg, the registration index lists the versions; duplicates
// follow the group setting (409). Downloads are project-level only in GitLab, so no group level here.
import { buildNupkg, pushBody } from "../../formats/nuget/support";
import { BASIC_CHALLENGE, basicHeaders, call } from "../support";
import type { ContractFormat, Level } from "../types";

const prefix = (level: Level) => (level.kind === "project" ? `/api/v4/projects/${level.id}/packages/nuget` : `/api/v4/groups/${level.id}/-/packages/nuget`);

export const nuget: ContractFormat = {
  packageType: "nuget",
  packageVersion: (name, version) => ({ name, version, fileName: `${name.toLowerCase()}.${version}.nupkg` }),
  // nuget.config's Username/ClearTextPassword (Basic); push accepts it as well as X-NuGet-ApiKey.
  credentials: basicHeaders,
  // A real package whose content file holds the suite's unique bytes.
  fileFor: (v, bytes) => buildNupkg({ id: v.name, version: v.version, files: [{ name: "content/contract.bin", data: bytes }] }),
  upload: (projectId, _v, bytes, headers) => {
    const { body, contentType } = pushBody(bytes);
    return call(`${prefix({ kind: "project", id: projectId })}/v2/`, { method: "PUT", body, headers: { ...headers, "content-type": contentType } });
  },
  uploaded: 201,
  digests: ["sha512"],
  downloadPath: (level, v) => `${prefix(level)}/download/${v.name.toLowerCase()}/${v.version}/${v.fileName}`,
  groupLevel: false,
  metadata: {
    path: (level, v) => `${prefix(level)}/metadata/${v.name.toLowerCase()}/index.json`,
    headers: {},
    versions: (body) => (JSON.parse(body) as { items: { items?: { catalogEntry: { version: string } }[] }[] }).items.flatMap((page) => (page.items ?? []).map((leaf) => leaf.catalogEntry.version)),
  },
  duplicates: {
    byDefault: "allowed",
    whenForbidden: { settings: { nuget_duplicates_allowed: false }, answer: { status: 409, body: () => ({ message: "A package with the same name and version already exists" }) } },
  },
  challenge: () => BASIC_CHALLENGE,
};
