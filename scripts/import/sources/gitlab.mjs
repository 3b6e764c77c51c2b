// A GitLab-API source (GitLab itself or another Packyard): the Packages API lists a project's or a group's
// packages and their package_files (with sha256/sha1/md5); each file is downloaded from its format's endpoint.
// npm versions take their manifest and dist-tags from the project's packument; PyPI files their
// requires-python from the project's simple page.
import { requestOk } from "../lib/http.mjs";
import { integrityToHex, parseSimpleHtml } from "../lib/parse.mjs";
import { paginate } from "../lib/target.mjs";

const enc = encodeURIComponent;
const SUPPORTED = ["npm", "pypi", "maven", "generic"];
const CHECKSUM_SUFFIX = /\.(md5|sha1|sha256|sha512|asc)$/;

export function gitlabSource(spec, { token, user, formats, packages, limiter, attempts }) {
  const api = (path) => `${spec.base}/api/v4${path}`;
  const auth = token ? { "PRIVATE-TOKEN": token } : spec.basic ? { authorization: `Basic ${Buffer.from(`${spec.basic.user}:${spec.basic.password}`).toString("base64")}` } : {};
  const secret = token ?? spec.basic?.password;
  const formatAuth = {
    npm: secret ? { authorization: `Bearer ${secret}` } : {},
    pypi: secret ? { authorization: `Basic ${Buffer.from(`${token ? user : spec.basic.user}:${secret}`).toString("base64")}` } : {},
    maven: token ? { "Private-Token": token } : auth,
    generic: auth,
  };
  const options = { limiter, attempts };
  const open = (url, format) => async () => (await requestOk(url, () => ({ headers: formatAuth[format] }), options)).body;
  const packuments = new Map();
  const simplePages = new Map();
  const packument = (projectId, name) => {
    const key = `${projectId}\u0000${name}`;
    if (!packuments.has(key)) packuments.set(key, requestOk(api(`/projects/${projectId}/packages/npm/${name.replace("/", "%2f")}`), () => ({ headers: { accept: "application/json", ...formatAuth.npm } }), options).then((r) => r.json()));
    return packuments.get(key);
  };
  const simplePage = (projectId, name) => {
    const key = `${projectId}\u0000${name}`;
    if (!simplePages.has(key)) {
      const url = api(`/projects/${projectId}/packages/pypi/simple/${enc(name)}`);
      simplePages.set(key, requestOk(url, () => ({ headers: { accept: "text/html", ...formatAuth.pypi } }), options).then(async (r) => parseSimpleHtml(await r.text(), url)).catch(() => []));
    }
    return simplePages.get(key);
  };

  return {
    describe: `${spec.level} ${spec.ref} on ${spec.base}`,
    async *items() {
      const listBase = api(`/${spec.level === "project" ? "projects" : "groups"}/${enc(spec.ref)}/packages`);
      for (const format of formats.filter((f) => SUPPORTED.includes(f))) {
        // One item per project+name+version: GitLab may hold several packages for one version (duplicates).
        const versions = new Map();
        for await (const pkg of paginate(`${listBase}?per_page=100&package_type=${format}&order_by=created_at&sort=asc`, auth, options)) {
          if (!pkg.version || (packages && !packages.includes(pkg.name))) continue;
          const key = `${pkg.project_id}\u0000${pkg.name}\u0000${pkg.version}`;
          const entry = versions.get(key) ?? { pkg, files: new Map() };
          versions.set(key, entry);
          for await (const f of paginate(api(`/projects/${pkg.project_id}/packages/${pkg.id}/package_files?per_page=100`), auth, options)) {
            entry.files.set(f.file_name, f); // ascending ids: the newest upload of a name wins
          }
        }
        for (const { pkg, files } of versions.values()) {
          try {
            yield await itemOf(format, pkg, [...files.values()]);
          } catch (error) {
            yield { format, name: pkg.name, version: pkg.version, project: pkg.project_path, files: [], error: `reading the source: ${error.message}` };
          }
        }
      }
    },
  };

  async function itemOf(format, pkg, files) {
    const pid = pkg.project_id;
    const base = { format, name: pkg.name, version: pkg.version, project: pkg.project_path };
    const digestsOf = (f) => ({ sha256: f.file_sha256 ?? undefined, sha1: f.file_sha1 ?? undefined, md5: f.file_md5 ?? undefined });
    switch (format) {
      case "npm": {
        const doc = await packument(pid, pkg.name);
        const manifest = doc.versions?.[pkg.version];
        if (!manifest) throw new Error(`the packument of ${pkg.name} has no version ${pkg.version}`);
        const tgz = files.find((f) => f.file_name.endsWith(".tgz")) ?? files[0];
        if (!tgz) throw new Error("no tarball in package_files");
        const digests = { ...digestsOf(tgz), sha512: integrityToHex(manifest.dist?.integrity) };
        if (manifest.dist?.shasum) digests.sha1 ??= manifest.dist.shasum;
        return { ...base, npm: { manifest, distTags: doc["dist-tags"] ?? {} }, files: [{ fileName: tgz.file_name, digests, open: open(manifest.dist.tarball, "npm") }] };
      }
      case "pypi": {
        const page = await simplePage(pid, pkg.name);
        return {
          ...base,
          files: files.map((f) => ({
            fileName: f.file_name,
            digests: digestsOf(f),
            requiresPython: page.find((p) => p.fileName === f.file_name)?.requiresPython,
            open: open(api(`/projects/${pid}/packages/pypi/files/${f.file_sha256}/${enc(f.file_name)}`), "pypi"),
          })),
        };
      }
      case "maven":
        // maven-metadata.xml is generated by the target from its own versions; checksum files are served from digests.
        return {
          ...base,
          files: files
            .filter((f) => f.file_name !== "maven-metadata.xml" && !CHECKSUM_SUFFIX.test(f.file_name))
            .map((f) => ({ fileName: f.file_name, digests: digestsOf(f), open: open(api(`/projects/${pid}/packages/maven/${pkg.name.split("/").map(enc).join("/")}/${enc(pkg.version)}/${enc(f.file_name)}`), "maven") })),
        };
      case "generic":
        return {
          ...base,
          files: files.map((f) => ({ fileName: f.file_name, digests: digestsOf(f), open: open(api(`/projects/${pid}/packages/generic/${enc(pkg.name)}/${enc(pkg.version)}/${decodeURIComponent(f.file_name).split("/").map(enc).join("/")}`), "generic") })),
        };
    }
  }
}
