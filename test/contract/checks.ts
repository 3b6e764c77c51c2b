// What the contract suite does with a table entry: publish a version, judge an answer against the access
// table (status, challenge, error rendering, bytes), and find a package through the Packages API.
import { expect } from "vitest";
import { ADMIN_TOKEN, call, ok, unique } from "../support/api";
import type { Outcome } from "./access";
import { bytesFor, digestsOf, nextVersion, textOf } from "./support";
import type { ContractFormat, Credential, PackageVersion } from "./types";

export interface Published {
  /** The base name, to publish more versions of the same package. */
  base: string;
  v: PackageVersion;
  bytes: Uint8Array;
  digests: Awaited<ReturnType<typeof digestsOf>>;
}

/** Upload one version with one file as `credential` and expect the format's success status. */
export async function publish(format: ContractFormat, projectId: number, credential: Credential, options: { base?: string; version?: string; bytes?: Uint8Array } = {}): Promise<Published> {
  const base = options.base ?? unique(`contract-${format.packageType}`);
  const v = format.packageVersion(base, options.version ?? nextVersion());
  const bytes = options.bytes ?? (await fileOf(format, v, bytesFor(`${base}@${v.version}`)));
  const res = await format.upload(projectId, v, bytes, format.credentials(credential));
  expect(res.status, `upload of ${v.name}@${v.version}: ${await res.clone().text()}`).toBe(format.uploaded);
  await res.arrayBuffer();
  return { base, v, bytes, digests: await digestsOf(bytes) };
}

/** What the format's client uploads for `v` around these unique bytes (see ContractFormat.fileFor). */
export const fileOf = (format: ContractFormat, v: PackageVersion, bytes: Uint8Array) => (format.fileFor ? format.fileFor(v, bytes) : Promise.resolve(bytes));

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((x, i) => x === b[i]);
}

/**
 * Problems with one answer, given the access table's outcome: the status; for a success the bytes (when
 * given); for a refusal the rendering every format shares (JSON with message or error, never stored by a
 * cache, a 401 with the format's challenge).
 */
export async function judge(format: ContractFormat, label: string, res: Response, outcome: Outcome, success: number, sentCredential: boolean, bytes?: Uint8Array): Promise<string[]> {
  const want = outcome === "ok" ? success : outcome;
  const body = new Uint8Array(await res.arrayBuffer());
  if (res.status !== want) return [`${label}: ${res.status}, want ${want} (${textOf(body).slice(0, 100)})`];
  if (outcome === "ok") return bytes && !sameBytes(body, bytes) ? [`${label}: wrong bytes`] : [];
  const problems: string[] = [];
  const challenge = res.headers.get("www-authenticate");
  if (want === 401 && challenge !== format.challenge(sentCredential)) problems.push(`${label}: challenge ${challenge}, want ${format.challenge(sentCredential)}`);
  if (!/no-store/.test(res.headers.get("cache-control") ?? "")) problems.push(`${label}: a ${want} without Cache-Control: no-store`);
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(textOf(body)) as Record<string, unknown>;
  } catch {
    problems.push(`${label}: a ${want} without a JSON body`);
  }
  if (json && typeof json.message !== "string" && typeof json.error !== "string") problems.push(`${label}: a ${want} body without message or error`);
  return problems;
}

/** The Packages API record of this version (the route every format's packages are deleted through). */
export async function packageRecord(format: ContractFormat, projectId: number, v: PackageVersion): Promise<{ id: number; name: string; version: string }> {
  const query = new URLSearchParams({ package_type: format.packageType, package_name: v.name, package_version: v.version });
  const rows = await ok<{ id: number; name: string; version: string }[]>(call(`/api/v4/projects/${projectId}/packages?${query}`, { token: ADMIN_TOKEN }));
  const exact = rows.filter((r) => r.name === v.name && r.version === v.version);
  expect(exact, `Packages API rows for ${v.name}@${v.version}`).toHaveLength(1);
  return exact[0]!;
}
