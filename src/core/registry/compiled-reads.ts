// The declared reads of a project, group or top-level namespace level, as compiled statements
// (src/db/compiled.ts): an authenticated packument, tarball, PyPI page or file download builds none of its
// batch's SQL once its isolate has served one of its kind. A variant is the level's and which optional values
// the read binds.
import { compiledFamily, slot } from "../../db/compiled";
import { idsParam, type Db } from "../../db/client";
import { fileBySha256Queries, tagsQuery, versionQueries } from "../packages";
import { levelProjectIds, type CompiledLevel } from "./read-scope";

/** `project:id|nv`: the level's variant, then a letter per optional value present. */
const variantOf = (level: CompiledLevel, present: Record<string, boolean>) =>
  `${level.variant}|${Object.entries(present)
    .filter(([, on]) => on)
    .map(([letter]) => letter)
    .join("")}`;

function parse(db: Db, variant: string) {
  const [level, letters = ""] = variant.split("|");
  const has = (letter: string) => letters.includes(letter);
  return { projects: levelProjectIds(db, level!, slot("ref")), has };
}

const rowsFamily = compiledFamily((db, variant) => {
  const { projects, has } = parse(db, variant);
  return versionQueries(db, projects, {
    packageType: slot("type"),
    normalizedName: has("n") ? slot("name") : undefined,
    normalizedNames: has("N") ? slot("names") : undefined,
    version: has("v") ? slot("version") : undefined,
  });
});

const tagsFamily = compiledFamily((db, variant) => {
  const { projects, has } = parse(db, variant);
  return [tagsQuery(db, projects, slot("type"), has("n") ? slot("name") : undefined)] as const;
});

const sha256Family = compiledFamily((db, variant) => {
  const { projects, has } = parse(db, variant);
  return fileBySha256Queries(db, projects, slot("type"), slot("sha256"), has("f") ? slot("fileName") : undefined);
});

/** A declared read of package rows (`PackageReads`): its type, and optionally one name or several, and a version. */
export interface RowsRead {
  packageType: string;
  name?: string;
  names?: readonly string[];
  version?: string;
}

/** `versionQueries` of a compiled level (every status: the registry keeps what the route asks for). */
export const compiledVersionQueries = (db: Db, level: CompiledLevel, read: RowsRead) =>
  rowsFamily(db, variantOf(level, { n: read.name !== undefined, N: read.names !== undefined, v: read.version !== undefined }), {
    ...level.values,
    type: read.packageType,
    name: read.name ?? null,
    names: read.names ? idsParam(read.names) : null,
    version: read.version ?? null,
  });

/** `tagsQuery` of a compiled level: the tags of one name, or of every name of the type. */
export const compiledTagsQuery = (db: Db, level: CompiledLevel, packageType: string, name?: string) =>
  tagsFamily(db, variantOf(level, { n: name !== undefined }), { ...level.values, type: packageType, name: name ?? null });

/** `fileBySha256Queries` of a compiled level. */
export const compiledFileBySha256Queries = (db: Db, level: CompiledLevel, packageType: string, sha256: string, fileName?: string) =>
  sha256Family(db, variantOf(level, { f: !!fileName }), { ...level.values, type: packageType, sha256: sha256.toLowerCase(), fileName: fileName || null });
