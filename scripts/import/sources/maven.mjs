// A Maven repository: artifacts from --artifacts (groupId:artifactId) or found by crawling HTML directory
// listings down to each maven-metadata.xml; versions from that metadata; each version's files from its
// directory listing, else (repositories without listings, such as GitLab) from a SNAPSHOT's version-level
// metadata or the usual names (<a>-<v>.pom, the packaging's artifact, -sources.jar, -javadoc.jar, .module)
// probed with HEAD. Every file is checked against the repository's .sha256 or .sha1 (or .md5).
import { request, requestOk } from "../lib/http.mjs";
import { listingLinks, parseMavenMetadata, snapshotFileNames } from "../lib/parse.mjs";

const CHECKSUM = /\.(md5|sha1|sha256|sha512)$/;
const MAX_DIRECTORIES = 20_000;
const MAX_DEPTH = 12;

export function mavenSource(spec, { token, user, artifacts, limiter, attempts }) {
  const root = `${spec.url}/`;
  const credentials = spec.basic ? `${spec.basic.user}:${spec.basic.password}` : null;
  // GitLab and Packyard take Private-Token; other repositories Basic.
  const headers = token ? (user === "__token__" ? { "Private-Token": token } : { authorization: `Basic ${Buffer.from(`${user}:${token}`).toString("base64")}` }) : credentials ? { authorization: `Basic ${Buffer.from(credentials).toString("base64")}` } : {};
  const options = { limiter, attempts };
  const enc = (path) => path.split("/").map(encodeURIComponent).join("/");
  const get = (path) => request(`${root}${enc(path)}`, () => ({ headers }), options);
  const text = async (path) => {
    const res = await get(path);
    if (!res.ok) {
      await res.body?.cancel();
      return null;
    }
    return res.text();
  };
  const exists = async (path) => {
    const res = await request(`${root}${enc(path)}`, () => ({ method: "HEAD", headers }), options);
    await res.body?.cancel();
    return res.ok;
  };

  /** Artifact paths (`com/acme/lib`) under the root, breadth first through directory listings. */
  async function crawl() {
    const found = [];
    const queue = [{ path: "", depth: 0 }];
    let seen = 0;
    while (queue.length && seen < MAX_DIRECTORIES) {
      const { path, depth } = queue.shift();
      seen++;
      const html = await text(path ? `${path}/` : "").catch(() => null);
      if (html === null) {
        if (path === "") throw new Error(`${spec.url} has no directory listing: name the artifacts with --artifacts groupId:artifactId,…`);
        continue;
      }
      const links = listingLinks(html);
      if (links.includes("maven-metadata.xml") && path) found.push(path);
      if (depth >= MAX_DEPTH) continue;
      for (const link of links) if (link.endsWith("/")) queue.push({ path: `${path ? `${path}/` : ""}${link.slice(0, -1)}`, depth: depth + 1 });
    }
    return found;
  }

  async function filesOf(artifactPath, artifactId, version) {
    const dir = `${artifactPath}/${version}`;
    const listing = await text(`${dir}/`).catch(() => null);
    if (listing !== null) {
      const links = listingLinks(listing).filter((l) => !l.endsWith("/") && !CHECKSUM.test(l) && l !== "maven-metadata.xml" && !l.includes("/"));
      if (links.length) return links;
    }
    if (version.endsWith("-SNAPSHOT")) {
      const xml = await text(`${dir}/maven-metadata.xml`);
      if (!xml) throw new Error(`${dir}: no maven-metadata.xml to name the SNAPSHOT's files`);
      return [...new Set(snapshotFileNames(artifactId, parseMavenMetadata(xml)))];
    }
    const pom = `${artifactId}-${version}.pom`;
    const pomText = await text(`${dir}/${pom}`);
    if (pomText === null) throw new Error(`${dir}/${pom} is missing`);
    const packaging = /<packaging>\s*([^<\s]+)\s*<\/packaging>/.exec(pomText.replace(/<parent>[\s\S]*?<\/parent>/, ""))?.[1] ?? "jar";
    const extension = ["bundle", "maven-plugin", "ejb", "eclipse-plugin"].includes(packaging) ? "jar" : packaging;
    const candidates = [`${artifactId}-${version}-sources.jar`, `${artifactId}-${version}-javadoc.jar`, `${artifactId}-${version}.module`];
    if (extension !== "pom") candidates.unshift(`${artifactId}-${version}.${extension}`);
    const present = [];
    for (const c of candidates) if (await exists(`${dir}/${c}`)) present.push(c);
    return [...present, pom];
  }

  /** The repository's own checksum of a file: .sha256, else .sha1, else .md5. */
  async function checksumOf(path) {
    for (const kind of ["sha256", "sha1", "md5"]) {
      const body = await text(`${path}.${kind}`);
      const hex = body?.trim().split(/\s+/)[0]?.toLowerCase();
      if (hex && /^[0-9a-f]+$/.test(hex)) return { [kind]: hex };
    }
    return null;
  }

  return {
    describe: `Maven repository ${spec.url}`,
    async *items() {
      const paths = artifacts ? artifacts.map((a) => a.replace(/^([^:]+):(.+)$/, (_, g, art) => `${g.replaceAll(".", "/")}/${art}`)) : await crawl();
      for (const artifactPath of paths) {
        const artifactId = artifactPath.split("/").pop();
        const xml = await text(`${artifactPath}/maven-metadata.xml`);
        if (!xml) {
          yield { format: "maven", name: artifactPath, version: "*", files: [], error: "no maven-metadata.xml" };
          continue;
        }
        for (const version of parseMavenMetadata(xml).versions) {
          try {
            const names = await filesOf(artifactPath, artifactId, version);
            const files = [];
            for (const fileName of names) {
              const path = `${artifactPath}/${version}/${fileName}`;
              const digests = await checksumOf(path);
              if (!digests) throw new Error(`${fileName}: the repository has no .sha256, .sha1 or .md5 to verify it against`);
              files.push({ fileName, digests, open: async () => (await requestOk(`${root}${enc(path)}`, () => ({ headers }), options)).body });
            }
            yield { format: "maven", name: artifactPath, version, files };
          } catch (error) {
            yield { format: "maven", name: artifactPath, version, files: [], error: error.message };
          }
        }
      }
    },
  };
}
