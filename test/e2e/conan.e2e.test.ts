// Conan end to end over real HTTP against `wrangler dev`. The conan client does not install here (PyPI only,
// which is offline; no Debian package), so curl replays the requests conan 1 (rest_client_v1) and conan 2
// (rest_client_v2) send, in their order and with their headers: ping, login (check_credentials → 401 →
// users/authenticate with Basic → Bearer token), upload of a recipe and a binary, search, install
// (download and unpack), and remove, at project level (v1 and v2) and instance level (v1).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Seeder, startRegistry, type Registry } from "./support/registry";

let registry: Registry;
let work: string;
type User = { id: number; username: string; token: string };
let dev: User;
let maintainer: User;
let reporter: User;
let projectId: number;
let projectPath: string;
let recipeFiles: Record<string, string>;
let packageFiles: Record<string, string>;

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One request as the conan client makes it (python-requests through curl): status, headers, body. */
function curl(method: string, url: string, options: { ua: string; auth?: string; json?: unknown; file?: string; out?: string; headers?: Record<string, string> }): Reply {
  const headerFile = path.join(work, "headers.txt");
  const args = ["-sS", "-X", method, "-D", headerFile, "-w", "\n%{http_code}", "-H", `User-Agent: ${options.ua}`, "-H", "Accept: */*"];
  if (options.auth) args.push("-H", `Authorization: ${options.auth}`);
  for (const [k, v] of Object.entries(options.headers ?? {})) args.push("-H", `${k}: ${v}`);
  if (options.json !== undefined) args.push("-H", "Content-Type: application/json", "--data-binary", JSON.stringify(options.json));
  if (options.file) args.push("--upload-file", options.file);
  if (options.out) args.push("-o", options.out);
  const out = execFileSync("curl", [...args, url], { maxBuffer: 16 * 1024 * 1024 }).toString("utf8");
  const lines = out.split("\n");
  const status = Number(lines.pop());
  const headers: Record<string, string> = {};
  for (const line of readFileSync(headerFile, "utf8").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers, body: lines.join("\n") };
}

const jsonOf = <T = any>(reply: Reply, status = 200): T => {
  expect(reply.status, reply.body).toBe(status);
  return JSON.parse(reply.body) as T;
};
const basicAuth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const sha1Of = (file: string) => createHash("sha1").update(readFileSync(file)).digest("hex");
const md5Of = (file: string) => createHash("md5").update(readFileSync(file)).digest("hex");

/** A recipe exported and a binary built as conan lays them out: conanfile, manifests, export and package tgz. */
function buildRecipe(dir: string, name: string, version: string) {
  const src = path.join(dir, "src");
  mkdirSync(path.join(src, "include"), { recursive: true });
  writeFileSync(path.join(src, "include", "hello.h"), `#pragma once\n#define HELLO_VERSION "${version}"\n`);
  const files: Record<string, string> = {};
  const write = (fileName: string, text: string) => {
    files[fileName] = path.join(dir, fileName);
    writeFileSync(files[fileName]!, text);
  };
  write("conanfile.py", `from conan import ConanFile\n\nclass Hello(ConanFile):\n    name = "${name}"\n    version = "${version}"\n    settings = "os", "arch"\n`);
  execFileSync("tar", ["-czf", path.join(dir, "conan_export.tgz"), "-C", src, "include"]);
  files["conan_export.tgz"] = path.join(dir, "conan_export.tgz");
  write("conanmanifest.txt", `1700000000\nconanfile.py: ${md5Of(files["conanfile.py"]!)}\n`);
  const pkgDir = path.join(dir, "package");
  mkdirSync(pkgDir);
  const pkg: Record<string, string> = {};
  pkg["conaninfo.txt"] = path.join(pkgDir, "conaninfo.txt");
  writeFileSync(pkg["conaninfo.txt"], "[settings]\n    arch=x86_64\n    os=Linux\n\n[options]\n\n[requires]\n");
  pkg["conan_package.tgz"] = path.join(pkgDir, "conan_package.tgz");
  execFileSync("tar", ["-czf", pkg["conan_package.tgz"], "-C", src, "include"]);
  pkg["conanmanifest.txt"] = path.join(pkgDir, "conanmanifest.txt");
  writeFileSync(pkg["conanmanifest.txt"], `1700000000\nconaninfo.txt: ${md5Of(pkg["conaninfo.txt"])}\n`);
  return { recipe: files, pkg };
}

const PACKAGE_ID = "4db1be536558d833e52e862fd84d64d75c2b3656";
const V1_UA = "Conan/1.66.0 (Python 3.11.2) python-requests/2.31.0";
const V2_UA = "Conan/2.9.1 (Python 3.11.2) python-requests/2.32.3";

beforeAll(async () => {
  registry = await startRegistry();
  const seeder = new Seeder(registry);
  work = mkdtempSync(path.join(tmpdir(), "packyard-conan-"));
  dev = await seeder.user("conan-dev");
  maintainer = await seeder.user("conan-maintainer");
  reporter = await seeder.user("conan-reader");
  const group = await seeder.group("cpp", "private");
  const project = await seeder.project(group.id, "libs", "private");
  projectId = project.id;
  projectPath = "cpp+libs";
  await seeder.member("projects", project.id, dev.id, 30);
  await seeder.member("projects", project.id, maintainer.id, 40);
  await seeder.member("projects", project.id, reporter.id, 20);
  const built = buildRecipe(path.join(work, "hello"), "hello", "1.0.0");
  recipeFiles = built.recipe;
  packageFiles = built.pkg;
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** `conan remote login` / the 401 retry: check_credentials, then users/authenticate with Basic. */
function login(v: string, ua: string, user: User): string {
  const anonymous = curl("GET", `${v}/users/check_credentials`, { ua });
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers["www-authenticate"]).toMatch(/^Basic/);
  const reply = curl("GET", `${v}/users/authenticate`, { ua, auth: basicAuth(user.username, user.token) });
  expect(reply.status, reply.body).toBe(200);
  expect(reply.body).not.toContain(user.token);
  expect(curl("GET", `${v}/users/check_credentials`, { ua, auth: `Bearer ${reply.body}` }).body).toBe("ok");
  return reply.body;
}

/** conan 1 `conan upload <ref> --all -r gitlab`, then `conan install` into a fresh cache, then `conan remove`. */
function v1RoundTrip(v1: string, ref: string, refText: string) {
  const ping = curl("GET", `${v1}/ping`, { ua: V1_UA });
  expect(ping.status).toBe(200);
  const token = login(v1, V1_UA, dev);
  const bearer = `Bearer ${token}`;

  // upload: recipe snapshot (404) → upload_urls → PUT each file with its sha1 → binary the same way
  expect(curl("GET", `${v1}/conans/${ref}`, { ua: V1_UA, auth: bearer }).status).toBe(404);
  const sizes = (files: Record<string, string>) => Object.fromEntries(Object.entries(files).map(([name, file]) => [name, readFileSync(file).length]));
  const urls = jsonOf<Record<string, string>>(curl("POST", `${v1}/conans/${ref}/upload_urls`, { ua: V1_UA, auth: bearer, json: sizes(recipeFiles) }));
  expect(Object.keys(urls).sort()).toEqual(Object.keys(recipeFiles).sort());
  for (const [name, file] of Object.entries(recipeFiles)) {
    expect(curl("PUT", urls[name]!, { ua: V1_UA, auth: bearer, file, headers: { "X-Checksum-Sha1": sha1Of(file) } }).status).toBe(200);
  }
  expect(curl("GET", `${v1}/conans/${ref}/packages/${PACKAGE_ID}`, { ua: V1_UA, auth: bearer }).status).toBe(404);
  const pkgUrls = jsonOf<Record<string, string>>(curl("POST", `${v1}/conans/${ref}/packages/${PACKAGE_ID}/upload_urls`, { ua: V1_UA, auth: bearer, json: sizes(packageFiles) }));
  for (const [name, file] of Object.entries(packageFiles)) {
    expect(curl("PUT", pkgUrls[name]!, { ua: V1_UA, auth: bearer, file, headers: { "X-Checksum-Sha1": sha1Of(file) } }).status).toBe(200);
  }
  // A wrong declared sha1 is refused and stores nothing.
  const bad = curl("PUT", urls["conanfile.py"]!, { ua: V1_UA, auth: bearer, file: packageFiles["conaninfo.txt"], headers: { "X-Checksum-Sha1": sha1Of(recipeFiles["conanfile.py"]!) } });
  expect(bad.status).toBeGreaterThanOrEqual(400);

  // search, as a reader
  const readerToken = login(v1, V1_UA, reporter);
  const reader = `Bearer ${readerToken}`;
  expect(jsonOf(curl("GET", `${v1}/conans/search?q=hel*`, { ua: V1_UA, auth: reader }))).toEqual({ results: [refText] });
  expect(jsonOf(curl("GET", `${v1}/conans/search?q=nothing*`, { ua: V1_UA, auth: reader }))).toEqual({ results: [] });

  // install: recipe digest → manifest → download_urls → files; binary the same; unpack
  const snapshot = jsonOf<Record<string, string>>(curl("GET", `${v1}/conans/${ref}`, { ua: V1_UA, auth: reader }));
  expect(snapshot["conanfile.py"]).toBe(md5Of(recipeFiles["conanfile.py"]!));
  const digest = jsonOf<Record<string, string>>(curl("GET", `${v1}/conans/${ref}/digest`, { ua: V1_UA, auth: reader }));
  const cache = mkdtempSync(path.join(work, "cache-"));
  expect(curl("GET", digest["conanmanifest.txt"]!, { ua: V1_UA, auth: reader, out: path.join(cache, "conanmanifest.txt") }).status).toBe(200);
  const downloads = jsonOf<Record<string, string>>(curl("GET", `${v1}/conans/${ref}/download_urls`, { ua: V1_UA, auth: reader }));
  for (const [name, url] of Object.entries(downloads)) {
    const reply = curl("GET", url, { ua: V1_UA, auth: reader, out: path.join(cache, name) });
    expect(reply.status).toBe(200);
    expect(reply.headers["x-content-type-options"]).toBe("nosniff");
    expect(sha1Of(path.join(cache, name))).toBe(sha1Of(recipeFiles[name]!));
  }
  const binaries = jsonOf(curl("GET", `${v1}/conans/${ref}/search`, { ua: V1_UA, auth: reader }));
  expect(binaries[PACKAGE_ID].settings).toEqual({ arch: "x86_64", os: "Linux" });
  const pkgDigest = jsonOf<Record<string, string>>(curl("GET", `${v1}/conans/${ref}/packages/${PACKAGE_ID}/digest`, { ua: V1_UA, auth: reader }));
  expect(Object.keys(pkgDigest)).toEqual(["conanmanifest.txt"]);
  const pkgDownloads = jsonOf<Record<string, string>>(curl("GET", `${v1}/conans/${ref}/packages/${PACKAGE_ID}/download_urls`, { ua: V1_UA, auth: reader }));
  const pkgDir = mkdtempSync(path.join(work, "pkg-"));
  for (const [name, url] of Object.entries(pkgDownloads)) expect(curl("GET", url, { ua: V1_UA, auth: reader, out: path.join(pkgDir, name) }).status).toBe(200);
  execFileSync("tar", ["-xzf", path.join(pkgDir, "conan_package.tgz"), "-C", pkgDir]);
  expect(readFileSync(path.join(pkgDir, "include", "hello.h"), "utf8")).toContain('HELLO_VERSION "1.0.0"');

  // remove: a reader may not; the maintainer removes the binary, then the recipe
  expect(curl("DELETE", `${v1}/conans/${ref}`, { ua: V1_UA, auth: reader }).status).toBe(403);
  const boss = `Bearer ${login(v1, V1_UA, maintainer)}`;
  jsonOf(curl("POST", `${v1}/conans/${ref}/packages/delete`, { ua: V1_UA, auth: boss, json: { package_ids: [PACKAGE_ID] } }));
  expect(curl("GET", `${v1}/conans/${ref}/packages/${PACKAGE_ID}`, { ua: V1_UA, auth: reader }).status).toBe(404);
  expect(jsonOf(curl("DELETE", `${v1}/conans/${ref}`, { ua: V1_UA, auth: boss }))).toMatchObject({ name: "hello", version: "1.0.0", package_type: "conan" });
  expect(curl("GET", `${v1}/conans/${ref}`, { ua: V1_UA, auth: reader }).status).toBe(404);
}

describe("conan 1 (v1 protocol)", () => {
  it("uploads, searches, installs and removes through a project remote", () => {
    const v1 = `${registry.url}/api/v4/projects/${projectId}/packages/conan/v1`;
    expect(curl("GET", `${v1}/ping`, { ua: V1_UA }).headers["x-conan-server-capabilities"]).toBe("revisions");
    v1RoundTrip(v1, "hello/1.0.0/acme/stable", "hello/1.0.0@acme/stable");
  });

  it("uploads, searches, installs and removes through the instance remote (user = project path with '+')", () => {
    const v1 = `${registry.url}/api/v4/packages/conan/v1`;
    v1RoundTrip(v1, `hello/1.0.0/${projectPath}/stable`, `hello/1.0.0@${projectPath}/stable`);
    // A user that names no project is not found; one without '+' too.
    const token = login(v1, V1_UA, dev);
    expect(curl("GET", `${v1}/conans/hello/1.0.0/cpp+nothing/stable`, { ua: V1_UA, auth: `Bearer ${token}` }).status).toBe(404);
    expect(curl("GET", `${v1}/conans/hello/1.0.0/acme/stable`, { ua: V1_UA, auth: `Bearer ${token}` }).status).toBe(404);
  });
});

describe("conan 2 (v2 protocol, revisions)", () => {
  it("uploads revisions, lists, installs and removes a package revision and the recipe", () => {
    const base = `${registry.url}/api/v4/projects/${projectId}/packages/conan`;
    const v2 = `${base}/v2`;
    const ref = "hello/1.0.0/_/_";
    const rrev = md5Of(recipeFiles["conanmanifest.txt"]!);
    const prev = md5Of(packageFiles["conanmanifest.txt"]!);
    // conan 2 pings v1 for the capabilities, then speaks v2
    expect(curl("GET", `${base}/v1/ping`, { ua: V2_UA }).headers["x-conan-server-capabilities"]).toContain("revisions");
    const bearer = `Bearer ${login(v2, V2_UA, dev)}`;

    // upload: is the revision there? (404) → PUT recipe files → is the package revision there? (404) → PUT binary files
    expect(curl("GET", `${v2}/conans/${ref}/revisions`, { ua: V2_UA, auth: bearer }).status).toBe(404);
    for (const [name, file] of Object.entries(recipeFiles)) {
      expect(curl("PUT", `${v2}/conans/${ref}/revisions/${rrev}/files/${name}`, { ua: V2_UA, auth: bearer, file, headers: { "X-Checksum-Sha1": sha1Of(file) } }).status).toBe(200);
    }
    expect(curl("GET", `${v2}/conans/${ref}/revisions/${rrev}/packages/${PACKAGE_ID}/revisions`, { ua: V2_UA, auth: bearer }).status).toBe(404);
    for (const [name, file] of Object.entries(packageFiles)) {
      const url = `${v2}/conans/${ref}/revisions/${rrev}/packages/${PACKAGE_ID}/revisions/${prev}/files/${name}`;
      expect(curl("PUT", url, { ua: V2_UA, auth: bearer, file, headers: { "X-Checksum-Sha1": sha1Of(file) } }).status).toBe(200);
    }
    expect(curl("PUT", `${v2}/conans/${ref}/revisions/0/files/conanfile.py`, { ua: V2_UA, auth: bearer, file: recipeFiles["conanfile.py"] }).status).toBe(400);

    // `conan search` / `conan list`
    const reader = `Bearer ${login(v2, V2_UA, reporter)}`;
    expect(jsonOf(curl("GET", `${v2}/conans/search?q=hello`, { ua: V2_UA, auth: reader }))).toEqual({ results: ["hello/1.0.0"] });
    expect(jsonOf(curl("GET", `${v2}/conans/${ref}/revisions`, { ua: V2_UA, auth: reader }))).toMatchObject({ reference: "hello/1.0.0", revisions: [{ revision: rrev }] });

    // `conan install --requires=hello/1.0.0`: latest → files → each → binaries → package latest → files → each
    const latest = jsonOf(curl("GET", `${v2}/conans/${ref}/latest`, { ua: V2_UA, auth: reader }));
    expect(latest.revision).toBe(rrev);
    const listing = jsonOf<{ files: Record<string, unknown> }>(curl("GET", `${v2}/conans/${ref}/revisions/${rrev}/files`, { ua: V2_UA, auth: reader }));
    expect(Object.keys(listing.files).sort()).toEqual(Object.keys(recipeFiles).sort());
    const cache = mkdtempSync(path.join(work, "cache2-"));
    for (const name of Object.keys(listing.files)) {
      expect(curl("GET", `${v2}/conans/${ref}/revisions/${rrev}/files/${name}`, { ua: V2_UA, auth: reader, out: path.join(cache, name) }).status).toBe(200);
      expect(sha1Of(path.join(cache, name))).toBe(sha1Of(recipeFiles[name]!));
    }
    const binaries = jsonOf(curl("GET", `${v2}/conans/${ref}/revisions/${rrev}/search`, { ua: V2_UA, auth: reader }));
    expect(binaries[PACKAGE_ID].settings).toEqual({ arch: "x86_64", os: "Linux" });
    expect(jsonOf(curl("GET", `${v2}/conans/${ref}/revisions/${rrev}/packages/${PACKAGE_ID}/latest`, { ua: V2_UA, auth: reader })).revision).toBe(prev);
    const pkgListing = jsonOf<{ files: Record<string, unknown> }>(curl("GET", `${v2}/conans/${ref}/revisions/${rrev}/packages/${PACKAGE_ID}/revisions/${prev}/files`, { ua: V2_UA, auth: reader }));
    const pkgDir = mkdtempSync(path.join(work, "pkg2-"));
    for (const name of Object.keys(pkgListing.files)) {
      const url = `${v2}/conans/${ref}/revisions/${rrev}/packages/${PACKAGE_ID}/revisions/${prev}/files/${name}`;
      expect(curl("GET", url, { ua: V2_UA, auth: reader, out: path.join(pkgDir, name) }).status).toBe(200);
    }
    execFileSync("tar", ["-xzf", path.join(pkgDir, "conan_package.tgz"), "-C", pkgDir]);
    expect(readFileSync(path.join(pkgDir, "include", "hello.h"), "utf8")).toContain("HELLO_VERSION");

    // `conan remove "hello/1.0.0#rrev:pkg#prev"`, then `conan remove hello/1.0.0`
    const boss = `Bearer ${login(v2, V2_UA, maintainer)}`;
    expect(curl("DELETE", `${v2}/conans/${ref}/revisions/${rrev}/packages/${PACKAGE_ID}/revisions/${prev}`, { ua: V2_UA, auth: reader }).status).toBe(403);
    expect(curl("DELETE", `${v2}/conans/${ref}/revisions/${rrev}/packages/${PACKAGE_ID}/revisions/${prev}`, { ua: V2_UA, auth: boss }).status).toBe(200);
    expect(curl("GET", `${v2}/conans/${ref}/revisions/${rrev}/packages/${PACKAGE_ID}/latest`, { ua: V2_UA, auth: reader }).status).toBe(404);
    expect(curl("GET", `${v2}/conans/${ref}/latest`, { ua: V2_UA, auth: reader }).status).toBe(200);
    expect(curl("DELETE", `${v2}/conans/${ref}`, { ua: V2_UA, auth: boss }).status).toBe(200);
    expect(curl("GET", `${v2}/conans/${ref}/revisions`, { ua: V2_UA, auth: reader }).status).toBe(404);
  });
});
