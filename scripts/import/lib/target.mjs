// The target Packyard: resolves --to, lists what is already there (Packages API + package_files), and publishes
// through each format's normal endpoint, so the publish coordinator, duplicate rules and digest checks apply.
import { fileKey, nextLink } from "./parse.mjs";
import { getJson, HttpError, request, requestOk } from "./http.mjs";

const enc = encodeURIComponent;

export class Target {
  constructor({ url, token, attempts }) {
    this.url = url;
    this.token = token;
    this.options = { attempts };
    this.indexes = new Map();
  }

  api(path) {
    return `${this.url}/api/v4${path}`;
  }

  get headers() {
    return { "PRIVATE-TOKEN": this.token };
  }

  /** `--to`: a project (id or full path) → `{kind:"project", id, path}`; else a group → `{kind:"group", id, path}`. */
  async resolve(ref) {
    const project = await request(this.api(`/projects/${enc(ref)}`), () => ({ headers: this.headers }), this.options);
    if (project.ok) {
      const p = await project.json();
      return { kind: "project", id: p.id, path: p.path_with_namespace };
    }
    await project.body?.cancel();
    if (project.status === 401) throw new Error(`the target refused the token (401) at ${this.url}`);
    const group = await request(this.api(`/groups/${enc(ref)}`), () => ({ headers: this.headers }), this.options);
    if (group.ok) {
      const g = await group.json();
      return { kind: "group", id: g.id, path: g.full_path };
    }
    throw new Error(`--to ${ref}: no such project or group on ${this.url} (${project.status}/${group.status})`);
  }

  /** The project `<group>/<path>`, created (private) when missing: where a source project lands in a group target. */
  async projectIn(group, path, dryRun) {
    const full = `${group.path}/${path}`;
    const found = await request(this.api(`/projects/${enc(full)}`), () => ({ headers: this.headers }), this.options);
    if (found.ok) {
      const p = await found.json();
      return { kind: "project", id: p.id, path: p.path_with_namespace };
    }
    await found.body?.cancel();
    if (dryRun) return { kind: "project", id: null, path: full };
    const created = await requestOk(
      this.api("/projects"),
      () => ({ method: "POST", headers: { ...this.headers, "content-type": "application/json" }, body: JSON.stringify({ name: path, path, namespace_id: group.id }) }),
      this.options,
    );
    const p = await created.json();
    return { kind: "project", id: p.id, path: p.path_with_namespace };
  }

  /**
   * Every file the project has, by fileKey → digests (one Packages API page per 100 packages, then one
   * package_files request per package). Loaded once per project and kept up to date as files are imported.
   */
  index(projectId) {
    if (projectId === null) return Promise.resolve(new Map());
    if (!this.indexes.has(projectId)) this.indexes.set(projectId, this.#load(projectId));
    return this.indexes.get(projectId);
  }

  async #load(projectId) {
    const index = new Map();
    for await (const pkg of paginate(this.api(`/projects/${projectId}/packages?per_page=100`), this.headers, this.options)) {
      for await (const f of paginate(this.api(`/projects/${projectId}/packages/${pkg.id}/package_files?per_page=100`), this.headers, this.options)) {
        index.set(fileKey(pkg.package_type, pkg.name, pkg.version ?? "", f.file_name), { sha256: f.file_sha256, sha1: f.file_sha1, md5: f.file_md5 });
      }
    }
    return index;
  }

  async remember(projectId, key, digests) {
    (await this.index(projectId)).set(key, digests);
  }

  /** npm: PUT the one-version document npm publish sends, tarball inline (base64). */
  async publishNpm(projectId, { name, version, manifest, tag }, bytes) {
    const fileName = `${name}-${version}.tgz`;
    const body = {
      _id: name,
      name,
      "dist-tags": { [tag]: version },
      versions: { [version]: { ...manifest, name, version, _id: `${name}@${version}`, dist: { ...manifest.dist, tarball: `${this.npmBase(projectId)}${name}/-/${fileName}` } } },
      _attachments: { [fileName]: { content_type: "application/octet-stream", data: Buffer.from(bytes).toString("base64"), length: bytes.byteLength } },
    };
    await requestOk(
      `${this.npmBase(projectId)}${name.replace("/", "%2f")}`,
      () => ({ method: "PUT", headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" }, body: JSON.stringify(body) }),
      this.options,
    );
  }

  npmBase(projectId) {
    return this.api(`/projects/${projectId}/packages/npm/`);
  }

  async npmTags(projectId, name) {
    const res = await request(`${this.npmBase(projectId)}-/package/${name.replace("/", "%2f")}/dist-tags`, () => ({ headers: { authorization: `Bearer ${this.token}` } }), this.options);
    if (res.status === 404) return {};
    if (!res.ok) throw new HttpError(`dist-tags of ${name}: ${res.status}`, res.status);
    return res.json();
  }

  async setNpmTag(projectId, name, tag, version) {
    await requestOk(
      `${this.npmBase(projectId)}-/package/${name.replace("/", "%2f")}/dist-tags/${enc(tag)}`,
      () => ({ method: "PUT", headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" }, body: JSON.stringify(version) }),
      this.options,
    );
  }

  /** npm deprecate: the packument's `versions[v].deprecated` PUT back without attachments (Maintainer). */
  async deprecateNpm(projectId, name, messages) {
    const versions = Object.fromEntries(Object.entries(messages).map(([version, deprecated]) => [version, { name, version, deprecated }]));
    const res = await requestOk(
      `${this.npmBase(projectId)}${name.replace("/", "%2f")}`,
      () => ({ method: "PUT", headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" }, body: JSON.stringify({ _id: name, name, versions }) }),
      this.options,
    );
    await res.body?.cancel();
  }

  /**
   * PyPI: the multipart body twine sends, streamed: fields, the file, then md5_digest/sha256_digest computed on
   * the way (the server checks every digest field wherever it stands). `open()` gives a fresh hashed stream.
   */
  async publishPypi(projectId, { name, version, fileName, requiresPython, sha256, md5 }, open) {
    const boundary = `----packyard-import-${crypto.randomUUID()}`;
    const field = (k, v) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
    const fields = { ":action": "file_upload", protocol_version: "1", name, version, filetype: fileName.endsWith(".whl") ? "bdist_wheel" : "sdist" };
    if (requiresPython) fields.requires_python = requiresPython;
    if (sha256) fields.sha256_digest = sha256;
    if (md5) fields.md5_digest = md5;
    const head = `${Object.entries(fields).map(([k, v]) => field(k, v)).join("")}--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    const res = await requestOk(
      this.api(`/projects/${projectId}/packages/pypi`),
      async () => {
        const { stream, result } = await open();
        const encoder = new TextEncoder();
        async function* body() {
          yield encoder.encode(head);
          for await (const chunk of stream) yield chunk;
          // Known only now: the digests of what was read (the server compares them with what it stored).
          yield encoder.encode(`\r\n${sha256 ? "" : field("sha256_digest", result.digests.sha256)}${md5 ? "" : field("md5_digest", result.digests.md5)}--${boundary}--\r\n`);
        }
        return {
          method: "POST",
          headers: { authorization: `Basic ${Buffer.from(`__token__:${this.token}`).toString("base64")}`, "content-type": `multipart/form-data; boundary=${boundary}` },
          body: ReadableStream.from(body()),
        };
      },
      this.options,
    );
    await res.body?.cancel();
  }

  /** Maven: PUT the file with X-Checksum-* headers from the source (the server verifies them). */
  async publishMaven(projectId, { name, version, fileName, sha1, sha256 }, open) {
    const headers = { "Private-Token": this.token, "content-type": "application/octet-stream" };
    if (sha1) headers["X-Checksum-Sha1"] = sha1;
    if (sha256) headers["X-Checksum-Sha256"] = sha256;
    const path = `${name}/${version}/${fileName}`.split("/").map(enc).join("/");
    const res = await requestOk(this.api(`/projects/${projectId}/packages/maven/${path}`), async () => ({ method: "PUT", headers, body: (await open()).stream }), this.options);
    await res.body?.cancel();
  }

  /**
   * Generic: PUT the file; `select=package_file` answers with the stored digests, compared with what was read.
   * `fileName` is the stored name (a path's "/" as %2F, as package_files lists it).
   */
  async publishGeneric(projectId, { name, version, fileName }, open) {
    let read;
    const res = await requestOk(
      this.api(`/projects/${projectId}/packages/generic/${enc(name)}/${enc(version)}/${decodeURIComponent(fileName).split("/").map(enc).join("/")}?select=package_file`),
      async () => {
        read = await open();
        return { method: "PUT", headers: { "PRIVATE-TOKEN": this.token, "content-type": "application/octet-stream" }, body: read.stream };
      },
      this.options,
    );
    const stored = await res.json();
    if (stored.file_sha256 && read.result.digests && stored.file_sha256 !== read.result.digests.sha256) {
      throw new Error(`the target stored sha256 ${stored.file_sha256}, the source sent ${read.result.digests.sha256}`);
    }
  }
}

/** Every item of a GitLab-paginated list (follows the Link header's rel="next"). */
export async function* paginate(url, headers, options) {
  let next = url;
  for (let pages = 0; next && pages < 10_000; pages++) {
    const res = await requestOk(next, () => ({ headers: { accept: "application/json", ...headers } }), options);
    const items = await res.json();
    for (const item of items) yield item;
    const link = nextLink(res.headers.get("link"));
    const nextPage = res.headers.get("x-next-page");
    if (link) next = link;
    else if (nextPage) {
      const u = new URL(next);
      u.searchParams.set("page", nextPage);
      next = u.href;
    } else next = null;
  }
}

export { getJson };
