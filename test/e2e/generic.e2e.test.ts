// Generic packages end to end: curl and the real python-gitlab against `wrangler dev`, the chunked
// upload API with a 1 GB file (scripts/upload-large.mjs, resume after an interruption and a failed
// part), the curl recipe from docs/formats/generic.md with a sha256 mismatch, and the size limit.
// Prints the workerd process's peak RSS during the 1 GB transfer.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, openSync, writeSync, closeSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NODE, Seeder, startRegistry, type Registry } from "./support/registry";
import { sampleRss } from "./generic/process";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const run = promisify(execFile);
const MiB = 1024 * 1024;

let registry: Registry;
let seeder: Seeder;
let work: string;
let token: string;
let projectId: number;
let groupId: number;

interface CurlResult {
  status: number;
  body: string;
}

/** curl with the status code on the last line. */
function curl(args: string[], input?: Buffer): CurlResult {
  const out = execFileSync("curl", ["-sS", "-w", "\n%{http_code}", ...args], { input, maxBuffer: 64 * MiB }).toString("utf8");
  const lines = out.split("\n");
  const status = Number(lines.pop());
  return { status, body: lines.join("\n") };
}

const auth = () => ["-H", `PRIVATE-TOKEN: ${token}`];
const fileUrl = (name: string, version: string, file: string) => `${registry.url}/api/v4/projects/${projectId}/packages/generic/${name}/${version}/${file}`;
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

beforeAll(async () => {
  registry = await startRegistry();
  seeder = new Seeder(registry);
  work = mkdtempSync(path.join(tmpdir(), "packyard-generic-"));
  const alice = await seeder.user("alice");
  token = alice.token;
  const group = await seeder.group("acme", "private");
  groupId = group.id;
  const project = await seeder.project(group.id, "tools", "private");
  projectId = project.id;
  await seeder.member("projects", project.id, alice.id, 40); // Maintainer: python-gitlab deletes the package
});

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("generic packages with curl", () => {
  it("uploads with --upload-file (Expect: 100-continue) and downloads, with HEAD and Range", () => {
    const file = path.join(work, "hello.txt");
    writeFileSync(file, "hello from curl\n".repeat(1000));
    const up = spawnSync("curl", ["-sS", "-v", ...auth(), "--upload-file", file, fileUrl("hello", "1.0.0", "hello.txt")], { encoding: "utf8" });
    expect(up.stderr).toMatch(/Expect: 100-continue/i);
    expect(up.stderr).toMatch(/< HTTP\/1.1 201/);
    expect(JSON.parse(up.stdout)).toEqual({ message: "201 Created" });

    const out = path.join(work, "hello.out");
    expect(curl([...auth(), "-o", out, fileUrl("hello", "1.0.0", "hello.txt")]).status).toBe(200);
    expect(readFileSync(out)).toEqual(readFileSync(file));

    const head = execFileSync("curl", ["-sS", "-I", ...auth(), fileUrl("hello", "1.0.0", "hello.txt")]).toString();
    expect(head).toMatch(/content-length: 16000/i);
    expect(head).toMatch(new RegExp(`x-checksum-sha256: ${sha256(readFileSync(file))}`, "i"));
    const range = curl([...auth(), "-r", "0-4", fileUrl("hello", "1.0.0", "hello.txt")]);
    expect(range).toEqual({ status: 206, body: "hello" });

    const selected = curl([...auth(), "--upload-file", file, `${fileUrl("hello", "1.0.0", "dir/hello.txt")}?select=package_file`]);
    expect(selected.status).toBe(201);
    expect(JSON.parse(selected.body)).toMatchObject({ file_name: "dir%2Fhello.txt", size: 16000, file_sha256: sha256(readFileSync(file)) });
  });

  it("accepts a chunked body (curl -T - from stdin) without a Content-Length", () => {
    const data = Buffer.alloc(20 * MiB);
    for (let i = 0; i < data.length; i += 4096) data.writeUInt32LE(i, i);
    const up = curl([...auth(), "-T", "-", `${fileUrl("stdin", "1.0.0", "data.bin")}?select=package_file`], data);
    expect(up.status).toBe(201);
    expect(JSON.parse(up.body)).toMatchObject({ size: data.length, file_sha256: sha256(data) });
  });

  it("hides ?status=hidden packages from the list and still serves the file", () => {
    const file = path.join(work, "hidden.txt");
    writeFileSync(file, "hidden");
    expect(curl([...auth(), "--upload-file", file, `${fileUrl("secret", "1.0.0", "hidden.txt")}?status=hidden`]).status).toBe(201);
    const list = curl([...auth(), `${registry.url}/api/v4/projects/${projectId}/packages?package_type=generic`]);
    expect(JSON.parse(list.body).map((p: any) => p.name)).not.toContain("secret");
    expect(curl([...auth(), fileUrl("secret", "1.0.0", "hidden.txt")])).toEqual({ status: 200, body: "hidden" });
  });

  it("follows the group's duplicates setting", () => {
    const file = path.join(work, "dup.txt");
    writeFileSync(file, "dup");
    expect(curl([...auth(), "--upload-file", file, fileUrl("dup", "1.0.0", "dup.txt")]).status).toBe(201);
    expect(curl([...auth(), "--upload-file", file, fileUrl("dup", "1.0.0", "dup.txt")]).status).toBe(201);
    const settings = curl([
      "-H",
      `PRIVATE-TOKEN: ${registry.adminToken}`,
      "-H",
      "content-type: application/json",
      "-X",
      "PUT",
      "-d",
      JSON.stringify({ package_settings: { generic_duplicates_allowed: false, generic_duplicate_exception_regex: ".*-SNAPSHOT" } }),
      `${registry.url}/api/v4/groups/${groupId}`,
    ]);
    expect(settings.status).toBe(200);
    const refused = curl([...auth(), "--upload-file", file, fileUrl("dup", "1.0.0", "dup.txt")]);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body)).toEqual({ message: "400 Bad request - Duplicate package is not allowed" });
    expect(curl([...auth(), "--upload-file", file, fileUrl("dup", "1.0-SNAPSHOT", "dup.txt")]).status).toBe(201);
    expect(curl([...auth(), "--upload-file", file, fileUrl("dup", "1.0-SNAPSHOT", "dup.txt")]).status).toBe(201);
  });

  it("answers 400 to traversal sent as-is and to bad names", () => {
    const file = path.join(work, "x.txt");
    writeFileSync(file, "x");
    for (const tail of ["../x.txt", "%2e%2e/x.txt", "a%2Fb.txt", "a//b.txt", "x%01.txt"]) {
      expect(curl([...auth(), "--path-as-is", "--upload-file", file, fileUrl("trav", "1.0.0", tail)]).status, tail).toBe(400);
    }
    expect(curl([...auth(), "--upload-file", file, fileUrl("bad%20name", "1.0.0", "x.txt")]).status).toBe(400);
  });

  it("removes a package deleted through the Packages API from downloads at once", () => {
    const file = path.join(work, "gone.txt");
    writeFileSync(file, "gone");
    const up = curl([...auth(), "--upload-file", file, `${fileUrl("gone", "1.0.0", "gone.txt")}?select=package_file`]);
    const { package_id } = JSON.parse(up.body);
    expect(curl([...auth(), fileUrl("gone", "1.0.0", "gone.txt")]).status).toBe(200);
    expect(curl([...auth(), "-X", "DELETE", `${registry.url}/api/v4/projects/${projectId}/packages/${package_id}`]).status).toBe(204);
    expect(curl([...auth(), fileUrl("gone", "1.0.0", "gone.txt")]).status).toBe(404);
  });
});

describe("the chunked upload API", () => {
  it("uploads a 1 GB file in parts with scripts/upload-large.mjs, resuming after an interruption and a failed part, with flat workerd memory", async () => {
    const big = path.join(work, "big.bin");
    // A sparse 1 GiB file with generated data at the start, the middle and the end.
    execFileSync("truncate", ["-s", String(1024 * MiB), big]);
    const fd = openSync(big, "r+");
    for (const offset of [0, 512 * MiB, 1024 * MiB - MiB]) writeSync(fd, createHash("sha512").update(String(offset)).digest().toString("hex").repeat(8192), offset);
    closeSync(fd);
    const expected = execFileSync("sha256sum", [big]).toString().split(" ")[0];

    const script = path.join(ROOT, "scripts/upload-large.mjs");
    const common = [script, "--url", registry.url, "--project", String(projectId), "--name", "bigfile", "--version", "1.0.0", "--file", big, "--part-size", String(64 * MiB), "--quiet"];
    const env = { ...process.env, PACKYARD_TOKEN: token };
    const phases: string[] = [];
    const measure = async <T>(label: string, work: () => Promise<T>): Promise<{ result: T; growth: number }> => {
      const sampler = sampleRss(registry.runtimePids);
      const started = Date.now();
      const result = await work();
      const { start, peak, pids } = sampler.stop();
      phases.push(`${label}: ${((Date.now() - started) / 1000).toFixed(1)} s, workerd runtime RSS ${start.toFixed(0)} → peak ${peak.toFixed(0)} MiB (pid ${pids.join(",")})`);
      return { result, growth: peak - start };
    };

    // First run: interrupted after 3 of 16 parts.
    const first = await measure("parts 1-3 (then interrupted)", () => run(NODE, [...common, "--max-parts", "3"], { env }).then(() => 0, (e) => e.code as number));
    expect(first.result).toBe(75);
    const state = JSON.parse(readFileSync(`${big}.packyard-upload.json`, "utf8"));

    // A failed part: the body ends before its declared length; the session does not record it.
    const broken = spawnSync("curl", ["-sS", "--max-time", "5", ...auth(), "-X", "PUT", "-H", `Content-Length: ${64 * MiB}`, "--data-binary", "@-", `${state.uploadUrl}/parts/4`], { input: Buffer.alloc(MiB) });
    expect(broken.status).not.toBe(0); // curl gave up: the part never arrived whole
    const status = JSON.parse(curl([...auth(), state.uploadUrl]).body);
    expect(status.part_count).toBe(16);
    expect(status.missing_parts).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);

    // Second run: resumes from the saved state, uploads the rest, completes (verification included).
    const second = await measure("parts 4-16 + complete (read back and verify 1 GiB)", () => run(NODE, common, { env, maxBuffer: MiB }));
    expect(JSON.parse(second.result.stdout)).toEqual({ message: "201 Created" });
    expect(existsSync(`${big}.packyard-upload.json`)).toBe(false);

    // Download it whole and compare.
    const out = path.join(work, "big.out");
    await measure("download 1 GiB", () => run("curl", ["-sS", "-f", "-o", out, "-H", `PRIVATE-TOKEN: ${token}`, fileUrl("bigfile", "1.0.0", "big.bin")]));
    expect(statSync(out).size).toBe(1024 * MiB);
    expect(execFileSync("sha256sum", [out]).toString().split(" ")[0]).toBe(expected);
    rmSync(out, { force: true });
    console.log(`[generic e2e] 1 GiB chunked upload with resume:\n  ${phases.join("\n  ")}`);
    // The upload path must not follow the file size (the local R2 simulator's whole-object reads
    // make the download phase grow; see docs/formats/generic.md).
    expect(first.growth).toBeLessThan(400);
    expect(second.growth).toBeLessThan(400);
    rmSync(big, { force: true });
  }, 900_000);

  it("follows the curl recipe of docs/formats/generic.md and rejects a sha256 mismatch", () => {
    const file = path.join(work, "recipe.bin");
    const data = Buffer.alloc(12 * MiB + 5);
    for (let i = 0; i < data.length; i += 1024) data.writeUInt32LE(i ^ 0x5a5a5a5a, i);
    writeFileSync(file, data);
    const partSize = 5 * MiB;
    // The recipe: start with size and sha256, split, PUT each part, complete.
    const startWith = (sha: string, name: string) =>
      JSON.parse(
        curl([...auth(), "-H", "content-type: application/json", "-X", "POST", "-d", JSON.stringify({ size: data.length, sha256: sha, part_size: partSize }), `${fileUrl("recipe", "1.0.0", name)}/uploads`]).body,
      );
    execFileSync("split", ["-b", String(partSize), "-d", "-a", "3", file, path.join(work, "recipe.part.")]);
    const parts = [0, 1, 2].map((i) => path.join(work, `recipe.part.${String(i).padStart(3, "0")}`));

    const good = startWith(sha256(data), "recipe.bin");
    expect(good.part_count).toBe(3);
    for (const [i, p] of parts.entries()) expect(curl([...auth(), "-T", p, good.part_url_template.replace("{part_number}", String(i + 1))]).status).toBe(200);
    expect(curl([...auth(), "-X", "POST", good.complete_url])).toEqual({ status: 201, body: JSON.stringify({ message: "201 Created" }) });
    const down = execFileSync("curl", ["-sS", "-f", ...auth(), fileUrl("recipe", "1.0.0", "recipe.bin")], { maxBuffer: 64 * MiB });
    expect(sha256(down)).toBe(sha256(data));

    const bad = startWith("0".repeat(64), "mismatch.bin");
    for (const [i, p] of parts.entries()) expect(curl([...auth(), "-T", p, bad.part_url_template.replace("{part_number}", String(i + 1))]).status).toBe(200);
    const refused = curl([...auth(), "-X", "POST", bad.complete_url]);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).message).toMatch(/sha256 checksum mismatch/);
    expect(curl([...auth(), fileUrl("recipe", "1.0.0", "mismatch.bin")]).status).toBe(404);
    expect(JSON.parse(curl([...auth(), bad.upload_url]).body).state).toBe("aborted");

    const aborted = startWith(sha256(data), "aborted.bin");
    expect(curl([...auth(), "-X", "DELETE", aborted.upload_url]).status).toBe(204);
  });
});

describe("generic packages with python-gitlab", () => {
  it("uploads, downloads, lists packages and files, and deletes with the real client", () => {
    const file = path.join(work, "py.txt");
    writeFileSync(file, "from python-gitlab\n");
    const program = `
import sys, gitlab
url, token, project_id, path = sys.argv[1:5]
gl = gitlab.Gitlab(url, private_token=token)
gl.auth()
project = gl.projects.get(int(project_id), lazy=True)
uploaded = project.generic_packages.upload(package_name="py-tool", package_version="1.2.3", file_name="py.txt", path=path)
print("upload", uploaded.message)
data = project.generic_packages.download(package_name="py-tool", package_version="1.2.3", file_name="py.txt")
assert data == open(path, "rb").read(), data
print("download ok", len(data))
packages = project.packages.list(package_type="generic", get_all=True)
pkg = [p for p in packages if p.name == "py-tool"][0]
print("package", pkg.name, pkg.version, pkg.package_type)
files = pkg.package_files.list(get_all=True)
print("files", [(f.file_name, f.size, f.file_sha256) for f in files])
project.packages.delete(pkg.id)
try:
    project.generic_packages.download(package_name="py-tool", package_version="1.2.3", file_name="py.txt")
    print("still downloadable")
except gitlab.exceptions.GitlabGetError as e:
    print("after delete", e.response_code)
`;
    const out = execFileSync(PYTHON, ["-c", program, registry.url, token, String(projectId), file], { encoding: "utf8" });
    expect(out).toContain("upload 201 Created");
    expect(out).toContain(`download ok ${readFileSync(file).length}`);
    expect(out).toContain("package py-tool 1.2.3 generic");
    expect(out).toContain(`('py.txt', ${readFileSync(file).length}, '${sha256(readFileSync(file))}')`);
    expect(out).toContain("after delete 404");
  });
});

describe("the size limit against wrangler dev", () => {
  let small: Registry;
  beforeAll(async () => {
    small = await startRegistry({ MAX_UPLOAD_BYTES: String(MiB) });
  });
  afterAll(async () => small?.stop());

  it("answers 413 for a declared or a streamed body over MAX_UPLOAD_BYTES and keeps nothing", async () => {
    const s = new Seeder(small);
    const user = await s.user("bob");
    const group = await s.group("lim", "private");
    const project = await s.project(group.id, "p", "private");
    await s.member("projects", project.id, user.id, 30);
    const url = (file: string) => `${small.url}/api/v4/projects/${project.id}/packages/generic/lim/1.0.0/${file}`;
    const file = path.join(work, "two-mib.bin");
    writeFileSync(file, Buffer.alloc(2 * MiB, 7));
    const declared = curl(["-H", `PRIVATE-TOKEN: ${user.token}`, "--upload-file", file, url("declared.bin")]);
    expect(declared.status).toBe(413);
    const streamed = curl(["-H", `PRIVATE-TOKEN: ${user.token}`, "-T", "-", url("streamed.bin")], readFileSync(file));
    expect(streamed.status).toBe(413);
    for (const name of ["declared.bin", "streamed.bin"]) expect(curl(["-H", `PRIVATE-TOKEN: ${user.token}`, url(name)]).status).toBe(404);
    const list = curl(["-H", `PRIVATE-TOKEN: ${user.token}`, `${small.url}/api/v4/projects/${project.id}/packages`]);
    expect(JSON.parse(list.body)).toEqual([]);
    expect(curl(["-H", `PRIVATE-TOKEN: ${user.token}`, "--upload-file", path.join(work, "hello.txt"), url("ok.txt")]).status).toBe(201);
  });
});
