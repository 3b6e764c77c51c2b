// A PyPI simple index: project names from the root page (or --packages), each project page as PEP 691 JSON
// when the server offers it, else PEP 503 HTML; name and version from each file name; the sha256 of the URL
// fragment (or the JSON hashes) is what every downloaded byte is checked against.
import { requestOk } from "../lib/http.mjs";
import { normalizePypiName, parseSimpleHtml, parseSimpleJson, parseSimpleRoot, pypiNameVersion } from "../lib/parse.mjs";

const ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.1";

export function pypiSource(spec, { token, user, packages, limiter, attempts }) {
  const index = `${spec.url}/`;
  const credentials = token ? `${user}:${token}` : spec.basic ? `${spec.basic.user}:${spec.basic.password}` : null;
  const headers = credentials ? { authorization: `Basic ${Buffer.from(credentials).toString("base64")}` } : {};
  const options = { limiter, attempts };

  async function page(url) {
    const res = await requestOk(url, () => ({ headers: { accept: ACCEPT, ...headers } }), options);
    const isJson = (res.headers.get("content-type") ?? "").includes("json");
    return { isJson, body: isJson ? await res.json() : await res.text(), url: res.url || url };
  }

  return {
    describe: `PyPI simple index ${spec.url}`,
    async *items() {
      let names = packages;
      if (!names) {
        const root = await page(index);
        names = parseSimpleRoot(root.body, root.isJson);
      }
      for (const project of names) {
        let files;
        try {
          const p = await page(`${index}${normalizePypiName(project)}/`);
          files = p.isJson ? parseSimpleJson(p.body, p.url) : parseSimpleHtml(p.body, p.url);
        } catch (error) {
          yield { format: "pypi", name: project, version: "*", files: [], error: `reading the project page: ${error.message}` };
          continue;
        }
        // One item per version; the name as the file spells it (the target normalises it for lookups).
        const versions = new Map();
        for (const f of files) {
          const nv = pypiNameVersion(f.fileName);
          if (!nv) continue;
          if (!f.sha256) {
            yield { format: "pypi", name: project, version: nv.version, files: [], error: `${f.fileName}: the index gives no sha256 to verify it against` };
            continue;
          }
          const entry = versions.get(nv.version) ?? { format: "pypi", name: project, version: nv.version, files: [] };
          versions.set(nv.version, entry);
          entry.files.push({
            fileName: f.fileName,
            digests: { sha256: f.sha256 },
            requiresPython: f.requiresPython,
            open: async () => (await requestOk(f.url, () => ({ headers }), options)).body,
          });
        }
        yield* versions.values();
      }
    },
  };
}
