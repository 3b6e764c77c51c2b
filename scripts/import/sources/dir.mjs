// A directory of files (docs/import.md "Directory layout"):
//   npm/**/*.tgz                                   name and version from the tarball's package/package.json
//   pypi/**/<wheel or sdist>                       name and version from the file name
//   maven/<group path>/<artifactId>/<version>/<file>  a Maven repository's layout (checksum files and
//                                                  maven-metadata.xml are not imported: the target makes its own)
//   generic/<name>/<version>/<file or path/to/file>
// A `<file>.sha256` (or .sha1, .md5) beside a file is the checksum it is verified against; without one, the
// digest read when the run lists the directory is (a file changed during the run fails its upload).
import { createHash } from "node:crypto";
import { createReadStream, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { compareVersions, pypiNameVersion } from "../lib/parse.mjs";

const CHECKSUM = /\.(md5|sha1|sha256|sha512|asc)$/;
/** What Maven's local repository keeps beside artifacts (~/.m2/repository): never published. */
const LOCAL_BOOKKEEPING = /^(_remote\.repositories|_maven\.repositories|resolver-status\.properties|maven-metadata.*\.xml|.*\.lastUpdated)$/;
const MAX_FILES = 200_000;

function walk(root) {
  const out = [];
  const stack = [root];
  while (stack.length && out.length < MAX_FILES) {
    const dir = stack.pop();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile()) out.push(full);
    }
  }
  return out.sort();
}

function digestsOf(file) {
  for (const kind of ["sha256", "sha1", "md5"]) {
    try {
      const hex = readFileSync(`${file}.${kind}`, "utf8").trim().split(/\s+/)[0]?.toLowerCase();
      if (hex && /^[0-9a-f]+$/.test(hex)) return { [kind]: hex };
    } catch {
      /* no sidecar */
    }
  }
  return { sha256: createHash("sha256").update(readFileSync(file)).digest("hex") };
}

/** package/package.json of an npm tarball (gzip + ustar), read in memory: tarballs are small. */
export function packageJsonOf(tgz) {
  const tar = gunzipSync(readFileSync(tgz));
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
    const prefix = header.subarray(345, 500).toString("utf8").replace(/\0.*$/s, "");
    const size = Number.parseInt(header.subarray(124, 136).toString("utf8").replace(/\0.*$/s, "").trim() || "0", 8);
    const full = prefix ? `${prefix}/${name}` : name;
    if (/^[^/]+\/package\.json$/.test(full)) return JSON.parse(tar.subarray(at + 512, at + 512 + size).toString("utf8"));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${tgz}: no package.json in the tarball`);
}

export function dirSource(spec, { formats }) {
  const root = path.resolve(spec.path);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${root} is not a directory`);
  const open = (file) => async () => Readable.toWeb(createReadStream(file));

  return {
    describe: `directory ${root}`,
    async *items() {
      for (const format of formats) {
        const base = path.join(root, format);
        if (!statSync(base, { throwIfNoEntry: false })?.isDirectory()) continue;
        const files = walk(base).filter((f) => !CHECKSUM.test(f));
        const items = new Map();
        const add = (name, version, extra) => {
          const key = `${name}\u0000${version}`;
          if (!items.has(key)) items.set(key, { format, name, version, files: [], ...extra });
          return items.get(key);
        };
        for (const file of files) {
          const rel = path.relative(base, file).split(path.sep);
          try {
            if (format === "npm") {
              if (!file.endsWith(".tgz")) continue;
              const manifest = packageJsonOf(file);
              const digests = digestsOf(file);
              const sha1 = createHash("sha1").update(readFileSync(file)).digest("hex");
              add(manifest.name, manifest.version, { npm: { manifest: { ...manifest, dist: { shasum: sha1 } }, distTags: {} } }).files.push({ fileName: path.basename(file), digests, open: open(file) });
            } else if (format === "pypi") {
              const nv = pypiNameVersion(path.basename(file));
              if (nv) add(nv.name, nv.version).files.push({ fileName: path.basename(file), digests: digestsOf(file), open: open(file) });
            } else if (format === "maven") {
              if (rel.length < 4 || LOCAL_BOOKKEEPING.test(rel.at(-1))) continue;
              add(rel.slice(0, -2).join("/"), rel.at(-2)).files.push({ fileName: rel.at(-1), digests: digestsOf(file), open: open(file) });
            } else if (format === "generic") {
              if (rel.length < 3) continue;
              add(rel[0], rel[1]).files.push({ fileName: rel.slice(2).join("%2F"), digests: digestsOf(file), open: open(file) });
            }
          } catch (error) {
            yield { format, name: rel.join("/"), version: "*", files: [], error: error.message };
          }
        }
        // npm: `latest` is the highest release version found (a publish moves it; the run sets it last).
        if (format === "npm") {
          const latest = new Map();
          for (const item of items.values()) {
            if (item.version.includes("-")) continue;
            const best = latest.get(item.name);
            if (!best || compareVersions(item.version, best) > 0) latest.set(item.name, item.version);
          }
          for (const item of items.values()) if (latest.has(item.name)) item.npm.distTags = { latest: latest.get(item.name) };
        }
        yield* items.values();
      }
    },
  };
}
