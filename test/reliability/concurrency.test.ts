// Concurrency beyond one package (issue 24): 200 publishes at once, spread over 20 packages of every format of
// the contract table (test/contract/formats), mixed with deletes through the Packages API, duplicate publishes
// racing each other and npm dist-tag moves on the same packages, all through the real Worker, D1, R2 and the
// per-package Durable Objects. Afterwards:
//   - every acknowledged publish is listed by the Packages API and its download serves exactly its bytes;
//   - every refused one (a losing duplicate) and every deleted one is absent: not listed, not downloadable,
//     not in the format's metadata document, and its bytes are served nowhere;
//   - every npm dist-tag points at a version that exists, one an acknowledged move or publish named;
//   - the storage invariants hold (test/support/invariants.ts).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { CONTRACT_FORMATS } from "../contract/formats";
import { debian } from "../contract/formats/debian";
import { npm } from "../contract/formats/npm";
import { digestsOf } from "../contract/support";
import type { ContractFormat, Credential, PackageVersion } from "../contract/types";
import { addMember, call, createGroup, createProject, createUser, unique } from "../support/api";
import { checkInvariants } from "../support/invariants";

const PACKAGES = 20;
const VERSIONS_PER_PACKAGE = 10; // 20 × 10 = 200 concurrent publishes
const TAGS = ["stable", "beta", "next"];

let projectId: number;
let credential: Credential;
const enc = new TextEncoder();

interface Pkg {
  index: number;
  format: ContractFormat;
  base: string;
}
interface Attempt {
  pkg: Pkg;
  /** The version asked for (a format may spell it its own way in `v`: Go's v1.0.0). */
  version: string;
  v: PackageVersion;
  bytes: Uint8Array;
  sha256: string;
  kind: "publish" | "duplicate" | "seed";
  status?: number;
  body?: string;
  /** Deleted through the Packages API with a 204 after it was acknowledged. */
  deleted?: boolean;
}

const refusesDuplicates = (format: ContractFormat) => format.duplicates.byDefault !== "allowed";

async function attemptFor(pkg: Pkg, version: string, kind: Attempt["kind"], label: string): Promise<Attempt> {
  const v = pkg.format.packageVersion(pkg.base, version);
  const unique = enc.encode(`concurrency ${label} ${pkg.base}@${version} ${crypto.randomUUID()}`);
  const bytes = pkg.format.fileFor ? await pkg.format.fileFor(v, unique) : unique;
  return { pkg, version, v, bytes, sha256: (await digestsOf(bytes)).sha256, kind };
}

async function send(a: Attempt): Promise<Attempt> {
  const res = await a.pkg.format.upload(projectId, a.v, a.bytes, a.pkg.format.credentials(credential));
  a.status = res.status;
  a.body = await res.text();
  return a;
}

const acknowledged = (a: Attempt) => a.status === a.pkg.format.uploaded;

/** Every Packages API row of the project, as `type|name|version` → ids. */
async function listed(): Promise<Map<string, number[]>> {
  const rows = new Map<string, number[]>();
  for (let page = 1; page <= 30; page++) {
    const res = await call(`/api/v4/projects/${projectId}/packages?per_page=100&page=${page}`, { token: credential.token });
    expect(res.status).toBe(200);
    const batch = (await res.json()) as { id: number; name: string; version: string; package_type: string }[];
    for (const r of batch) {
      const key = `${r.package_type}|${r.name}|${r.version}`;
      rows.set(key, [...(rows.get(key) ?? []), r.id]);
    }
    if (batch.length < 100) break;
  }
  return rows;
}
const keyOf = (a: Attempt) => `${a.pkg.format.packageType}|${a.v.name}|${a.v.version}`;

async function packageIdOf(a: Attempt): Promise<number> {
  const query = new URLSearchParams({ package_type: a.pkg.format.packageType, package_name: a.v.name, package_version: a.v.version });
  const rows = (await (await call(`/api/v4/projects/${projectId}/packages?${query}`, { token: credential.token })).json()) as { id: number; name: string; version: string }[];
  const exact = rows.filter((r) => r.name === a.v.name && r.version === a.v.version);
  expect(exact, `${keyOf(a)} listed once`).toHaveLength(1);
  return exact[0]!.id;
}

/** DELETE through the Packages API (a commit through the package's coordinator). */
async function remove(a: Attempt, id: number): Promise<number> {
  const res = await call(`/api/v4/projects/${projectId}/packages/${id}`, { method: "DELETE", token: credential.token });
  await res.arrayBuffer();
  if (res.status === 204) a.deleted = true;
  return res.status;
}

async function download(a: Attempt): Promise<{ status: number; bytes: Uint8Array }> {
  const res = await call(a.pkg.format.downloadPath({ kind: "project", id: projectId }, a.v, a.sha256), { headers: a.pkg.format.credentials(credential) });
  return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()) };
}

async function metadataVersions(pkg: Pkg): Promise<string[] | null> {
  const metadata = pkg.format.metadata;
  if (!metadata) return null;
  const v = pkg.format.packageVersion(pkg.base, "0.9.0");
  const res = await call(metadata.path({ kind: "project", id: projectId }, v), { headers: { ...pkg.format.credentials(credential), ...metadata.headers } });
  const body = await res.text();
  if (res.status === 404) return [];
  expect(res.status, body).toBe(200);
  return metadata.versions(body);
}

/** Deletes and tag moves start at random moments of the storm rather than all before the first publish. */
const jitter = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 4000));

const npmPrefix = () => `/api/v4/projects/${projectId}/packages/npm`;
async function moveTag(name: string, tag: string, version: string): Promise<number> {
  const res = await call(`${npmPrefix()}/-/package/${encodeURIComponent(name)}/dist-tags/${tag}`, {
    method: "PUT",
    body: JSON.stringify(version),
    headers: { ...npm.credentials(credential), "content-type": "application/json" },
  });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  const user = await createUser();
  const group = await createGroup(unique("concurrency"), { visibility: "private" });
  projectId = (await createProject(group.id, { visibility: "private" })).id;
  await addMember("projects", projectId, user.id, 40);
  credential = { kind: "personal", token: user.token, username: user.username };
  // Debian uploads into an existing distribution: the adapter's first upload creates it, before the storm.
  const v = debian.packageVersion(`concsetup${Date.now().toString(36)}`, "1.0.0");
  const res = await debian.upload(projectId, v, await debian.fileFor!(v, enc.encode("setup")), debian.credentials(credential));
  expect(res.status, await res.text()).toBe(debian.uploaded);
});

describe("200 concurrent publishes over 20 packages of every format, with deletes and dist-tag moves", () => {
  it("keeps every acknowledged write, loses every refused or deleted one, and the invariants hold", { timeout: 120_000 }, async () => {
    const stamp = Date.now().toString(36);
    const pkgs: Pkg[] = Array.from({ length: PACKAGES }, (_, index) => ({ index, format: CONTRACT_FORMATS[index % CONTRACT_FORMATS.length]!, base: `conc${index}x${stamp}` }));
    expect(new Set(pkgs.map((p) => p.format.packageType)).size).toBe(CONTRACT_FORMATS.length);

    // Before the storm, each package has a version that stays (0.9.0) and one the storm deletes (1.99.0).
    const seeds = await Promise.all(pkgs.flatMap((pkg) => ["0.9.0", "1.99.0"].map((version) => attemptFor(pkg, version, "seed", "seed"))));
    await Promise.all(seeds.map(send));
    for (const s of seeds) expect(s.status, `seed ${keyOf(s)}: ${s.body}`).toBe(s.pkg.format.uploaded);
    const doomedSeeds = seeds.filter((s) => s.version === "1.99.0");
    const doomedIds = await Promise.all(doomedSeeds.map(packageIdOf));
    const npmPkgs = pkgs.filter((p) => p.format === npm);
    for (const pkg of npmPkgs) for (const tag of TAGS) expect(await moveTag(pkg.format.packageVersion(pkg.base, "0.9.0").name, tag, "0.9.0")).toBe(204);

    // The storm: 200 distinct versions; for formats that refuse a second publish of a version, a rival
    // publish of 1.1.0 with other bytes; the first version of each package deleted as soon as it is
    // acknowledged; the seeded 1.99.0 deleted; npm dist-tags moved to versions that may not exist yet, and to
    // the version being deleted.
    const publishes = await Promise.all(pkgs.flatMap((pkg) => Array.from({ length: VERSIONS_PER_PACKAGE }, (_, j) => attemptFor(pkg, `1.${j}.0`, "publish", "storm"))));
    const duplicates = await Promise.all(pkgs.filter((p) => refusesDuplicates(p.format)).map((pkg) => attemptFor(pkg, "1.1.0", "duplicate", "rival")));
    expect(publishes).toHaveLength(200);
    const tagMoves: { name: string; tag: string; version: string; status?: number }[] = [];
    for (const pkg of npmPkgs) {
      const name = pkg.format.packageVersion(pkg.base, "0.9.0").name;
      for (const [t, tag] of TAGS.entries()) for (const version of ["1.0.0", "1.2.0", "1.5.0", "1.9.0", "1.99.0", `1.${t + 3}.0`]) tagMoves.push({ name, tag, version });
    }
    const deleteStatuses: number[] = [];
    const chainedDeletes: number[] = [];
    const order = [...publishes, ...duplicates].sort(() => Math.random() - 0.5);
    const started = Date.now();
    await Promise.all([
      ...order.map(async (a) => {
        await send(a);
        // The first version of each package goes as soon as it is acknowledged, while the others still land.
        if (a.kind === "publish" && a.version === "1.0.0" && acknowledged(a)) chainedDeletes.push(await remove(a, await packageIdOf(a)));
      }),
      ...doomedSeeds.map(async (s, i) => {
        await jitter();
        deleteStatuses.push(await remove(s, doomedIds[i]!));
      }),
      ...tagMoves.map(async (m) => {
        await jitter();
        m.status = await moveTag(m.name, m.tag, m.version);
      }),
    ]);
    const stormMs = Date.now() - started;

    // Every publish is answered: the format's success, or (only for a rival publish of a version that
    // exists) the format's duplicate refusal. No 5xx anywhere.
    const raced = (a: Attempt) => refusesDuplicates(a.pkg.format) && a.version === "1.1.0";
    for (const a of publishes.filter((p) => !raced(p))) expect(a.status, `${keyOf(a)}: ${a.body}`).toBe(a.pkg.format.uploaded);
    for (const pkg of pkgs.filter((p) => refusesDuplicates(p.format))) {
      const rivals = [...publishes, ...duplicates].filter((a) => a.pkg === pkg && a.version === "1.1.0");
      const won = rivals.filter(acknowledged);
      expect(won, `exactly one publish of ${pkg.base}@1.1.0 (${pkg.format.packageType}) wins: ${rivals.map((r) => r.status)}`).toHaveLength(1);
      const refusal = pkg.format.duplicates.byDefault as { status: number };
      for (const lost of rivals.filter((a) => !acknowledged(a))) expect(lost.status, lost.body).toBe(refusal.status);
    }
    expect(deleteStatuses).toEqual(doomedSeeds.map(() => 204));
    expect(chainedDeletes).toEqual(pkgs.map(() => 204));
    for (const m of tagMoves) expect([204, 404], `dist-tag ${m.tag} → ${m.version}: ${m.status}`).toContain(m.status);

    // What is there: every acknowledged, undeleted publish, with its bytes; nothing refused or deleted.
    const all = [...seeds, ...publishes, ...duplicates];
    const kept = all.filter((a) => acknowledged(a) && !a.deleted);
    const gone = all.filter((a) => !acknowledged(a) || a.deleted);
    const rows = await listed();
    for (const a of kept) {
      expect(rows.get(keyOf(a)), `${keyOf(a)} listed once`).toHaveLength(1);
      const served = await download(a);
      expect(served.status, keyOf(a)).toBe(200);
      expect(served.bytes.byteLength, keyOf(a)).toBe(a.bytes.byteLength);
      expect(served.bytes, keyOf(a)).toEqual(a.bytes);
    }
    const keptKeys = new Set(kept.map(keyOf));
    for (const a of gone) {
      if (keptKeys.has(keyOf(a))) continue; // a losing rival: its version is the winner's, whose bytes were checked above
      expect(rows.has(keyOf(a)), `${keyOf(a)} (${a.deleted ? "deleted" : `refused ${a.status}`}) is not listed`).toBe(false);
      expect((await download(a)).status, `${keyOf(a)} is not served`).toBe(404);
    }
    // No stored file has the bytes of a refused or deleted publish.
    const goneDigests = gone.map((a) => a.sha256).filter((sha) => !kept.some((k) => k.sha256 === sha));
    const storedDigests = new Set((await env.DB.prepare("SELECT sha256 FROM package_files").all<{ sha256: string }>()).results.map((r) => r.sha256));
    for (const sha of goneDigests) expect(storedDigests.has(sha), `bytes ${sha} of a refused or deleted publish are stored`).toBe(false);

    // Each metadata document lists exactly the versions kept.
    for (const pkg of pkgs) {
      const versions = await metadataVersions(pkg);
      if (versions === null) continue;
      const want = kept.filter((a) => a.pkg === pkg).map((a) => a.v.version);
      expect([...new Set(versions)].sort(), `${pkg.format.packageType} ${pkg.base} metadata`).toEqual([...new Set(want)].sort());
    }

    // npm dist-tags point at existing versions that an acknowledged move (or a publish, for latest) named.
    for (const pkg of npmPkgs) {
      const name = pkg.format.packageVersion(pkg.base, "0.9.0").name;
      const res = await call(`${npmPrefix()}/-/package/${encodeURIComponent(name)}/dist-tags`, { headers: npm.credentials(credential) });
      const tags = (await res.json()) as Record<string, string>;
      const existing = new Set(kept.filter((a) => a.pkg === pkg).map((a) => a.v.version));
      for (const [tag, version] of Object.entries(tags)) expect(existing.has(version), `dist-tag ${tag} → ${version} exists`).toBe(true);
      for (const tag of TAGS) {
        if (tags[tag] === undefined) continue; // its version was deleted, and the tag with it
        const named = new Set(["0.9.0", ...tagMoves.filter((m) => m.name === name && m.tag === tag && m.status === 204).map((m) => m.version)]);
        expect(named.has(tags[tag]!), `dist-tag ${tag} → ${tags[tag]} was set by an acknowledged move`).toBe(true);
      }
    }

    const report = await checkInvariants({ digestSample: 400 });
    expect(report.violations).toEqual([]);
    console.log(
      `concurrency: ${publishes.length} publishes + ${duplicates.length} rival publishes + ${doomedSeeds.length + chainedDeletes.length} deletes + ${tagMoves.length} dist-tag moves in ${stormMs} ms; ` +
        `${kept.length} versions kept, ${gone.length} refused or deleted; tag moves 204: ${tagMoves.filter((m) => m.status === 204).length}, 404: ${tagMoves.filter((m) => m.status === 404).length}; ` +
        `invariants: ${report.packages} packages, ${report.files} files, ${report.digestsChecked} digests read back`,
    );
  });
});
