// A Verdaccio storage directory (its `storage:` setting), read without Verdaccio running: each package folder
// (`<name>/` or `@scope/<name>/`) holds the packument Verdaccio keeps (`package.json`: versions, dist-tags,
// times) and the tarballs it stores; versions are imported oldest first, each tarball checked against the
// packument's dist.integrity/shasum. Versions whose tarball is not there (cached from an uplink but never
// downloaded) are reported as failed with that reason.
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { integrityToHex } from "../lib/parse.mjs";

function packageDirs(root) {
  const out = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const dir = path.join(root, entry.name);
    if (entry.name.startsWith("@")) {
      for (const sub of readdirSync(dir, { withFileTypes: true })) if (sub.isDirectory()) out.push(path.join(dir, sub.name));
    } else out.push(dir);
  }
  return out.filter((d) => existsSync(path.join(d, "package.json"))).sort();
}

export function verdaccioStorageSource(spec, { packages }) {
  const root = path.resolve(spec.path);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${root} is not a directory`);
  return {
    describe: `Verdaccio storage ${root}`,
    async *items() {
      for (const dir of packageDirs(root)) {
        let doc;
        try {
          doc = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
        } catch (error) {
          yield { format: "npm", name: path.relative(root, dir), version: "*", files: [], error: `reading package.json: ${error.message}` };
          continue;
        }
        const name = doc.name;
        if (!name || (packages && !packages.includes(name))) continue;
        const time = doc.time ?? {};
        const versions = Object.keys(doc.versions ?? {}).sort((a, b) => String(time[a] ?? "").localeCompare(String(time[b] ?? "")));
        for (const version of versions) {
          const manifest = doc.versions[version];
          const dist = manifest.dist ?? {};
          const fileName = dist.tarball ? decodeURIComponent(new URL(dist.tarball, "http://x/").pathname.split("/").pop()) : `${name.split("/").pop()}-${version}.tgz`;
          const file = path.join(dir, fileName);
          if (!existsSync(file)) {
            yield { format: "npm", name, version, files: [], error: `${fileName} is not in the storage (a version cached from an uplink but never downloaded?)` };
            continue;
          }
          yield {
            format: "npm",
            name,
            version,
            npm: { manifest, distTags: doc["dist-tags"] ?? {} },
            files: [{ fileName, digests: { sha1: dist.shasum, sha512: integrityToHex(dist.integrity) }, open: async () => Readable.toWeb(createReadStream(file)) }],
          };
        }
      }
    },
  };
}
