// An npm registry or Verdaccio: package names from --packages, else the registry's search (/-/v1/search,
// which Verdaccio answers for everything it stores), else Verdaccio's own /-/verdaccio/data/packages; then each
// packument (every version's manifest, dist-tags kept) and its tarballs, checked against dist.integrity/shasum.
import { request, requestOk } from "../lib/http.mjs";
import { integrityToHex } from "../lib/parse.mjs";

const SEARCH_PAGE = 250;

export function npmSource(spec, { token, packages, limiter, attempts }) {
  const registry = `${spec.url}/`;
  const headers = token ? { authorization: `Bearer ${token}` } : spec.basic ? { authorization: `Basic ${Buffer.from(`${spec.basic.user}:${spec.basic.password}`).toString("base64")}` } : {};
  const options = { limiter, attempts };
  const getJson = async (url) => (await requestOk(url, () => ({ headers: { accept: "application/json", ...headers } }), options)).json();

  async function names() {
    if (packages) return packages;
    const found = new Set();
    // Search pages until one comes back short (bounded: 400 pages).
    for (let from = 0; from < SEARCH_PAGE * 400; from += SEARCH_PAGE) {
      const res = await request(`${registry}-/v1/search?text=&size=${SEARCH_PAGE}&from=${from}`, () => ({ headers: { accept: "application/json", ...headers } }), options);
      if (!res.ok) {
        await res.body?.cancel();
        break;
      }
      const { objects = [] } = await res.json();
      const before = found.size;
      for (const o of objects) if (o.package?.name) found.add(o.package.name);
      if (objects.length < SEARCH_PAGE || found.size === before) break;
    }
    if (found.size > 0) return [...found].sort();
    const res = await request(`${registry}-/verdaccio/data/packages`, () => ({ headers: { accept: "application/json", ...headers } }), options);
    if (res.ok) return (await res.json()).map((p) => p.name).filter(Boolean).sort();
    throw new Error(`${spec.url} lists no packages (neither /-/v1/search nor /-/verdaccio/data/packages answered): name them with --packages`);
  }

  return {
    describe: `npm registry ${spec.url}`,
    async *items() {
      for (const name of await names()) {
        let doc;
        try {
          doc = await getJson(`${registry}${name.replace("/", "%2f")}`);
        } catch (error) {
          yield { format: "npm", name, version: "*", files: [], error: `reading the packument: ${error.message}` };
          continue;
        }
        const distTags = doc["dist-tags"] ?? {};
        // Oldest first (the packument's `time`), so the target's own order of publication matches the source's.
        const time = doc.time ?? {};
        const versions = Object.keys(doc.versions ?? {}).sort((a, b) => String(time[a] ?? "").localeCompare(String(time[b] ?? "")));
        for (const version of versions) {
          const manifest = doc.versions[version];
          const dist = manifest.dist ?? {};
          if (!dist.tarball) {
            yield { format: "npm", name, version, files: [], error: "the version has no dist.tarball" };
            continue;
          }
          const digests = { sha1: dist.shasum, sha512: integrityToHex(dist.integrity) };
          yield {
            format: "npm",
            name,
            version,
            npm: { manifest, distTags },
            files: [{ fileName: `${name}-${version}.tgz`, digests, open: async () => (await requestOk(dist.tarball, () => ({ headers }), options)).body }],
          };
        }
      }
    },
  };
}
