// Helpers for the npm workerd tests: tenants, publish bodies shaped like npm 11's (base64 attachment,
// dist.shasum and dist.integrity computed from the bytes), and requests with npm's Bearer header.
import { env } from "cloudflare:workers";
import { putBlob } from "../../../src/core/blobs";
import { commitPackage } from "../../../src/core/publish/client";
import { addMember, call, createGroup, createProject, createUser, unique } from "../../support/api";
import { NO_AUTHOR } from "../../support/packages";

export { call };

export async function seedNpmProject(projectExtra: Record<string, unknown> = { visibility: "private" }, groupExtra: Record<string, unknown> = {}) {
  const group = await createGroup(unique("npmgrp"), groupExtra);
  const project = await createProject(group.id, projectExtra);
  const developer = await createUser();
  const maintainer = await createUser();
  const reporter = await createUser();
  await addMember("projects", project.id, developer.id, 30);
  await addMember("projects", project.id, maintainer.id, 40);
  await addMember("projects", project.id, reporter.id, 20);
  return { group, project, developer, maintainer, reporter, scope: `@${group.path}` };
}

export const projectPrefix = (id: number | string) => `/api/v4/projects/${id}/packages/npm`;
export const groupPrefix = (id: number | string) => `/api/v4/groups/${id}/-/packages/npm`;
export const INSTANCE_PREFIX = "/api/v4/packages/npm";
/** npm's escaped name: `@scope%2fname`. */
export const escaped = (name: string) => name.replace("/", "%2f");

async function digest(algorithm: string, bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(algorithm, bytes));
}
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
export function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export interface PublishOptions {
  tarball?: Uint8Array;
  tag?: string;
  manifest?: Record<string, unknown>;
  shasum?: string;
  integrity?: string;
}

/** The JSON npm publish PUTs for one version. */
export async function publishBody(name: string, version: string, options: PublishOptions = {}) {
  const tarball = options.tarball ?? new TextEncoder().encode(`tarball of ${name}@${version} ${Math.random()}`);
  const fileName = `${name}-${version}.tgz`;
  const shasum = options.shasum ?? hex(await digest("SHA-1", tarball));
  const integrity = options.integrity ?? `sha512-${base64(await digest("SHA-512", tarball))}`;
  const body = {
    _id: name,
    name,
    description: `the ${name} package`,
    "dist-tags": { [options.tag ?? "latest"]: version },
    versions: {
      [version]: {
        name,
        version,
        description: `the ${name} package`,
        main: "index.js",
        readme: "a readme GitLab does not keep",
        _id: `${name}@${version}`,
        dist: { shasum, integrity, tarball: `http://client.invalid/${name}/-/${fileName}` },
        ...options.manifest,
      },
    },
    access: null,
    _attachments: { [fileName]: { content_type: "application/octet-stream", data: base64(tarball), length: tarball.byteLength } },
  };
  return { body: JSON.stringify(body), tarball, shasum, integrity, fileName };
}

export function npmCall(path: string, init: RequestInit & { bearer?: string; json?: unknown } = {}) {
  const headers = new Headers(init.headers);
  if (init.bearer) headers.set("authorization", `Bearer ${init.bearer}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(init.json);
  }
  return call(path, { ...init, headers, body });
}

export async function publish(prefix: string, name: string, version: string, bearer: string, options: PublishOptions = {}) {
  const built = await publishBody(name, version, options);
  const response = await npmCall(`${prefix}/${escaped(name)}`, { method: "PUT", bearer, body: built.body, headers: { "content-type": "application/json", "npm-command": "publish" } });
  return { response, ...built };
}

export const INSTALL_ACCEPT = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*";

/** Rows and objects a failed publish must not leave: blobs rows and R2 objects. */
export async function storageCounts() {
  const rows = await env.DB.prepare("SELECT count(*) AS n FROM blobs").first<{ n: number }>();
  const objects = await env.BLOBS.list({ prefix: "blobs/" });
  return { blobs: rows!.n, objects: objects.objects.length };
}

/**
 * A version written straight through the coordinator, without npm's publish rules: stands for data stored
 * before the top-level-namespace rule, the only way two projects of one namespace can hold one version.
 */
export async function storeVersionDirectly(projectId: number, name: string, version: string) {
  const tarball = new TextEncoder().encode(`stored ${name}@${version} ${Math.random()}`);
  const blob = await putBlob(env, new Response(tarball).body, { contentLength: tarball.byteLength, maxBytes: 1 << 20, digests: ["sha1", "sha512"] }); // as npm publish keeps them
  await commitPackage(env, {
    projectId,
    packageType: "npm",
    name,
    normalizedName: name,
    ops: [{ kind: "publish", version, files: [{ blob, fileName: `${name}-${version}.tgz` }], duplicates: { kind: "reject_version" }, metadata: { name, version } }],
    author: NO_AUTHOR,
  });
  return { tarball, shasum: hex(await digest("SHA-1", tarball)) };
}
