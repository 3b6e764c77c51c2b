// Maven test helpers: PUT/GET files the way mvn does, against the Worker inside workerd.
import { call } from "../../support/api";

export const projectBase = (projectId: number | string) => `/api/v4/projects/${projectId}/packages/maven`;
export const groupBase = (groupId: number | string) => `/api/v4/groups/${groupId}/-/packages/maven`;
export const INSTANCE_BASE = "/api/v4/packages/maven";

export type Auth = { token?: string; headers?: Record<string, string> };

export function put(url: string, body: string | Uint8Array, auth: Auth = {}) {
  return call(url, { method: "PUT", body, token: auth.token, headers: auth.headers });
}

export function get(url: string, auth: Auth = {}, method: "GET" | "HEAD" = "GET") {
  return call(url, { method, token: auth.token, headers: auth.headers });
}

export async function hex(kind: "MD5" | "SHA-1" | "SHA-256" | "SHA-512", data: string | Uint8Array) {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return [...new Uint8Array(await crypto.subtle.digest(kind, bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The files `mvn deploy` uploads for one release version (checksums included), in its order. */
export async function deployRelease(base: string, groupPath: string, artifactId: string, version: string, token: string, jar = `jar of ${artifactId} ${version}`) {
  const dir = `${base}/${groupPath}/${artifactId}/${version}`;
  const pom = `<project><groupId>${groupPath.replace(/\//g, ".")}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></project>`;
  const statuses: number[] = [];
  for (const [name, content] of [[`${artifactId}-${version}.pom`, pom], [`${artifactId}-${version}.jar`, jar]] as const) {
    statuses.push((await put(`${dir}/${name}`, content, { token })).status);
    statuses.push((await put(`${dir}/${name}.sha1`, await hex("SHA-1", content), { token })).status);
    statuses.push((await put(`${dir}/${name}.md5`, await hex("MD5", content), { token })).status);
  }
  return statuses;
}
