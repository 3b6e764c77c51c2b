// Fault injection at each step of the write path (docs/architecture.md "Write path"), for Generic (a raw PUT,
// streamed in R2 multipart parts when it has no length) and npm (a JSON body with the tarball inside and
// declared digests), over wrapper bindings (test/support/faulty-bindings.ts) and the real D1, R2 and Durable
// Object underneath. For each fault: the client gets a clear error, nothing visible changes (no version in the
// Packages API, the download and metadata stay 404), a retry over healthy bindings succeeds and serves the
// bytes, and the storage invariants hold once the grace period is over (test/support/invariants.ts).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { CONTRACT_FORMATS } from "../contract/formats";
import { debian } from "../contract/formats/debian";
import { generic } from "../contract/formats/generic";
import { npm } from "../contract/formats/npm";
import { digestsOf } from "../contract/support";
import type { ContractFormat, Credential, PackageVersion } from "../contract/types";
import { addMember, call, createGroup, createProject, createUser, unique } from "../support/api";
import { captureRequest } from "../support/capture";
import { type FaultPlan, faultyBindings, fetchWith, url } from "../support/faulty-bindings";
import { checkInvariants } from "../support/invariants";

let projectId: number;
let credential: Credential;

beforeAll(async () => {
  const user = await createUser();
  const group = await createGroup(unique("faults"), { visibility: "private" });
  projectId = (await createProject(group.id, { visibility: "private" })).id;
  await addMember("projects", projectId, user.id, 40);
  credential = { kind: "personal", token: user.token, username: user.username };
  // Debian uploads into an existing distribution: the adapter's real upload creates it.
  const v = debian.packageVersion(unique("faults-setup"), "1.0.0");
  const res = await debian.upload(projectId, v, await fileOf(debian, v, "setup"), debian.credentials(credential));
  expect(res.status, await res.text()).toBe(debian.uploaded);
});

const enc = new TextEncoder();
/** A valid file of `v` for the format (formats that read their files get a real archive). */
async function fileOf(format: ContractFormat, v: PackageVersion, label: string): Promise<Uint8Array> {
  const unique = enc.encode(`fault injection ${label} ${crypto.randomUUID()}`);
  return format.fileFor ? format.fileFor(v, unique) : unique;
}
/** Two R2 parts (8 MiB and the rest) of a body sent without a length. */
const BIG = 9 * 1024 * 1024 + 123;

function bigBody(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 4096) bytes[i] = (seed + i / 4096) & 0xff;
  return bytes;
}

/** A streamed body (no Content-Length: the Worker stores it in R2 multipart parts). */
function streamed(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + 1024 * 1024));
      offset += 1024 * 1024;
    },
  });
}

/** The request the format's real client sends for this version (built by the contract adapter). */
async function uploadRequest(format: ContractFormat, v: PackageVersion, bytes: Uint8Array, big = false): Promise<Request> {
  if (big) {
    return new Request(url(generic.downloadPath({ kind: "project", id: projectId }, v, "")), { method: "PUT", body: streamed(bytes), headers: generic.credentials(credential) });
  }
  return captureRequest(() => format.upload(projectId, v, bytes, format.credentials(credential)));
}

/** What a client can see of the version: Packages API rows, the download, the metadata document. */
async function visible(format: ContractFormat, v: PackageVersion, sha256: string) {
  const listed = (await (await call(`/api/v4/projects/${projectId}/packages?package_name=${encodeURIComponent(v.name)}&per_page=100`, { token: credential.token })).json()) as { name: string; version: string }[];
  const download = await call(format.downloadPath({ kind: "project", id: projectId }, v, sha256), { headers: format.credentials(credential) });
  const bytes = new Uint8Array(await download.arrayBuffer());
  let metadata: number | null = null;
  if (format.metadata) {
    const res = await call(format.metadata.path({ kind: "project", id: projectId }, v), { headers: { ...format.credentials(credential), ...format.metadata.headers } });
    metadata = res.status;
    await res.arrayBuffer();
  }
  return { versions: listed.filter((p) => p.name === v.name).map((p) => p.version), download: download.status, bytes, metadata };
}

async function expectNothingVisible(format: ContractFormat, v: PackageVersion, bytes: Uint8Array) {
  const seen = await visible(format, v, (await digestsOf(bytes)).sha256);
  expect(seen.versions).toEqual([]);
  expect(seen.download).toBe(404);
  if (format.metadata) expect(seen.metadata).toBe(404);
}

async function expectServed(format: ContractFormat, v: PackageVersion, bytes: Uint8Array) {
  const seen = await visible(format, v, (await digestsOf(bytes)).sha256);
  expect(seen.versions).toEqual([v.version]);
  expect(seen.download).toBe(200);
  expect(seen.bytes.byteLength).toBe(bytes.byteLength);
  expect(seen.bytes).toEqual(bytes);
}

async function expectInvariants() {
  const report = await checkInvariants();
  expect(report.violations).toEqual([]);
}

/** The client's view of a failed request: a server error with a body that says so, never a success. */
function expectClearError(res: { status: number; body: string }) {
  expect(res.status).toBeGreaterThanOrEqual(500);
  expect(res.body.length).toBeGreaterThan(0);
  expect(res.body).toMatch(/error|Error|failed/);
}

const blobRows = async () => (await env.DB.prepare("SELECT count(*) AS n FROM blobs").first<{ n: number }>())?.n ?? 0;

interface Step {
  step: string;
  plan: FaultPlan;
  formats: ContractFormat[];
  /** The body goes without a length (R2 multipart). */
  big?: boolean;
  /** The request's own cleanup removes its blob at once (otherwise the scheduled cleanup does, after the grace period). */
  discardsAtOnce: boolean;
}

const STEPS: Step[] = [
  // Every format of the contract table: each reads its body its own way (raw, JSON, multipart, archives).
  { step: "the blob row insert", plan: { d1Statement: /^insert into "blobs"/i }, formats: CONTRACT_FORMATS, discardsAtOnce: true },
  { step: "the R2 put", plan: { r2Put: { afterBytes: 1 } }, formats: CONTRACT_FORMATS, discardsAtOnce: true },
  { step: "an R2 multipart part", plan: { r2Part: 2 }, formats: [generic], big: true, discardsAtOnce: true },
  { step: "the R2 multipart completion", plan: { r2Complete: true }, formats: [generic], big: true, discardsAtOnce: true },
  { step: "the coordinator call (lost before the commit)", plan: { coordinator: "before" }, formats: [generic, npm], discardsAtOnce: false },
  // A refused commit (not an ambiguous one) discards its blobs at once.
  { step: "the D1 batch inside the coordinator", plan: { coordinatorBatch: true }, formats: [generic, npm], discardsAtOnce: true },
  { step: "the Worker killed during the R2 put", plan: { r2Put: { afterBytes: 1 }, crash: true }, formats: [generic, npm], discardsAtOnce: false },
  { step: "the Worker killed during a multipart part", plan: { r2Part: 2, crash: true }, formats: [generic], big: true, discardsAtOnce: false },
  { step: "the Worker killed at the coordinator call", plan: { coordinator: "before", crash: true }, formats: [generic, npm], discardsAtOnce: false },
];

describe("a fault at each step of the write path", () => {
  for (const { step, plan, formats, big, discardsAtOnce } of STEPS) {
    for (const format of formats) {
      it(`${step}: ${format.packageType}`, async () => {
        const v = format.packageVersion(unique("fault").replace(/[^a-z0-9-]/g, ""), "1.0.0");
        const bytes = big ? bigBody(BIG, 7) : await fileOf(format, v, step);
        const before = await blobRows();
        const { state, bindings } = faultyBindings(plan);
        const res = await fetchWith(await uploadRequest(format, v, bytes, big), bindings);
        expect(state.fired).toBeGreaterThan(0);
        expectClearError(res);
        await expectNothingVisible(format, v, bytes);
        if (discardsAtOnce) expect(await blobRows()).toBe(before);

        const retry = await fetchWith(await uploadRequest(format, v, bytes, big), {});
        expect(retry.status, retry.body).toBe(format.uploaded);
        await expectServed(format, v, bytes);
        await expectInvariants();
      });
    }
  }

  it("the digest check (npm: a dist.shasum the tarball does not have)", async () => {
    const v = npm.packageVersion(unique("fault-digest"), "1.0.0");
    const bytes = await fileOf(npm, v, "digest");
    const before = await blobRows();
    const honest = await uploadRequest(npm, v, bytes);
    const document = (await honest.json()) as { versions: Record<string, { dist: { shasum: string } }> };
    const version = document.versions[v.version];
    if (!version) throw new Error("the adapter's body has no version");
    version.dist.shasum = "0".repeat(40);
    const res = await fetchWith(new Request(honest.url, { method: "PUT", headers: honest.headers, body: JSON.stringify(document) }), {});
    expect(res.status).toBe(400);
    expect(res.body).toContain("dist.shasum");
    await expectNothingVisible(npm, v, bytes);
    expect(await blobRows()).toBe(before);

    const retry = await fetchWith(await uploadRequest(npm, v, bytes), {});
    expect(retry.status, retry.body).toBe(npm.uploaded);
    await expectServed(npm, v, bytes);
    await expectInvariants();
  });

  // The response step: the commit landed and the answer was lost on its way (the coordinator's reply, or the
  // connection). The version is then whole (rows and bytes); the client's retry gets the format's answer to a
  // second publish: Generic adds the file again (duplicates allowed), npm refuses the version (403).
  for (const format of [generic, npm]) {
    it(`the response, lost after the commit: ${format.packageType}`, async () => {
      const v = format.packageVersion(unique("fault-answer").replace(/[^a-z0-9-]/g, ""), "1.0.0");
      const bytes = await fileOf(format, v, "answer");
      const { state, bindings } = faultyBindings({ coordinator: "after" });
      const res = await fetchWith(await uploadRequest(format, v, bytes), bindings);
      expect(state.fired).toBe(1);
      expectClearError(res);
      await expectServed(format, v, bytes);

      const retry = await fetchWith(await uploadRequest(format, v, bytes), {});
      const duplicate = format.duplicates.byDefault;
      expect(retry.status, retry.body).toBe(duplicate === "allowed" ? format.uploaded : duplicate.status);
      await expectServed(format, v, bytes);
      await expectInvariants();
    });
  }
});
