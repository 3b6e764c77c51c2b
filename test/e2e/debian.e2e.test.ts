// Debian end to end against `wrangler dev`: packages built offline with dpkg-deb (default xz, -Zgzip, -Zzstd,
// -Znone) and dpkg-buildpackage (source + binary), a distribution created through the API, .debs PUT as
// GitLab's docs show with curl (?distribution=&component=) and a .changes uploaded with dput-ng, then the real
// apt-get: `update` with a private sources list, state and cache (`-o Dir::…`, the machine's apt state is
// untouched; credentials from a private auth.conf.d), `download`, `install --download-only` and `source
// --download-only`, whose bytes must be the uploaded ones; at project and group level, signed-by the
// distribution's key. Nothing is installed into the system.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Seeder, startRegistry, type Registry } from "./support/registry";

let registry: Registry;
let work: string;
let user: { username: string; token: string };
let projectId: number;
let groupId: number;

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const repoUrl = () => `${registry.url}/api/v4/projects/${projectId}/packages/debian`;
const groupRepoUrl = () => `${registry.url}/api/v4/groups/${groupId}/-/packages/debian`;

function curl(args: string[]): { status: number; body: string } {
  const out = execFileSync("curl", ["-sS", "-w", "\n%{http_code}", ...args]).toString("utf8");
  const lines = out.split("\n");
  const status = Number(lines.pop());
  return { status, body: lines.join("\n") };
}

/** A binary package laid out as dpkg-deb builds it (`-Z` picks the compression of control and data members; null: dpkg-deb's default, xz). */
function buildDeb(name: string, version: string, arch: string, compression: string | null = "gzip"): string {
  const root = path.join(work, `${name}-${version}-${arch}`);
  mkdirSync(path.join(root, "DEBIAN"), { recursive: true });
  mkdirSync(path.join(root, "usr", "share", name), { recursive: true });
  writeFileSync(path.join(root, "usr", "share", name, "hello.txt"), `hello from ${name} ${version}\n`);
  writeFileSync(
    path.join(root, "DEBIAN", "control"),
    `Package: ${name}\nVersion: ${version}\nArchitecture: ${arch}\nMaintainer: Packyard Test <test@example.com>\nSection: misc\nPriority: optional\nDescription: Sample package for the Packyard e2e test\n A longer description\n .\n with a paragraph.\n`,
  );
  const out = path.join(work, `${name}_${version}_${arch}.deb`);
  execFileSync("dpkg-deb", ["--root-owner-group", ...(compression ? [`-Z${compression}`] : []), "--build", root, out], { stdio: "pipe" });
  return out;
}

/** apt-get with every directory private to the test. */
function apt(root: string, args: string[], sourcesLine: string) {
  mkdirSync(path.join(root, "etc", "auth.conf.d"), { recursive: true });
  mkdirSync(path.join(root, "etc", "preferences.d"), { recursive: true });
  mkdirSync(path.join(root, "etc", "sources.list.d"), { recursive: true });
  mkdirSync(path.join(root, "state", "lists", "partial"), { recursive: true });
  mkdirSync(path.join(root, "cache", "archives", "partial"), { recursive: true });
  writeFileSync(path.join(root, "status"), "");
  writeFileSync(path.join(root, "apt.conf"), "");
  writeFileSync(path.join(root, "etc", "sources.list"), `${sourcesLine}\n`);
  const machines = [repoUrl(), groupRepoUrl()].map((url) => `machine ${url}\nlogin ${user.username}\npassword ${user.token}\n`);
  writeFileSync(path.join(root, "etc", "auth.conf.d", "packyard.conf"), machines.join(""));
  const options = [
    `-o`, `Dir::Etc=${path.join(root, "etc")}`,
    `-o`, `Dir::Etc::sourcelist=${path.join(root, "etc", "sources.list")}`,
    `-o`, `Dir::Etc::sourceparts=${path.join(root, "etc", "sources.list.d")}`,
    `-o`, `Dir::Etc::parts=${path.join(root, "etc", "apt.conf.d")}`,
    `-o`, `Dir::Etc::trusted=${path.join(root, "etc", "trusted.gpg")}`,
    `-o`, `Dir::Etc::trustedparts=${path.join(root, "etc", "trusted.gpg.d")}`,
    `-o`, `Dir::State=${path.join(root, "state")}`,
    `-o`, `Dir::State::status=${path.join(root, "status")}`,
    `-o`, `Dir::Cache=${path.join(root, "cache")}`,
    `-o`, `Debug::NoLocking=1`,
    `-o`, `APT::Architecture=amd64`,
    `-o`, `APT::Sandbox::User=${process.getuid?.() === 0 ? "root" : ""}`,
  ];
  return spawnSync("apt-get", [...options, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, APT_CONFIG: path.join(root, "apt.conf") } });
}

beforeAll(async () => {
  registry = await startRegistry({ DEBIAN_SIGNING_SECRET: "e2e-debian-signing-secret-0123456789" });
  const seeder = new Seeder(registry);
  work = mkdtempSync(path.join(tmpdir(), "packyard-debian-"));
  user = await seeder.user("debber");
  // Public: a group repository lists the packages of the group's public projects only (as GitLab).
  const group = await seeder.group("debs", "public");
  const project = await seeder.project(group.id, "repo", "public");
  projectId = project.id;
  groupId = group.id;
  await seeder.member("projects", project.id, (user as unknown as { id: number }).id, 30);
  await seeder.member("groups", group.id, (user as unknown as { id: number }).id, 30);
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("debian with curl uploads and apt-get", () => {
  it("creates a distribution, uploads .debs with curl and apt-get update + download fetch them", () => {
    const auth = ["--user", `${user.username}:${user.token}`];
    const created = curl([...auth, "-X", "POST", "-d", "codename=bookworm", "-d", "architectures[]=amd64", `${registry.url}/api/v4/projects/${projectId}/debian_distributions`]);
    expect(created.status, created.body).toBe(201);
    expect(JSON.parse(created.body)).toMatchObject({ codename: "bookworm", components: ["main"] });

    const deb = buildDeb("acme-hello-deb", "1.0.0", "all");
    const up = curl([...auth, "--upload-file", deb, `${repoUrl()}/${path.basename(deb)}?distribution=bookworm&component=main`]);
    expect(up.status, up.body).toBe(201);
    const debAmd64 = buildDeb("acme-tool", "2.1-1", "amd64");
    expect(curl([...auth, "--upload-file", debAmd64, `${repoUrl()}/${path.basename(debAmd64)}?distribution=bookworm&component=main`]).status).toBe(201);

    const zst = buildDeb("acme-zst", "0.1", "all", "zstd");
    expect(curl([...auth, "--upload-file", zst, `${repoUrl()}/${path.basename(zst)}?distribution=bookworm&component=main`]).status).toBe(201);
    // dpkg-deb's default compression (control.tar.xz, data.tar.xz), and an uncompressed one (-Znone).
    const xz = buildDeb("acme-xz", "0.1", "amd64", null);
    const upXz = curl([...auth, "--upload-file", xz, `${repoUrl()}/${path.basename(xz)}?distribution=bookworm&component=main`]);
    expect(upXz.status, upXz.body).toBe(201);
    const none = buildDeb("acme-none", "0.1", "all", "none");
    expect(curl([...auth, "--upload-file", none, `${repoUrl()}/${path.basename(none)}?distribution=bookworm&component=main`]).status).toBe(201);

    const packages = curl([...auth, `${repoUrl()}/dists/bookworm/main/binary-amd64/Packages`]);
    expect(packages.status).toBe(200);
    expect(packages.body).toMatch(/^Package: acme-zst$/m);
    expect(packages.body).toContain("Filename: pool/bookworm/a/acme-tool/2.1-1/acme-tool_2.1-1_amd64.deb");
    expect(packages.body).toContain("Package: acme-xz\nVersion: 0.1\n");
    expect(packages.body).toMatch(/^Package: acme-none$/m);

    const release = curl([...auth, `${repoUrl()}/dists/bookworm/Release`]);
    expect(release.status).toBe(200);
    expect(release.body).toMatch(/^Codename: bookworm$/m);
    expect(release.body).toContain("main/binary-amd64/Packages.gz");

    const root = path.join(work, "apt");
    const update = apt(root, ["update"], `deb [trusted=yes] ${repoUrl()} bookworm main`);
    expect(update.status, update.stdout + update.stderr).toBe(0);
    // The distribution is signed; without its key apt warns (NO_PUBKEY) and trusts it because of trusted=yes.
    expect(update.stderr.split("\n").filter((l) => /^(W|E):/.test(l) && !/NO_PUBKEY|GPG error/.test(l))).toEqual([]);

    const download = apt(root, ["download", "acme-hello-deb", "acme-tool", "acme-xz"], `deb [trusted=yes] ${repoUrl()} bookworm main`);
    expect(download.status, download.stdout + download.stderr).toBe(0);
    const got = readdirSync(root).filter((f) => f.endsWith(".deb")).sort();
    expect(got).toEqual(["acme-hello-deb_1.0.0_all.deb", "acme-tool_2.1-1_amd64.deb", "acme-xz_0.1_amd64.deb"]);
    expect(sha256(path.join(root, got[0]!))).toBe(sha256(deb));
    expect(sha256(path.join(root, got[1]!))).toBe(sha256(debAmd64));
    expect(sha256(path.join(root, got[2]!))).toBe(sha256(xz));
  }, 90_000);

  it("signs the distribution: apt-get update verifies InRelease with signed-by=key.asc, install --download-only fetches the package", () => {
    const auth = ["--user", `${user.username}:${user.token}`];
    const keyFile = path.join(work, "bookworm.asc");
    const key = curl([...auth, "-o", keyFile, `${registry.url}/api/v4/projects/${projectId}/debian_distributions/bookworm/key.asc`]);
    expect(key.status).toBe(200);
    expect(readFileSync(keyFile, "utf8")).toContain("-----BEGIN PGP PUBLIC KEY BLOCK-----");

    // gpgv checks both signatures independently of apt.
    const keyring = path.join(work, "bookworm.gpg");
    execFileSync("gpg", ["--batch", "--homedir", mkdtempSync(path.join(work, "gnupg-")), "--dearmor", "-o", keyring, keyFile], { stdio: "pipe" });
    const release = path.join(work, "Release");
    const inRelease = path.join(work, "InRelease");
    const releaseGpg = path.join(work, "Release.gpg");
    expect(curl([...auth, "-o", release, `${repoUrl()}/dists/bookworm/Release`]).status).toBe(200);
    expect(curl([...auth, "-o", inRelease, `${repoUrl()}/dists/bookworm/InRelease`]).status).toBe(200);
    expect(curl([...auth, "-o", releaseGpg, `${repoUrl()}/dists/bookworm/Release.gpg`]).status).toBe(200);
    expect(spawnSync("gpgv", ["--keyring", keyring, inRelease]).status).toBe(0);
    expect(spawnSync("gpgv", ["--keyring", keyring, releaseGpg, release]).status).toBe(0);

    const root = path.join(work, "apt-signed");
    const source = `deb [signed-by=${keyFile}] ${repoUrl()} bookworm main`;
    const update = apt(root, ["update"], source);
    expect(update.status, update.stdout + update.stderr).toBe(0);
    expect(update.stderr).not.toMatch(/^(W|E):/m);
    expect(update.stdout).not.toMatch(/NO_PUBKEY|not signed/);

    // "Installs" into the private root only: --download-only resolves and fetches into Dir::Cache/archives.
    const install = apt(root, ["install", "-y", "--download-only", "acme-hello-deb"], source);
    expect(install.status, install.stdout + install.stderr).toBe(0);
    const archived = path.join(root, "cache", "archives", "acme-hello-deb_1.0.0_all.deb");
    expect(sha256(archived)).toBe(sha256(path.join(work, "acme-hello-deb_1.0.0_all.deb")));
    // and dpkg can unpack what apt fetched (into the test directory, not the system).
    execFileSync("dpkg-deb", ["-x", archived, path.join(root, "unpacked")]);
    expect(readFileSync(path.join(root, "unpacked", "usr", "share", "acme-hello-deb", "hello.txt"), "utf8")).toBe("hello from acme-hello-deb 1.0.0\n");
  }, 90_000);

  it("dpkg-buildpackage builds source and binary, dput-ng uploads the .changes, apt-get (signed-by) downloads both", () => {
    const auth = ["--user", `${user.username}:${user.token}`];
    const created = curl([...auth, "-X", "POST", "-d", "codename=unstable", `${registry.url}/api/v4/projects/${projectId}/debian_distributions`]);
    expect(created.status, created.body).toBe(201);

    // The sample source (plain debian/rules, dpkg-deb's default xz), targeted at `unstable`: a native 1.0
    // source package (.dsc + .tar.gz) and the binary, in one .changes.
    const build = path.join(work, "dput");
    const src = path.join(build, "acme-hello-deb");
    mkdirSync(build, { recursive: true });
    execFileSync("cp", ["-r", path.join(import.meta.dirname, "debian", "acme-hello-deb"), src]);
    const changelog = path.join(src, "debian", "changelog");
    writeFileSync(changelog, readFileSync(changelog, "utf8").replace(") bookworm;", ") unstable;"));
    execFileSync("dpkg-buildpackage", ["-us", "-uc", "-d"], { cwd: src, stdio: "pipe" });
    const changes = path.join(build, "acme-hello-deb_1.0.0_amd64.changes");
    const debFile = path.join(build, "acme-hello-deb_1.0.0_all.deb");
    const listed = readFileSync(changes, "utf8");
    expect(listed).toContain("acme-hello-deb_1.0.0.dsc");
    expect(execFileSync("ar", ["t", debFile]).toString()).toContain("control.tar.xz");

    // dput-ng with a private HOME (~/.dput.cf), Basic credentials in fqdn as clients.md describes.
    const url = new URL(registry.url);
    writeFileSync(
      path.join(build, ".dput.cf"),
      `[gitlab]\nmethod = http\nfqdn = ${user.username}:${user.token}@${url.host}\nincoming = /api/v4/projects/${projectId}/packages/debian\nlogin = *\nallow_unsigned_uploads = 1\n`,
    );
    const dput = spawnSync("dput", ["--unchecked", "--no-upload-log", "gitlab", changes], { cwd: build, encoding: "utf8", env: { ...process.env, HOME: build } });
    expect(dput.status, dput.stdout + dput.stderr).toBe(0);

    const keyFile = path.join(work, "unstable.asc");
    expect(curl([...auth, "-o", keyFile, `${registry.url}/api/v4/projects/${projectId}/debian_distributions/unstable/key.asc`]).status).toBe(200);
    const root = path.join(work, "apt-dput");
    const source = `deb [signed-by=${keyFile}] ${repoUrl()} unstable main\ndeb-src [signed-by=${keyFile}] ${repoUrl()} unstable main`;
    const update = apt(root, ["update"], source);
    expect(update.status, update.stdout + update.stderr).toBe(0);
    expect(update.stderr).not.toMatch(/^(W|E):/m);
    const download = apt(root, ["download", "acme-hello-deb"], source);
    expect(download.status, download.stdout + download.stderr).toBe(0);
    expect(sha256(path.join(root, "acme-hello-deb_1.0.0_all.deb"))).toBe(sha256(debFile));

    // apt-get source reads Sources (signed by the same InRelease) and fetches the .dsc and its tarball from
    // Directory, checking every checksum the index lists.
    const fetched = apt(root, ["source", "--download-only", "acme-hello-deb"], source);
    expect(fetched.status, fetched.stdout + fetched.stderr).toBe(0);
    for (const file of ["acme-hello-deb_1.0.0.dsc", "acme-hello-deb_1.0.0.tar.gz"]) expect(sha256(path.join(root, file)), file).toBe(sha256(path.join(build, file)));
  }, 120_000);

  it("serves the group repository signed with the group distribution's key: apt-get update and download with signed-by", () => {
    const auth = ["--user", `${user.username}:${user.token}`];
    // PRIVATE-TOKEN header as GitLab's docs show for the distributions API, fields in the query string.
    const created = curl(["-H", `PRIVATE-TOKEN: ${user.token}`, "-X", "POST", `${registry.url}/api/v4/groups/${groupId}/-/debian_distributions?codename=bookworm&architectures=amd64`]);
    expect(created.status, created.body).toBe(201);
    const keyFile = path.join(work, "group-bookworm.asc");
    expect(curl([...auth, "-o", keyFile, `${registry.url}/api/v4/groups/${groupId}/-/debian_distributions/bookworm/key.asc`]).status).toBe(200);

    const inRelease = path.join(work, "group-InRelease");
    expect(curl([...auth, "-o", inRelease, `${groupRepoUrl()}/dists/bookworm/InRelease`]).status).toBe(200);
    const keyring = path.join(work, "group-bookworm.gpg");
    execFileSync("gpg", ["--batch", "--homedir", mkdtempSync(path.join(work, "gnupg-")), "--dearmor", "-o", keyring, keyFile], { stdio: "pipe" });
    expect(spawnSync("gpgv", ["--keyring", keyring, inRelease]).status).toBe(0);

    const root = path.join(work, "apt-group");
    const source = `deb [signed-by=${keyFile}] ${groupRepoUrl()} bookworm main`;
    const update = apt(root, ["update"], source);
    expect(update.status, update.stdout + update.stderr).toBe(0);
    expect(update.stderr).not.toMatch(/^(W|E):/m);
    const download = apt(root, ["download", "acme-xz", "acme-hello-deb"], source);
    expect(download.status, download.stdout + download.stderr).toBe(0);
    expect(sha256(path.join(root, "acme-xz_0.1_amd64.deb"))).toBe(sha256(path.join(work, "acme-xz_0.1_amd64.deb")));
    expect(sha256(path.join(root, "acme-hello-deb_1.0.0_all.deb"))).toBe(sha256(path.join(work, "acme-hello-deb_1.0.0_all.deb")));
  }, 90_000);
});
